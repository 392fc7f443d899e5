// Connection state changes shared by link completion and webhook translation: each writes the
// connection, its schedules and the outbox event in the caller's transaction.
#pragma once

#include "host/engine/internal.hpp"

namespace cx::engine {

/// Upserts the connection ACTIVE (a link through the host: it forgets an earlier deletion; keeping a stored token unless a new one is given), schedules
/// its periodic fetches, and emits OPEN_BANKING_USER_CONNECTION_RECONNECTED when it was in ERROR.
void activate_connection(store::WriteTx& tx, const LiveConnector& c, const ConfigRules& rules, const std::string& psu_id,
                         const std::string& connection_id, const std::optional<store::TokenValue>& token,
                         const store::Metadata& metadata);

/// Moves the connection to ERROR with the reason, removes its schedules and emits
/// OPEN_BANKING_USER_CONNECTION_DISCONNECTED. Creates the row when it was unknown.
void disconnect_connection(store::WriteTx& tx, const LiveConnector& c, const std::string& psu_id,
                           const std::string& connection_id, const std::string& error_type,
                           const std::optional<std::string>& reason, const std::string& at);

/// Deletes the connection and what it owns (accounts, balances, payments, schedules) and remembers
/// the deletion so later provider events about it are ignored. Idempotent.
void remove_connection(store::WriteTx& tx, const std::string& connector_id, const std::string& psu_id,
                       const std::string& connection_id);

}  // namespace cx::engine
