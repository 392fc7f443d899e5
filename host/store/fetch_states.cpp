#include "host/store/fetch_states.hpp"

#include "host/store/sql.hpp"

namespace cx::store::fetch_states {

std::optional<boost::json::value> get(Tx& tx, std::string_view connector_id, std::string_view key) {
  db::Statement& s = tx.prepare("SELECT state FROM fetch_states WHERE connector_id = ? AND key = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  if (!s.step()) return std::nullopt;
  return sql::json_from(sql::col_str(s, 0), "fetch_states.state");
}

void put(WriteTx& tx, std::string_view connector_id, std::string_view key, const boost::json::value& state) {
  db::Statement& s = tx.prepare(
      "INSERT INTO fetch_states (connector_id, key, state, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (connector_id, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  s.bind(3, sql::json_text(state));
  s.bind(4, tx.now());
  s.exec();
}

bool remove(WriteTx& tx, std::string_view connector_id, std::string_view key) {
  db::Statement& s = tx.prepare("DELETE FROM fetch_states WHERE connector_id = ? AND key = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, key);
  return s.exec() > 0;
}

void remove_all(WriteTx& tx, std::string_view connector_id) {
  db::Statement& s = tx.prepare("DELETE FROM fetch_states WHERE connector_id = ?");
  sql::bind_str(s, 1, connector_id);
  s.exec();
}

}  // namespace cx::store::fetch_states
