// connectivity/crypto.hpp — digests, HMAC and base64 for webhook verification, on Botan 2.
//
// Optional part of the SDK: a connector that includes this header links Botan
// (Debian libbotan-2-dev; CMake: pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2) and
// cx_add_connector(… LINK_LIBRARIES PkgConfig::BOTAN)). The rest of the SDK needs only Boost.
// Signature schemes (ECDSA, RSA) are used through Botan's PK_Verifier directly: they differ per
// provider, and a wrapper would only rename Botan.
#pragma once

#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::crypto {

namespace detail {
inline const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }
}  // namespace detail

/// SHA-256 of `data` (FIPS 180-4) as 32 raw bytes.
inline std::string sha256(std::string_view data) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(detail::bytes(data), data.size());
  auto out = h->final();
  return std::string(out.begin(), out.end());
}

/// SHA-256 of `data` as 64 lower-case hex digits (idempotency keys, body digests).
inline std::string sha256_hex(std::string_view data) {
  std::string d = sha256(data);
  return Botan::hex_encode(detail::bytes(d), d.size(), /*uppercase=*/false);
}

/// HMAC-SHA256(key, message) (RFC 2104) as 32 raw bytes.
inline std::string hmac_sha256(std::string_view key, std::string_view message) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(detail::bytes(key), key.size());
  mac->update(detail::bytes(message), message.size());
  auto out = mac->final();
  return std::string(out.begin(), out.end());
}

/// a == b in time that depends only on the length (compare signatures and digests with this).
inline bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Botan::constant_time_compare(detail::bytes(a), detail::bytes(b), a.size());
}

/// Standard base64 with padding (RFC 4648 §4).
inline std::string base64_encode(std::string_view bytes) { return Botan::base64_encode(detail::bytes(bytes), bytes.size()); }

/// Decodes standard padded base64 (RFC 4648 §4); nullopt when malformed (whitespace included).
inline std::optional<std::string> base64_decode(std::string_view text) {
  try {
    auto out = Botan::base64_decode(text.data(), text.size(), /*ignore_ws=*/false);
    return std::string(out.begin(), out.end());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// base64url without padding (RFC 4648 §5; JWS, RFC 7515 §2): Botan's base64 with the URL alphabet.
inline std::string base64url_encode(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

/// Decodes base64url, padded or not; nullopt when malformed (a '+' or '/' included).
inline std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string s;
  s.reserve(text.size() + 3);
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) s += c;
    else if (c == '-') s += '+';
    else if (c == '_') s += '/';
    else return std::nullopt;
  }
  while (s.size() % 4) s += '=';
  return base64_decode(s);
}

}  // namespace cx::crypto
