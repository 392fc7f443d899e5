#include "host/store/forwarded_users.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/sql.hpp"

namespace cx::store::forwarded_users {
namespace {

constexpr const char* kTable = "forwarded_users";
constexpr const char* kColumns = "psu_id, connector_id, provider_user_id, metadata, expires_at, created_at";
constexpr const char* kIndexDomain = "forwarded_users.provider_user_id";

std::string row_id(std::string_view psu_id, std::string_view connector_id) {
  return std::string(psu_id) + "/" + std::string(connector_id);
}

ForwardedUserRecord read_row(Tx& tx, db::Statement& s) {
  ForwardedUserRecord u;
  u.psu_id = sql::col_str(s, 0);
  u.connector_id = sql::col_str(s, 1);
  const std::string owner = crypto::KeyOwner::psu(u.psu_id);
  const std::string row = row_id(u.psu_id, u.connector_id);
  u.provider_user_id = sql::open_opt(tx, s, 2, owner, {kTable, "provider_user_id", row});
  u.metadata = sql::metadata_from(sql::open_req(tx, s, 3, owner, {kTable, "metadata", row}), "forwarded_users.metadata");
  u.expires_at = sql::col_opt_int(s, 4);
  u.created_at = s.get_int64(5);
  return u;
}

}  // namespace

void insert(WriteTx& tx, const ForwardedUserRecord& u) {
  db::Statement& exists = tx.prepare("SELECT 1 FROM forwarded_users WHERE psu_id = ? AND connector_id = ?");
  exists.bind(1, u.psu_id);
  exists.bind(2, u.connector_id);
  if (exists.step()) throw Conflict("user already exists on this connector");

  const std::string owner = crypto::KeyOwner::psu(u.psu_id);
  const std::string row = row_id(u.psu_id, u.connector_id);
  db::Statement& s = tx.prepare(
      "INSERT INTO forwarded_users (psu_id, connector_id, provider_user_id, provider_user_id_index, metadata, "
      "expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, u.psu_id);
  s.bind(2, u.connector_id);
  sql::bind_sealed(tx, s, 3, owner, {kTable, "provider_user_id", row}, u.provider_user_id);
  if (u.provider_user_id) sql::bind_blob(s, 4, tx.blind_index().compute(kIndexDomain, *u.provider_user_id));
  else s.bind_null(4);
  sql::bind_sealed(tx, s, 5, owner, {kTable, "metadata", row}, sql::metadata_json(u.metadata));
  sql::bind_opt(s, 6, u.expires_at);
  s.bind(7, u.created_at ? u.created_at : tx.now());
  s.exec();
}

std::optional<ForwardedUserRecord> get(Tx& tx, std::string_view psu_id, std::string_view connector_id) {
  db::Statement& s =
      tx.prepare(std::string("SELECT ") + kColumns + " FROM forwarded_users WHERE psu_id = ? AND connector_id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

std::optional<ForwardedUserRecord> find_by_provider_user_id(Tx& tx, std::string_view connector_id,
                                                            std::string_view provider_user_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM forwarded_users WHERE connector_id = ? AND provider_user_id_index = ?");
  sql::bind_str(s, 1, connector_id);
  sql::bind_blob(s, 2, tx.blind_index().compute(kIndexDomain, provider_user_id));
  // The index is a truncated HMAC: confirm on the decrypted value rather than trust it alone.
  while (s.step()) {
    ForwardedUserRecord u = read_row(tx, s);
    if (u.provider_user_id == provider_user_id) return u;
  }
  return std::nullopt;
}

std::vector<ForwardedUserRecord> list_for_psu(Tx& tx, std::string_view psu_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM forwarded_users WHERE psu_id = ? ORDER BY created_at, connector_id");
  sql::bind_str(s, 1, psu_id);
  std::vector<ForwardedUserRecord> out;
  while (s.step()) out.push_back(read_row(tx, s));
  return out;
}

bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id) {
  // The PSU's data on that connector goes with it; its token cascades from the forwarded user.
  for (const char* sql_text : {"DELETE FROM link_attempts WHERE psu_id = ? AND connector_id = ?",
                               "DELETE FROM connections WHERE psu_id = ? AND connector_id = ?",
                               "DELETE FROM payments WHERE psu_id = ? AND connector_id = ?",
                               "DELETE FROM accounts WHERE psu_id = ? AND connector_id = ?"}) {
    db::Statement& d = tx.prepare(sql_text);
    sql::bind_str(d, 1, psu_id);
    sql::bind_str(d, 2, connector_id);
    d.exec();
  }
  db::Statement& s = tx.prepare("DELETE FROM forwarded_users WHERE psu_id = ? AND connector_id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  return s.exec() > 0;
}

}  // namespace cx::store::forwarded_users
