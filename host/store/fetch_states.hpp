// Fetch states: the plugin's opaque newState per (connector, key), e.g. key "FETCH_PAYMENTS" or
// "FETCH_BALANCES-<account ref>". Stored as clear JSON: a watermark or cursor, not personal data.
#pragma once

#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string_view>

namespace cx::store::fetch_states {

/// The stored state, or nullopt when none (the first call passes state = null).
std::optional<boost::json::value> get(Tx& tx, std::string_view connector_id, std::string_view key);
/// Inserts or replaces. InvalidReference on unknown connector.
void put(WriteTx& tx, std::string_view connector_id, std::string_view key, const boost::json::value& state);
bool remove(WriteTx& tx, std::string_view connector_id, std::string_view key);
/// Forgets every state of a connector (reset).
void remove_all(WriteTx& tx, std::string_view connector_id);

}  // namespace cx::store::fetch_states
