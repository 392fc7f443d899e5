// plaid/verify.hpp — Plaid webhook verification, all five steps (docs/providers/plaid.md §4;
// Plaid docs "Webhook verification"): the Plaid-Verification header is an ES256 JWT whose key is
// published by kid at /webhook_verification_key/get; its claims bind the delivery time (iat) and
// the SHA-256 of the raw body (request_body_sha256).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cx::plaid {

/// Oldest accepted `iat`, seconds before now (Plaid docs: reject webhooks older than 5 minutes).
inline constexpr int64_t kMaxWebhookAgeSeconds = 5 * 60;

/// A JSON Web Key as returned by /webhook_verification_key/get (`key` object).
struct Jwk {
  std::string kid, alg, crv, kty, use;
  std::string x, y;               ///< base64url, no padding; 32 bytes each for P-256
  int64_t created_at = 0;         ///< unix seconds
  std::optional<int64_t> expired_at;  ///< unix seconds; non-null = the key is retired
};

/// Reads a `key` object; nullopt when a required member is missing or mistyped.
std::optional<Jwk> jwk_from_json(const boost::json::object& key);
boost::json::object jwk_to_json(const Jwk& key);

/// Resolves a kid to its key; throws cx::Failure when it cannot.
using KeyLookup = std::function<Jwk(const std::string& kid)>;

/// Verifies one delivery and throws cx::Failure(CX_ERR_AUTH, reason) on any failure:
///  1. JWT header alg == "ES256" (none, HS256 and everything else refused) with a kid;
///  2. the key for kid (from `key_for`) is an EC P-256 ES256 key whose expired_at is null;
///  3. the ECDSA P-256 / SHA-256 signature (JWS raw r||s) verifies over "header.payload";
///  4. claim iat is no older than kMaxWebhookAgeSeconds before now_ms (nor that far ahead);
///  5. claim request_body_sha256 equals the lower-case hex SHA-256 of raw_body, compared in
///     constant time.
/// Returns the JWT's iat (UTC seconds), which the host checks against its own tolerance window.
int64_t verify_webhook_jwt(std::string_view jwt, std::string_view raw_body, int64_t now_ms, const KeyLookup& key_for);

/// The single Plaid-Verification value of a Webhook JSON (headers {"lower-case-name": [values]};
/// names matched case-insensitively). Throws CX_ERR_AUTH when absent, empty or repeated.
std::string verification_header(const boost::json::object& webhook);


}  // namespace cx::plaid
