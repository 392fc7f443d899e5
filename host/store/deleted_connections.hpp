// Deleted connections: a connection deleted through the API or at the provider is remembered
// (connector id + provider connection id, no personal data) so that late or repeated provider
// events about it are acknowledged and ignored instead of bringing it back.
#pragma once

#include "host/store/tx.hpp"

#include <string_view>

namespace cx::store::deleted_connections {

/// Records the deletion (deleted_at = now, UTC ms); repeating it keeps the first time.
void mark(WriteTx& tx, std::string_view connector_id, std::string_view connection_id);
/// True when the connection was deleted and not linked again since.
bool is_deleted(Tx& tx, std::string_view connector_id, std::string_view connection_id);
/// Forgets the deletion: the end user linked that connection again through the host.
void clear(WriteTx& tx, std::string_view connector_id, std::string_view connection_id);

}  // namespace cx::store::deleted_connections
