#include "signature.hpp"

#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>

#include <connectivity/time.hpp>

#include <ctime>
#include <stdexcept>

namespace powens {
namespace {

std::vector<uint8_t> hmac_sha256(std::string_view secret, std::string_view message) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(reinterpret_cast<const uint8_t*>(secret.data()), secret.size());
  mac->update(reinterpret_cast<const uint8_t*>(message.data()), message.size());
  auto out = mac->final();
  return std::vector<uint8_t>(out.begin(), out.end());
}

}  // namespace

std::string signed_string(std::string_view path, std::string_view date, std::string_view body) {
  std::string s;
  s.reserve(path.size() + date.size() + body.size() + 8);
  s.append("POST.").append(path).append(".").append(date).append(".").append(body);
  return s;
}

std::string sign_webhook(std::string_view secret, std::string_view path, std::string_view date, std::string_view body) {
  auto mac = hmac_sha256(secret, signed_string(path, date, body));
  return Botan::base64_encode(mac.data(), mac.size());
}

bool signature_matches(std::string_view secret, std::string_view path, std::string_view date, std::string_view body,
                       std::string_view signature) {
  Botan::secure_vector<uint8_t> given;
  try {
    given = Botan::base64_decode(signature.data(), signature.size(), /*ignore_ws=*/false);
  } catch (const std::exception&) {
    return false;
  }
  auto expected = hmac_sha256(secret, signed_string(path, date, body));
  if (given.size() != expected.size()) return false;
  return Botan::constant_time_compare(given.data(), expected.data(), expected.size());
}

std::optional<int64_t> signature_date_ms(std::string_view date) {
  if (auto t = cx::time::parse_rfc3339(date)) return t;
  // IMF-fixdate: exactly 29 characters, parsed field by field by strptime (C locale names).
  if (date.size() != 29 || date.substr(25) != " GMT") return std::nullopt;
  std::string text(date);
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string sha256_hex(std::string_view data) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  auto out = h->final();
  return Botan::hex_encode(out.data(), out.size(), /*uppercase=*/false);
}

}  // namespace powens
