// Personal data at rest: metadata values sealed unless their key is public, filters through the
// blind index, the PSU's locale sealed, IBAN references pseudonymous, and rows written before
// all that converted when the database opens.
#include "test_support.hpp"

#include "host/store/references.hpp"
#include "host/util/ids.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

namespace {

Filter match(const std::string& key, const std::string& value) {
  return Filter{Filter::Kind::Match, key, boost::json::string(value), {}};
}

PageQuery q(Filter f) {
  PageQuery out;
  out.filter = std::move(f);
  return out;
}

// Every stored byte of one column of the rows of `table`, as text.
std::string column_text(Database& db, const std::string& table, const std::string& column) {
  return db.read([&](ReadTx& tx) {
    auto& s = tx.prepare("SELECT " + column + " FROM " + table);
    std::string all;
    while (s.step())
      for (int i = 0; i < s.column_count(); ++i) {
        auto bytes = s.get_blob(i);
        all.append(bytes.begin(), bytes.end());
        all.push_back('\n');
      }
    return all;
  });
}

const char* kIban = "FR76 3000 4000 0312 3456 7890 143";  // a valid IBAN (mod 97 = 1)

}  // namespace

TEST_CASE("IBANs are recognised by their checksum, and become a keyed, stable reference") {
  CHECK(references::is_iban(kIban));
  CHECK(references::is_iban("fr7630004000031234567890143"));
  CHECK(references::is_iban("GB82WEST12345698765432"));
  CHECK_FALSE(references::is_iban("FR7630004000031234567890144"));  // checksum off by one
  CHECK_FALSE(references::is_iban("12345"));
  CHECK_FALSE(references::is_iban("acc_0123456789abcdef"));
  TempDir dir;
  TestDb db(dir);
  const auto& blind = db->blind_index();
  std::string ref = references::pseudonymous(blind, kIban);
  CHECK(ref.rfind("iban-", 0) == 0);
  CHECK(ref.size() == 5 + 32);
  CHECK(references::pseudonymous(blind, "FR7630004000031234567890143") == ref);  // spaces and case ignored
  CHECK(references::pseudonymous(blind, ref) == ref);                            // idempotent
  CHECK(references::pseudonymous(blind, "acc-1") == "acc-1");
  TempDir other_dir;
  TestDb other(other_dir, 2);
  CHECK(references::pseudonymous(other->blind_index(), kIban) != ref);  // keyed per database
}

TEST_CASE("metadata values are sealed unless their key is public, and $match still finds them") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    auto u = psu("u1");
    u.contact_details = ContactDetails{std::nullopt, std::nullopt, "fr-FR"};
    u.metadata = {{"crm_id", "CRM-SECRET-1"}, {"public.segment", "retail"}};
    psus::insert(tx, u);
    auto a = account("a1", "c1");
    a.metadata = {{"iban", "IBAN-SECRET-1"}, {"public.kind", "checking"}};
    accounts::insert(tx, a);
    accounts::insert(tx, account("a2", "c1"));
    auto p = payment("p1", "c1", "100");
    p.metadata = {{"description", "VIR M DUPONT"}};
    payments::upsert(tx, p);
    payments::upsert(tx, payment("p2", "c1", "200"));
    bank_accounts::insert(tx, {"b1", "Jane", std::nullopt, std::nullopt, std::nullopt, "FR",
                               {{"holder", "HOLDER-SECRET"}}, std::nullopt, 0});
  });

  for (const char* secret : {"CRM-SECRET-1", "IBAN-SECRET-1", "VIR M DUPONT", "HOLDER-SECRET", "fr-FR"}) {
    INFO(secret);
    for (const char* t : {"psus", "accounts", "payments", "payment_adjustments", "bank_accounts", "events"})
      CHECK(column_text(*db, t, "*").find(secret) == std::string::npos);
    CHECK(column_text(*db, "psus", "locale").find(secret) == std::string::npos);
  }
  CHECK(column_text(*db, "accounts", "metadata").find("checking") != std::string::npos);  // public stays clear
  CHECK(column_text(*db, "events", "payload").find("public.kind") != std::string::npos);

  db->read([](ReadTx& tx) {
    auto ids_of = [](const auto& page) {
      std::vector<std::string> out;
      for (const auto& r : page.items) out.push_back(r.id);
      return out;
    };
    using V = std::vector<std::string>;
    CHECK(ids_of(accounts::list(tx, q(match("metadata[iban]", "IBAN-SECRET-1")))) == V{"a1"});
    CHECK(ids_of(accounts::list(tx, q(match("metadata[iban]", "IBAN-SECRET-2")))).empty());
    CHECK(ids_of(accounts::list(tx, q(match("metadata[name]", "IBAN-SECRET-1")))).empty());  // the key counts
    CHECK(ids_of(accounts::list(tx, q(match("metadata[public.kind]", "checking")))) == V{"a1"});
    CHECK(ids_of(payments::list(tx, q(match("metadata[description]", "VIR M DUPONT")))) == V{"p1"});
    CHECK(ids_of(psus::list(tx, q(match("metadata[crm_id]", "CRM-SECRET-1")))) == V{"u1"});
    CHECK(ids_of(bank_accounts::list(tx, q(match("metadata[holder]", "HOLDER-SECRET")))) == V{"b1"});

    auto u = psus::get(tx, "u1");
    CHECK(u->contact_details->locale == "fr-FR");
    CHECK(u->metadata == Metadata{{"crm_id", "CRM-SECRET-1"}, {"public.segment", "retail"}});
    CHECK(payments::get(tx, "p1")->adjustments.at(0).metadata.at("description") == "VIR M DUPONT");
  });

  // Updates move the index with the value.
  db->write([](WriteTx& tx) { payments::update_metadata(tx, "p1", {{"description", "VIR MME MARTIN"}}); });
  db->read([](ReadTx& tx) {
    CHECK(payments::list(tx, q(match("metadata[description]", "VIR M DUPONT"))).items.empty());
    CHECK(payments::list(tx, q(match("metadata[description]", "VIR MME MARTIN"))).items.at(0).id == "p1");
  });
  CHECK(column_text(*db, "payments", "metadata_index").size() == 16 + 1 + 1);  // p1's one pair; p2 none
}

// [sqlite]: rows of older SQLite binaries (PostgreSQL databases never held them).
TEST_CASE("rows written before the change are sealed and re-keyed when the database opens", "[sqlite]") {
  TempDir dir;
  const cx::ids::ConnectorID conn{"generic", "00000000-0000-0000-0000-000000000012"};
  const std::string iban_id = cx::ids::encode(cx::ids::AccountID{conn, kIban});
  const std::string plain_id = cx::ids::encode(cx::ids::AccountID{conn, "acc-1"});
  {
    TestDb db(dir);
    db->write([&](WriteTx& tx) {
      connectors::insert(tx, connector("c1"));
      auto u = psu("u1");
      u.contact_details = ContactDetails{std::nullopt, std::nullopt, "fr-FR"};
      psus::insert(tx, u);
      auto ext = account(iban_id, "c1");
      ext.reference = kIban;
      ext.type = account_type::kExternal;
      ext.name = "SCI LES TILLEULS";
      accounts::insert(tx, ext);
      accounts::insert(tx, account(plain_id, "c1"));
      balances::record(tx, BalanceRecord{iban_id, "EUR/2", "500", 1000, 1000, std::nullopt, std::nullopt});
      auto p = payment("p1", "c1", "100");
      p.destination_account_id = iban_id;
      p.source_account_id = plain_id;
      payments::upsert(tx, p);
      // What an older daemon wrote: metadata and locale in clear, no index, the IBAN in IDs.
      tx.exec("UPDATE payments SET metadata = '{\"description\":\"VIR M DUPONT\"}', metadata_sealed = NULL");
      tx.exec("UPDATE payment_adjustments SET metadata = '{\"description\":\"VIR M DUPONT\"}'");
      tx.exec("UPDATE accounts SET metadata = '{\"iban\":\"FR7630004000031234567890143\",\"public.k\":\"v\"}'");
      tx.exec("UPDATE psus SET metadata = '{\"crm_id\":\"CRM-1\"}', locale = 'fr-FR'");
      tx.exec("UPDATE events SET payload = json_set(payload, '$.metadata', json('{\"description\":\"VIR M DUPONT\"}'))");
      for (const char* t : {"accounts", "payments", "psus"}) tx.exec(std::string("UPDATE ") + t + " SET metadata_index = NULL");
      tx.exec("INSERT INTO data_steps (seq, name) VALUES (1, 'seal metadata'), (2, 'seal psu locale'), "
              "(3, 'pseudonymous references')");
    });
  }
  TestDb db(dir);
  CHECK(count(*db, "data_steps") == 0);
  for (const char* secret : {"VIR M DUPONT", "CRM-1", "fr-FR", "FR7630004000031234567890143", "FR76 3000", "SCI LES"}) {
    INFO(secret);
    for (const char* t : {"psus", "accounts", "payments", "payment_adjustments", "balances", "events"})
      CHECK(column_text(*db, t, "*").find(secret) == std::string::npos);
    CHECK(column_text(*db, "events", "payload").find(iban_id) == std::string::npos);
  }
  const std::string new_ref = references::pseudonymous(db->blind_index(), kIban);
  const std::string new_id = cx::ids::encode(cx::ids::AccountID{conn, new_ref});
  db->read([&](ReadTx& tx) {
    CHECK_FALSE(accounts::get(tx, iban_id));
    auto moved = accounts::get(tx, new_id);
    REQUIRE(moved);
    CHECK(moved->reference == new_ref);
    CHECK(moved->name == "SCI LES TILLEULS");
    CHECK(moved->metadata.at("iban") == "FR7630004000031234567890143");
    CHECK(moved->metadata.at("public.k") == "v");
    CHECK(accounts::get(tx, plain_id));  // no personal data in it: same ID
    CHECK(balances::latest(tx, new_id).size() == 1);
    auto p = payments::get(tx, "p1");
    CHECK(p->destination_account_id == new_id);
    CHECK(p->source_account_id == plain_id);
    CHECK(p->metadata.at("description") == "VIR M DUPONT");
    CHECK(p->adjustments.at(0).metadata.at("description") == "VIR M DUPONT");
    CHECK(payments::list(tx, q(match("metadata[description]", "VIR M DUPONT"))).items.size() == 1);
    CHECK(accounts::list(tx, q(match("metadata[iban]", "FR7630004000031234567890143"))).items.size() == 2);
    auto u = psus::get(tx, "u1");
    CHECK(u->contact_details->locale == "fr-FR");
    CHECK(u->metadata.at("crm_id") == "CRM-1");
  });
}
