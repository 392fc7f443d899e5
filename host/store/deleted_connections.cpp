#include "host/store/deleted_connections.hpp"

#include "host/store/sql.hpp"

namespace cx::store::deleted_connections {

void mark(WriteTx& tx, std::string_view connector_id, std::string_view connection_id) {
  db::Statement& s = tx.prepare(
      "INSERT INTO deleted_connections (connector_id, connection_id, deleted_at) VALUES (?, ?, ?) "
      "ON CONFLICT (connector_id, connection_id) DO NOTHING");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, connection_id);
  s.bind(3, tx.now());
  s.exec();
}

bool is_deleted(Tx& tx, std::string_view connector_id, std::string_view connection_id) {
  db::Statement& s = tx.prepare("SELECT 1 FROM deleted_connections WHERE connector_id = ? AND connection_id = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, connection_id);
  return s.step();
}

void clear(WriteTx& tx, std::string_view connector_id, std::string_view connection_id) {
  db::Statement& s = tx.prepare("DELETE FROM deleted_connections WHERE connector_id = ? AND connection_id = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, connection_id);
  s.exec();
}

}  // namespace cx::store::deleted_connections
