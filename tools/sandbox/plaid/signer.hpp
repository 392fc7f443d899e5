// Plaid sandbox: the webhook signing keys (P-256, published by kid at
// /webhook_verification_key/get) and the Plaid-Verification JWT (docs/providers/plaid.md §4).
#pragma once

#include <botan/ecdsa.h>

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace cx::sandbox::plaid {

class Signer {
 public:
  /// Derives a current key and a retired one (expired_at set) from `seed`, so kids and keys are
  /// stable for a given seed.
  explicit Signer(uint64_t seed);
  ~Signer();

  /// The `key` object for kid, or nullopt for an unknown kid.
  std::optional<boost::json::object> jwk(const std::string& kid) const;
  const std::string& current_kid() const { return current_.kid; }
  const std::string& expired_kid() const { return expired_.kid; }

  /// The Plaid-Verification value for `body` issued at `iat` (unix seconds). `fault` (one of
  /// kWebhookFaults, or empty) makes the token fail one verification step on purpose.
  std::string sign(const std::string& body, int64_t iat, const std::string& fault) const;

 private:
  struct Key {
    std::string kid;
    std::unique_ptr<Botan::ECDSA_PrivateKey> priv;
    int64_t created_at = 0;
    std::optional<int64_t> expired_at;
  };
  static Key derive(uint64_t seed, const char* label, int64_t created_at, std::optional<int64_t> expired_at);
  boost::json::object jwk_of(const Key& k) const;
  Key current_, expired_;
};

}  // namespace cx::sandbox::plaid
