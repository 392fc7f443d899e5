#include "host/util/encoding.hpp"

#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/hex.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <chrono>

namespace cx::util {

std::string base64_encode(std::string_view bytes) {
  return Botan::base64_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4) padded.push_back('=');
  try {
    auto v = Botan::base64_decode(padded, false);
    return std::string(v.begin(), v.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string base64url_encode(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string s(text);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;  // not in the url alphabet
  }
  if (s.size() % 4 == 1) return std::nullopt;
  return base64_decode(s);
}

std::string hex_encode(std::string_view bytes) {
  return Botan::hex_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), false);
}

std::string uuid_v4() {
  uint8_t b[16];
  Botan::system_rng().randomize(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string h = Botan::hex_encode(b, sizeof b, false);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cx::util
