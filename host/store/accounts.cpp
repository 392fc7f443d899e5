#include "host/store/accounts.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/events.hpp"
#include "host/store/paging.hpp"
#include "host/store/sealed_metadata.hpp"
#include "host/store/sql.hpp"

namespace cx::store::accounts {
namespace {

constexpr const char* kTable = "accounts";
constexpr const char* kColumns =
    "id, connector_id, reference, type, name, default_asset, metadata, raw, psu_id, connection_id, created_at, "
    "metadata_sealed";
constexpr const char* kNameDomain = "accounts.name";

// A PSU's account is sealed under the PSU's key so that deleting the PSU shreds it.
std::string owner_of(const std::optional<std::string>& psu_id, const std::string& connector_id) {
  return psu_id ? crypto::KeyOwner::psu(*psu_id) : crypto::KeyOwner::connector(connector_id);
}

AccountRecord read_row(Tx& tx, db::Statement& s) {
  AccountRecord a;
  a.id = sql::col_str(s, 0);
  a.connector_id = sql::col_str(s, 1);
  a.reference = sql::col_str(s, 2);
  a.type = sql::col_str(s, 3);
  a.psu_id = sql::col_opt_str(s, 8);
  const std::string owner = owner_of(a.psu_id, a.connector_id);
  a.name = sql::open_opt(tx, s, 4, owner, {kTable, "name", a.id});
  a.default_asset = sql::col_opt_str(s, 5);
  a.metadata = sealed_metadata::read(tx, s, 6, 11, owner, {kTable, "metadata", a.id});
  a.raw_json = sql::open_req(tx, s, 7, owner, {kTable, "raw", a.id});
  a.connection_id = sql::col_opt_str(s, 9);
  a.created_at = s.get_int64(10);
  return a;
}

boost::json::object event_payload(const AccountRecord& a) {
  boost::json::object o{{"id", a.id},           {"connectorID", a.connector_id}, {"reference", a.reference},
                        {"type", a.type},       {"createdAt", a.created_at},
                        {"metadata", sql::metadata_object(sealed_metadata::public_part(a.metadata))}};
  if (a.default_asset) o["defaultAsset"] = *a.default_asset;
  if (a.psu_id) o["psuID"] = *a.psu_id;
  if (a.connection_id) o["openBankingConnectionID"] = *a.connection_id;
  return o;
}

}  // namespace

namespace {
/// The provider changed what the API shows of a known account (name, default asset, metadata,
/// e.g. the per-account error Powens reports in metadata): the row takes the new values and raw
/// payload and SAVED_ACCOUNT is emitted again. Owner, type, connection and createdAt stay those
/// of the first sighting; a change of the raw payload alone is not written (no visible change).
void update_if_changed(WriteTx& tx, const AccountRecord& stored, const AccountRecord& a) {
  if (stored.name == a.name && stored.default_asset == a.default_asset && stored.metadata == a.metadata) return;
  AccountRecord next = stored;
  next.name = a.name;
  next.default_asset = a.default_asset;
  next.metadata = a.metadata;
  next.raw_json = a.raw_json;
  const std::string owner = owner_of(next.psu_id, next.connector_id);
  db::Statement& s = tx.prepare(
      "UPDATE accounts SET name = ?, name_index = ?, default_asset = ?, metadata = ?, raw = ?, metadata_sealed = ?, "
      "metadata_index = ? WHERE id = ?");
  sql::bind_sealed(tx, s, 1, owner, {kTable, "name", next.id}, next.name);
  if (next.name) sql::bind_blob(s, 2, tx.blind_index().compute(kNameDomain, *next.name));
  else s.bind_null(2);
  sql::bind_opt(s, 3, next.default_asset);
  sealed_metadata::bind(tx, s, 4, 6, owner, {kTable, "metadata", next.id}, next.metadata);
  sql::bind_sealed(tx, s, 5, owner, {kTable, "raw", next.id}, next.raw_json);
  // An update may drop personal pairs: the index is rewritten whole, NULL when none is left.
  if (auto entries = sealed_metadata::index_entries(tx, kTable, next.metadata); !entries.empty())
    sql::bind_blob(s, 7, entries);
  else
    s.bind_null(7);
  s.bind(8, next.id);
  s.exec();
  events::append(tx, event_type::kSavedAccount, event_payload(next));
}
}  // namespace

bool insert(WriteTx& tx, const AccountRecord& a) {
  if (auto stored = get(tx, a.id)) {  // the first sighting keeps the row; later ones update it
    update_if_changed(tx, *stored, a);
    return false;
  }

  const std::string owner = owner_of(a.psu_id, a.connector_id);
  db::Statement& s = tx.prepare(
      "INSERT INTO accounts (id, connector_id, reference, type, name, name_index, default_asset, metadata, raw, "
      "psu_id, connection_id, created_at, metadata_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, a.id);
  s.bind(2, a.connector_id);
  s.bind(3, a.reference);
  s.bind(4, a.type);
  sql::bind_sealed(tx, s, 5, owner, {kTable, "name", a.id}, a.name);
  if (a.name) sql::bind_blob(s, 6, tx.blind_index().compute(kNameDomain, *a.name));
  else s.bind_null(6);
  sql::bind_opt(s, 7, a.default_asset);
  sealed_metadata::bind(tx, s, 8, 13, owner, {kTable, "metadata", a.id}, a.metadata);
  sql::bind_sealed(tx, s, 9, owner, {kTable, "raw", a.id}, a.raw_json);
  sql::bind_opt(s, 10, a.psu_id);
  sql::bind_opt(s, 11, a.connection_id);
  s.bind(12, a.created_at);
  s.exec();
  sealed_metadata::reindex(tx, kTable, a.id, a.metadata);
  events::append(tx, event_type::kSavedAccount, event_payload(a));
  return true;
}

std::optional<AccountRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM accounts WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

Page<AccountRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<AccountRecord>(tx, {kColumns, kTable, "", {}}, filter_specs::accounts(), q,
                                  [&](db::Statement& s) { return read_row(tx, s); });
}

}  // namespace cx::store::accounts
