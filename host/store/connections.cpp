#include "host/store/connections.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/events.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

namespace cx::store::connections {
namespace {

constexpr const char* kTable = "connections";
constexpr const char* kColumns =
    "psu_id, connector_id, connection_id, status, error, metadata, access_token, access_token_expires_at, "
    "created_at, updated_at, data_updated_at";

std::string row_id(std::string_view psu, std::string_view connector, std::string_view connection) {
  return std::string(psu) + "/" + std::string(connector) + "/" + std::string(connection);
}

bool valid_status(std::string_view s) { return s == connection_status::kActive || s == connection_status::kError; }

ConnectionRecord read_row(Tx& tx, db::Statement& s) {
  ConnectionRecord c;
  c.psu_id = sql::col_str(s, 0);
  c.connector_id = sql::col_str(s, 1);
  c.connection_id = sql::col_str(s, 2);
  c.status = sql::col_str(s, 3);
  c.error = sql::col_opt_str(s, 4);
  c.metadata = sql::metadata_from(sql::col_str(s, 5), "connections.metadata");
  const std::string row = row_id(c.psu_id, c.connector_id, c.connection_id);
  if (auto token = sql::open_opt(tx, s, 6, crypto::KeyOwner::psu(c.psu_id), {kTable, "access_token", row}))
    c.access_token = TokenValue{std::move(*token), sql::col_opt_int(s, 7)};
  c.created_at = s.get_int64(8);
  c.updated_at = s.get_int64(9);
  c.data_updated_at = sql::col_opt_int(s, 10);
  return c;
}

}  // namespace

void upsert(WriteTx& tx, const ConnectionRecord& c) {
  if (!valid_status(c.status)) throw InvalidValue("connection status '" + c.status + "' is not ACTIVE|ERROR");
  int64_t now = tx.now();
  const std::string row = row_id(c.psu_id, c.connector_id, c.connection_id);
  db::Statement& s = tx.prepare(
      std::string("INSERT INTO connections (") + kColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (psu_id, connector_id, connection_id) DO UPDATE SET "
      "status = excluded.status, error = excluded.error, metadata = excluded.metadata, "
      "access_token = COALESCE(excluded.access_token, connections.access_token), "
      "access_token_expires_at = CASE WHEN excluded.access_token IS NULL THEN connections.access_token_expires_at "
      "ELSE excluded.access_token_expires_at END, "
      "updated_at = excluded.updated_at, data_updated_at = COALESCE(excluded.data_updated_at, connections.data_updated_at)");
  s.bind(1, c.psu_id);
  s.bind(2, c.connector_id);
  s.bind(3, c.connection_id);
  s.bind(4, c.status);
  sql::bind_opt(s, 5, c.error);
  s.bind(6, sql::metadata_json(c.metadata));
  sql::bind_sealed(tx, s, 7, crypto::KeyOwner::psu(c.psu_id), {kTable, "access_token", row},
                   c.access_token ? std::optional<std::string>(c.access_token->token) : std::nullopt);
  sql::bind_opt(s, 8, c.access_token ? c.access_token->expires_at : std::nullopt);
  s.bind(9, c.created_at ? c.created_at : now);
  s.bind(10, c.updated_at ? c.updated_at : now);
  sql::bind_opt(s, 11, c.data_updated_at);
  s.exec();
}

std::optional<ConnectionRecord> get(Tx& tx, std::string_view psu_id, std::string_view connector_id,
                                    std::string_view connection_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM connections WHERE psu_id = ? AND connector_id = ? AND connection_id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  sql::bind_str(s, 3, connection_id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

std::optional<ConnectionRecord> find(Tx& tx, std::string_view connector_id, std::string_view connection_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM connections WHERE connector_id = ? AND connection_id = ? ORDER BY sort_id");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, connection_id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

void set_status(WriteTx& tx, std::string_view connector_id, std::string_view connection_id, std::string_view status,
                const std::optional<std::string>& error) {
  if (!valid_status(status)) throw InvalidValue("connection status '" + std::string(status) + "' is not ACTIVE|ERROR");
  db::Statement& s = tx.prepare(
      "UPDATE connections SET status = ?, error = ?, updated_at = ? WHERE connector_id = ? AND connection_id = ?");
  sql::bind_str(s, 1, status);
  sql::bind_opt(s, 2, error);
  s.bind(3, tx.now());
  sql::bind_str(s, 4, connector_id);
  sql::bind_str(s, 5, connection_id);
  if (s.exec() == 0) throw NotFound("connection " + std::string(connection_id) + " not found");
}

void set_data_updated_at(WriteTx& tx, std::string_view connector_id, std::string_view connection_id, int64_t at) {
  db::Statement& s = tx.prepare(
      "UPDATE connections SET data_updated_at = ?, updated_at = ? WHERE connector_id = ? AND connection_id = ? "
      "RETURNING psu_id");
  s.bind(1, at);
  s.bind(2, at);
  sql::bind_str(s, 3, connector_id);
  sql::bind_str(s, 4, connection_id);
  if (!s.step()) throw NotFound("connection " + std::string(connection_id) + " not found");
  const std::string psu_id = sql::col_str(s, 0);
  while (s.step()) {
  }
  // Every completed sync, polled or webhook-driven, is reported (docs/events.md).
  events::append(tx, event_type::kConnectionDataSynced,
                 boost::json::object{{"psuID", psu_id},
                                     {"connectorID", std::string(connector_id)},
                                     {"connectionID", std::string(connection_id)},
                                     {"at", at}});
}

Page<ConnectionRecord> list(Tx& tx, std::string_view psu_id, std::string_view connector_id, const PageQuery& q) {
  ListSql l{kColumns, kTable, "psu_id = ?", {std::string(psu_id)}};
  if (!connector_id.empty()) {
    l.scope += " AND connector_id = ?";
    l.scope_params.emplace_back(std::string(connector_id));
  }
  return list_page<ConnectionRecord>(tx, l, filter_specs::connections(), q,
                                     [&](db::Statement& s) { return read_row(tx, s); });
}

std::vector<std::pair<std::string, std::string>> keys_of_psu(Tx& tx, std::string_view psu_id,
                                                             std::string_view connector_id) {
  db::Statement& s = tx.prepare(
      "SELECT connector_id, connection_id FROM connections WHERE psu_id = ? AND (? = '' OR connector_id = ?) "
      "ORDER BY sort_id");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  sql::bind_str(s, 3, connector_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(sql::col_str(s, 0), sql::col_str(s, 1));
  return out;
}

std::vector<ConnectionRecord> list_active(Tx& tx, std::string_view connector_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM connections WHERE connector_id = ? AND status = 'ACTIVE' ORDER BY sort_id");
  sql::bind_str(s, 1, connector_id);
  std::vector<ConnectionRecord> out;
  while (s.step()) out.push_back(read_row(tx, s));
  return out;
}

bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id, std::string_view connection_id) {
  int64_t removed = 0;
  for (const char* sql_text : {"DELETE FROM payments WHERE psu_id = ? AND connector_id = ? AND connection_id = ?",
                               "DELETE FROM accounts WHERE psu_id = ? AND connector_id = ? AND connection_id = ?",
                               "DELETE FROM connections WHERE psu_id = ? AND connector_id = ? AND connection_id = ?"}) {
    db::Statement& d = tx.prepare(sql_text);
    sql::bind_str(d, 1, psu_id);
    sql::bind_str(d, 2, connector_id);
    sql::bind_str(d, 3, connection_id);
    removed = d.exec();  // the connection row's own delete comes last
  }
  return removed > 0;
}

}  // namespace cx::store::connections
