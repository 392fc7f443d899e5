// User-level provider tokens (create_user's permanentToken: Powens auth_token, Plaid user_token),
// one per (PSU, connector), sealed under the PSU's data key. Connection tokens live on the
// connection (connections.hpp).
#pragma once

#include "host/store/common.hpp"
#include "host/store/tx.hpp"

#include <optional>
#include <string_view>

namespace cx::store::provider_tokens {

/// Inserts or replaces. InvalidReference when the PSU is not forwarded to the connector
/// (forwarded_users::insert first); the token goes with the forwarded user.
void put(WriteTx& tx, std::string_view psu_id, std::string_view connector_id, const TokenValue& token);
std::optional<TokenValue> get(Tx& tx, std::string_view psu_id, std::string_view connector_id);
bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id);

}  // namespace cx::store::provider_tokens
