#include "host/store/psus.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sealed_metadata.hpp"
#include "host/store/sql.hpp"

namespace cx::store::psus {
namespace {

constexpr const char* kTable = "psus";
constexpr const char* kColumns =
    "id, name, has_contact, email, phone_number, locale, has_address, street_name, street_number, city, region, "
    "postal_code, country, metadata, created_at, metadata_sealed";
// Sealed columns in kColumns order from index 7 (the address block).
constexpr const char* kAddressColumns[] = {"street_name", "street_number", "city", "region", "postal_code", "country"};

std::vector<std::string> bank_account_ids(Tx& tx, const std::string& psu_id) {
  db::Statement& s = tx.prepare("SELECT id FROM bank_accounts WHERE psu_id = ? ORDER BY sort_id");
  s.bind(1, psu_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(sql::col_str(s, 0));
  return out;
}

PsuRecord read_row(Tx& tx, db::Statement& s) {
  PsuRecord p;
  p.id = sql::col_str(s, 0);
  const std::string owner = crypto::KeyOwner::psu(p.id);
  auto open = [&](int i, const char* column) { return sql::open_opt(tx, s, i, owner, {kTable, column, p.id}); };
  p.name = sql::open_req(tx, s, 1, owner, {kTable, "name", p.id});
  if (s.get_int64(2) != 0) p.contact_details = ContactDetails{open(3, "email"), open(4, "phone_number"),
                                                                   open(5, "locale")};
  if (s.get_int64(6) != 0) {
    Address a;
    std::optional<std::string>* fields[] = {&a.street_name, &a.street_number, &a.city,
                                            &a.region,      &a.postal_code,   &a.country};
    for (int i = 0; i < 6; ++i) *fields[i] = open(7 + i, kAddressColumns[i]);
    p.address = std::move(a);
  }
  p.metadata = sealed_metadata::read(tx, s, 13, 15, owner, {kTable, "metadata", p.id});
  p.created_at = s.get_int64(14);
  return p;
}

}  // namespace

void insert(WriteTx& tx, const PsuRecord& p) {
  db::Statement& exists = tx.prepare("SELECT 1 FROM psus WHERE id = ?");
  exists.bind(1, p.id);
  if (exists.step()) throw Conflict("payment service user " + p.id + " already exists");

  const std::string owner = crypto::KeyOwner::psu(p.id);
  db::Statement& s = tx.prepare(std::string("INSERT INTO psus (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto seal = [&](int i, const char* column, const std::optional<std::string>& v) {
    sql::bind_sealed(tx, s, i, owner, {kTable, column, p.id}, v);
  };
  s.bind(1, p.id);
  seal(2, "name", p.name);
  const ContactDetails none_contact;
  const ContactDetails& c = p.contact_details ? *p.contact_details : none_contact;
  s.bind(3, p.contact_details ? 1 : 0);
  seal(4, "email", c.email);
  seal(5, "phone_number", c.phone_number);
  seal(6, "locale", c.locale);
  const Address none_address;
  const Address& a = p.address ? *p.address : none_address;
  s.bind(7, p.address ? 1 : 0);
  const std::optional<std::string>* fields[] = {&a.street_name, &a.street_number, &a.city,
                                                &a.region,      &a.postal_code,   &a.country};
  for (int i = 0; i < 6; ++i) seal(8 + i, kAddressColumns[i], *fields[i]);
  sealed_metadata::bind(tx, s, 14, 16, owner, {kTable, "metadata", p.id}, p.metadata);
  s.bind(15, p.created_at ? p.created_at : tx.now());
  s.exec();
  sealed_metadata::reindex(tx, kTable, p.id, p.metadata);

  db::Statement& link = tx.prepare("UPDATE bank_accounts SET psu_id = ? WHERE id = ?");
  for (const auto& ba : p.bank_account_ids) {
    link.reset();
    link.bind(1, p.id);
    link.bind(2, ba);
    if (link.exec() == 0) throw NotFound("bank account " + ba + " not found");
  }
}

std::optional<PsuRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM psus WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  PsuRecord p = read_row(tx, s);
  p.bank_account_ids = bank_account_ids(tx, p.id);
  return p;
}

void merge_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata) {
  auto p = get(tx, id);
  if (!p) throw NotFound("payment service user " + std::string(id) + " not found");
  for (auto& [k, v] : metadata) p->metadata[k] = v;
  db::Statement& s = tx.prepare("UPDATE psus SET metadata = ?, metadata_sealed = ? WHERE id = ?");
  sealed_metadata::bind(tx, s, 1, 2, crypto::KeyOwner::psu(p->id), {kTable, "metadata", p->id}, p->metadata);
  sql::bind_str(s, 3, id);
  s.exec();
  sealed_metadata::reindex(tx, kTable, p->id, p->metadata);  // a merge only adds pairs
}

Page<PsuRecord> list(Tx& tx, const PageQuery& q) {
  auto page = list_page<PsuRecord>(tx, {kColumns, kTable, "", {}}, filter_specs::psus(), q,
                                   [&](db::Statement& s) { return read_row(tx, s); });
  for (auto& p : page.items) p.bank_account_ids = bank_account_ids(tx, p.id);
  return page;
}

bool remove(WriteTx& tx, std::string_view id) {
  // Foreign keys cascade to forwarded users (and their tokens), link attempts, connections,
  // accounts (and their balances) and payments (and their adjustments); bank accounts are
  // unlinked. secure_delete zeroes the freed cells.
  db::Statement& s = tx.prepare("DELETE FROM psus WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (s.exec() == 0) return false;
  tx.destroy_key(crypto::KeyOwner::psu(id));
  return true;
}

}  // namespace cx::store::psus
