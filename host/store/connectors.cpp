#include "host/store/connectors.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

#include <algorithm>
#include <cctype>

namespace cx::store::connectors {
namespace {

constexpr const char* kColumns = "id, reference, name, provider, config, scheduled_for_deletion, created_at, updated_at";

crypto::FieldRef config_ref(std::string_view id) { return {"connectors", "config", id}; }

ConnectorRecord read_row(Tx& tx, db::Statement& s) {
  ConnectorRecord c;
  c.id = sql::col_str(s, 0);
  c.reference = sql::col_str(s, 1);
  c.name = sql::col_str(s, 2);
  c.provider = sql::col_str(s, 3);
  std::string config = sql::open_req(tx, s, 4, crypto::KeyOwner::connector(c.id), config_ref(c.id));
  auto v = sql::json_from(config, "connectors.config");
  if (!v.is_object()) throw StoreError("connectors.config of " + c.id + " is not a JSON object");
  c.config = std::move(v.get_object());
  c.scheduled_for_deletion = s.get_int64(5) != 0;
  c.created_at = s.get_int64(6);
  c.updated_at = s.get_int64(7);
  return c;
}

}  // namespace

void insert(WriteTx& tx, const ConnectorRecord& c) {
  db::Statement& exists = tx.prepare("SELECT id FROM connectors WHERE id = ? OR name = ?");
  exists.bind(1, c.id);
  exists.bind(2, c.name);
  if (exists.step())
    throw Conflict(sql::col_str(exists, 0) == c.id ? "connector " + c.id + " already exists"
                                                   : "a connector named '" + c.name + "' already exists");
  std::string provider = c.provider;
  std::transform(provider.begin(), provider.end(), provider.begin(), [](unsigned char ch) { return std::tolower(ch); });
  db::Statement& s = tx.prepare(
      "INSERT INTO connectors (id, reference, name, provider, config, scheduled_for_deletion, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, c.id);
  s.bind(2, c.reference);
  s.bind(3, c.name);
  s.bind(4, provider);
  sql::bind_sealed(tx, s, 5, crypto::KeyOwner::connector(c.id), config_ref(c.id), boost::json::serialize(c.config));
  s.bind(6, c.scheduled_for_deletion ? 1 : 0);
  int64_t created = c.created_at ? c.created_at : tx.now();
  s.bind(7, created);
  s.bind(8, c.updated_at ? c.updated_at : created);
  s.exec();
}

std::optional<ConnectorRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM connectors WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

void update_config(WriteTx& tx, std::string_view id, const boost::json::object& config) {
  db::Statement& s = tx.prepare("UPDATE connectors SET config = ?, updated_at = ? WHERE id = ?");
  std::string sid(id);
  sql::bind_sealed(tx, s, 1, crypto::KeyOwner::connector(sid), config_ref(sid), boost::json::serialize(config));
  s.bind(2, tx.now());
  s.bind(3, sid);
  if (s.exec() == 0) throw NotFound("connector " + sid + " not found");
}

void set_scheduled_for_deletion(WriteTx& tx, std::string_view id, bool value) {
  db::Statement& s =
      tx.prepare("UPDATE connectors SET scheduled_for_deletion = ?, updated_at = ? WHERE id = ?");
  s.bind(1, value ? 1 : 0);
  s.bind(2, tx.now());
  sql::bind_str(s, 3, id);
  if (s.exec() == 0) throw NotFound("connector " + std::string(id) + " not found");
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM connectors WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (s.exec() == 0) return false;
  tx.destroy_key(crypto::KeyOwner::connector(id));
  return true;
}

Page<ConnectorRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<ConnectorRecord>(tx, {kColumns, "connectors", "", {}}, filter_specs::connectors(), q,
                                    [&](db::Statement& s) { return read_row(tx, s); });
}

std::vector<ConnectorRecord> all(Tx& tx) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM connectors ORDER BY sort_id");
  std::vector<ConnectorRecord> out;
  while (s.step()) out.push_back(read_row(tx, s));
  return out;
}

std::map<std::string, int64_t> versions(Tx& tx) {
  db::Statement& s = tx.prepare("SELECT id, updated_at FROM connectors");
  std::map<std::string, int64_t> out;
  while (s.step()) out.emplace(sql::col_str(s, 0), s.get_int64(1));
  return out;
}

}  // namespace cx::store::connectors
