// Per-connector key/value state a plugin keeps through the host API (cx_host_api state_get /
// state_put / state_delete). Values are opaque bytes, sealed under the connector's data key:
// plugins keep tokens and secrets there.
#pragma once

#include "host/store/tx.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cx::store::plugin_state {

std::optional<std::string> get(Tx& tx, std::string_view connector_id, std::string_view key);
/// Inserts or replaces. InvalidReference on unknown connector.
void put(WriteTx& tx, std::string_view connector_id, std::string_view key, std::string_view value);
/// False when the key was absent.
bool remove(WriteTx& tx, std::string_view connector_id, std::string_view key);

}  // namespace cx::store::plugin_state
