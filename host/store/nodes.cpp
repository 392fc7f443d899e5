#include "host/store/nodes.hpp"

#include "host/store/sql.hpp"

namespace cx::store::nodes {

void heartbeat(WriteTx& tx, const NodeRecord& n) {
  db::Statement& s = tx.prepare(
      "INSERT INTO nodes (node_id, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?) ON CONFLICT (node_id) DO "
      "UPDATE SET version = excluded.version, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at");
  s.bind(1, n.node_id);
  s.bind(2, n.version);
  s.bind(3, n.started_at);
  s.bind(4, n.heartbeat_at);
  s.exec();
}

std::vector<NodeRecord> list(Tx& tx) {
  db::Statement& s = tx.prepare("SELECT node_id, version, started_at, heartbeat_at FROM nodes ORDER BY node_id");
  std::vector<NodeRecord> out;
  while (s.step()) out.push_back(NodeRecord{sql::col_str(s, 0), sql::col_str(s, 1), s.get_int64(2), s.get_int64(3)});
  return out;
}

int remove_older_than(WriteTx& tx, int64_t cutoff) {
  db::Statement& s = tx.prepare("DELETE FROM nodes WHERE heartbeat_at < ?");
  s.bind(1, cutoff);
  return s.exec();
}

void remove_others(WriteTx& tx, std::string_view node_id) {
  db::Statement& s = tx.prepare("DELETE FROM nodes WHERE node_id <> ?");
  sql::bind_str(s, 1, node_id);
  s.exec();
}

}  // namespace cx::store::nodes

namespace cx::store::claims {

bool take(WriteTx& tx, std::string_view name, std::string_view holder, int64_t now, int64_t until) {
  db::Statement& s = tx.prepare(
      "INSERT INTO claims (name, holder, until) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
      "holder = excluded.holder, until = excluded.until WHERE claims.until <= ?4");
  sql::bind_str(s, 1, name);
  sql::bind_str(s, 2, holder);
  s.bind(3, until);
  s.bind(4, now);
  return s.exec() > 0;
}

}  // namespace cx::store::claims
