#include "host/outbound/signature.hpp"

#include "host/util/encoding.hpp"

#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <algorithm>

namespace cx::outbound {

namespace {
std::string mac(std::string_view secret, std::string_view id, int64_t ts, std::string_view body) {
  auto h = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  h->set_key(reinterpret_cast<const uint8_t*>(secret.data()), secret.size());
  const std::string ts_text = std::to_string(ts);
  h->update(reinterpret_cast<const uint8_t*>(id.data()), id.size());
  h->update('.');
  h->update(reinterpret_cast<const uint8_t*>(ts_text.data()), ts_text.size());
  h->update('.');
  h->update(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  auto out = h->final();
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}
}  // namespace

std::string sign(std::string_view secret, std::string_view id, int64_t unix_seconds, std::string_view body) {
  return "v1," + util::base64_encode(mac(secret, id, unix_seconds, body));
}

bool verify(std::string_view header, std::string_view secret, std::string_view id, int64_t unix_seconds,
            std::string_view body) {
  const std::string expected = mac(secret, id, unix_seconds, body);
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t end = header.find(' ', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view entry = header.substr(pos, end - pos);
    pos = end + 1;
    if (!entry.starts_with("v1,")) continue;
    auto got = util::base64_decode(entry.substr(3));
    if (got && got->size() == expected.size() &&
        Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(got->data()),
                                     reinterpret_cast<const uint8_t*>(expected.data()), expected.size()))
      return true;
  }
  return false;
}

std::string generate_secret() {
  Botan::System_RNG rng;
  auto bytes = rng.random_vec(24);
  return util::base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string secret_problem(std::string_view secret) {
  // Padded standard alphabet only: the decoder below also takes unpadded text, so check the form.
  const bool alphabet = std::all_of(secret.begin(), secret.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
  });
  auto decoded = alphabet && secret.size() % 4 == 0 ? util::base64_decode(secret) : std::nullopt;
  if (!decoded) return "secret should be base64 encoded";
  if (decoded->size() != 24) return "decoded secret should be of size 24";
  return {};
}

}  // namespace cx::outbound
