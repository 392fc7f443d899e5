// The Formance Webhooks v1 signature (docs/events.md "Signature"): the header
// Formance-Webhook-Signature is "v1," + standard base64 of HMAC-SHA256(key, id "." ts "." body),
// where key is the ASCII bytes of the config's base64 secret as stored (it is NOT decoded), id is
// the delivery id (Formance-Webhook-Id) and ts the decimal unix seconds sent in
// Formance-Webhook-Timestamp. HMAC by Botan; base64 by cx::util (Botan's codec).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cx::outbound {

/// "v1,<base64(HMAC-SHA256)>" (44 characters after the "v1,").
std::string sign(std::string_view secret, std::string_view id, int64_t unix_seconds, std::string_view body);

/// True when any space-separated "v1,<sig>" entry of `header` matches (constant-time compare);
/// other versions are ignored, as the reference's verifier does.
bool verify(std::string_view header, std::string_view secret, std::string_view id, int64_t unix_seconds,
            std::string_view body);

/// A new secret: 24 random bytes (Botan's system RNG) in padded standard base64 (32 characters).
std::string generate_secret();

/// Empty when `secret` is valid (padded standard base64 of exactly 24 bytes), else why not, worded
/// like the reference ("secret should be base64 encoded" / "decoded secret should be of size 24").
std::string secret_problem(std::string_view secret);

}  // namespace cx::outbound
