#include "host/store/plugin_state.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/sql.hpp"

namespace cx::store::plugin_state {
namespace {
std::string row_id(std::string_view connector_id, std::string_view key) {
  return std::string(connector_id) + "/" + std::string(key);
}
}  // namespace

std::optional<std::string> get(Tx& tx, std::string_view connector_id, std::string_view key) {
  db::Statement& s = tx.prepare("SELECT value FROM plugin_state WHERE connector_id = ? AND key = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  if (!s.step()) return std::nullopt;
  return sql::open_req(tx, s, 0, crypto::KeyOwner::connector(connector_id),
                       {"plugin_state", "value", row_id(connector_id, key)});
}

void put(WriteTx& tx, std::string_view connector_id, std::string_view key, std::string_view value) {
  db::Statement& s = tx.prepare(
      "INSERT INTO plugin_state (connector_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (connector_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  sql::bind_sealed(tx, s, 3, crypto::KeyOwner::connector(connector_id),
                   {"plugin_state", "value", row_id(connector_id, key)}, std::string(value));
  s.bind(4, tx.now());
  s.exec();
}

bool remove(WriteTx& tx, std::string_view connector_id, std::string_view key) {
  db::Statement& s = tx.prepare("DELETE FROM plugin_state WHERE connector_id = ? AND key = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  return s.exec() > 0;
}

}  // namespace cx::store::plugin_state
