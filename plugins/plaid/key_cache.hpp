// plaid/key_cache.hpp — webhook verification keys by kid, fetched from
// /webhook_verification_key/get and cached in the host's state service (per connector,
// encrypted at rest by the host).
#pragma once

#include "client.hpp"
#include "verify.hpp"

#include <connectivity/connector.hpp>

#include <string>

namespace cx::plaid {

/// How long a cached key is trusted before it is fetched again, ms (so a key Plaid retires is
/// seen as expired within this delay).
inline constexpr int64_t kKeyCacheTtlMs = 60 * 60 * 1000;

/// The key for `kid`: from the state entry "webhook-key/<kid>" when fetched less than
/// kKeyCacheTtlMs ago, else from Plaid (and stored). Throws cx::Failure(CX_ERR_AUTH) when Plaid
/// does not know the kid or answers anything unusable.
Jwk webhook_key(const Client& client, const cx::Host& host, const std::string& kid, const cx::Call* call);

}  // namespace cx::plaid
