#include "host/store/bank_accounts.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sealed_metadata.hpp"
#include "host/store/sql.hpp"

namespace cx::store::bank_accounts {
namespace {

constexpr const char* kTable = "bank_accounts";
constexpr const char* kColumns =
    "id, name, account_number, iban, swift_bic_code, country, metadata, psu_id, created_at, metadata_sealed";

BankAccountRecord read_row(Tx& tx, db::Statement& s) {
  BankAccountRecord b;
  b.id = sql::col_str(s, 0);
  const std::string owner = crypto::KeyOwner::bank_account(b.id);
  b.name = sql::open_req(tx, s, 1, owner, {kTable, "name", b.id});
  b.account_number = sql::open_opt(tx, s, 2, owner, {kTable, "account_number", b.id});
  b.iban = sql::open_opt(tx, s, 3, owner, {kTable, "iban", b.id});
  b.swift_bic_code = sql::open_opt(tx, s, 4, owner, {kTable, "swift_bic_code", b.id});
  b.country = sql::col_opt_str(s, 5);
  b.metadata = sealed_metadata::read(tx, s, 6, 9, owner, {kTable, "metadata", b.id});
  b.psu_id = sql::col_opt_str(s, 7);
  b.created_at = s.get_int64(8);
  return b;
}

}  // namespace

void insert(WriteTx& tx, const BankAccountRecord& b) {
  db::Statement& exists = tx.prepare("SELECT 1 FROM bank_accounts WHERE id = ?");
  exists.bind(1, b.id);
  if (exists.step()) throw Conflict("bank account " + b.id + " already exists");
  const std::string owner = crypto::KeyOwner::bank_account(b.id);
  db::Statement& s = tx.prepare(std::string("INSERT INTO bank_accounts (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, b.id);
  sql::bind_sealed(tx, s, 2, owner, {kTable, "name", b.id}, b.name);
  sql::bind_sealed(tx, s, 3, owner, {kTable, "account_number", b.id}, b.account_number);
  sql::bind_sealed(tx, s, 4, owner, {kTable, "iban", b.id}, b.iban);
  sql::bind_sealed(tx, s, 5, owner, {kTable, "swift_bic_code", b.id}, b.swift_bic_code);
  sql::bind_opt(s, 6, b.country);
  sealed_metadata::bind(tx, s, 7, 10, owner, {kTable, "metadata", b.id}, b.metadata);
  sql::bind_opt(s, 8, b.psu_id);
  s.bind(9, b.created_at ? b.created_at : tx.now());
  s.exec();
  sealed_metadata::reindex(tx, kTable, b.id, b.metadata);
}

std::optional<BankAccountRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM bank_accounts WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

Page<BankAccountRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<BankAccountRecord>(tx, {kColumns, kTable, "", {}}, filter_specs::bank_accounts(), q,
                                      [&](db::Statement& s) { return read_row(tx, s); });
}

void update_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata) {
  db::Statement& s = tx.prepare("SELECT metadata, metadata_sealed FROM bank_accounts WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) throw NotFound("bank account " + std::string(id) + " not found");
  const std::string row(id);
  const std::string owner = crypto::KeyOwner::bank_account(row);
  Metadata merged = sealed_metadata::read(tx, s, 0, 1, owner, {kTable, "metadata", row});
  for (const auto& [k, v] : metadata) merged[k] = v;
  db::Statement& u = tx.prepare("UPDATE bank_accounts SET metadata = ?, metadata_sealed = ? WHERE id = ?");
  sealed_metadata::bind(tx, u, 1, 2, owner, {kTable, "metadata", row}, merged);
  sql::bind_str(u, 3, id);
  u.exec();
  sealed_metadata::reindex(tx, kTable, row, merged);
}

void link_psu(WriteTx& tx, std::string_view id, std::string_view psu_id) {
  db::Statement& s = tx.prepare("UPDATE bank_accounts SET psu_id = ? WHERE id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, id);
  if (s.exec() == 0) throw NotFound("bank account " + std::string(id) + " not found");
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM bank_accounts WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (s.exec() == 0) return false;
  tx.destroy_key(crypto::KeyOwner::bank_account(id));
  return true;
}

}  // namespace cx::store::bank_accounts
