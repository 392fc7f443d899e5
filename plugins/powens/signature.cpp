#include "signature.hpp"

#include <connectivity/crypto.hpp>
#include <connectivity/http.hpp>
#include <connectivity/time.hpp>

namespace powens {

std::string signed_string(std::string_view path, std::string_view date, std::string_view body) {
  std::string s;
  s.reserve(path.size() + date.size() + body.size() + 8);
  s.append("POST.").append(path).append(".").append(date).append(".").append(body);
  return s;
}

std::string sign_webhook(std::string_view secret, std::string_view path, std::string_view date, std::string_view body) {
  return cx::crypto::base64_encode(cx::crypto::hmac_sha256(secret, signed_string(path, date, body)));
}

bool signature_matches(std::string_view secret, std::string_view path, std::string_view date, std::string_view body,
                       std::string_view signature) {
  auto given = cx::crypto::base64_decode(signature);
  return given && cx::crypto::equal_constant_time(*given, cx::crypto::hmac_sha256(secret, signed_string(path, date, body)));
}

std::optional<int64_t> signature_date_ms(std::string_view date) {
  if (auto t = cx::time::parse_rfc3339(date)) return t;
  if (date.size() != 29 || date.substr(25) != " GMT") return std::nullopt;  // IMF-fixdate only
  return cx::parse_http_date(date);
}

}  // namespace powens
