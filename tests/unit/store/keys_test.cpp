// Master-key rotation and the binding of every ciphertext to its table, column and row.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

using namespace cx::store;
using namespace cx::store::test;
using cx::crypto::KeyOwner;

namespace {
void seed(Database& db) {
  db.write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    auto p = psu("p1", "Jane Doe");
    p.contact_details = ContactDetails{"jane@example.com", "+33100000000", "fr"};
    psus::insert(tx, p);
    psus::insert(tx, psu("p2", "John Roe"));
  });
}

std::vector<uint8_t> column_bytes(const std::filesystem::path& path, const std::string& sql) {
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement s(raw, sql);
  REQUIRE(s.executeStep());
  auto c = s.getColumn(0);
  auto* p = static_cast<const uint8_t*>(c.getBlob());
  return {p, p + c.getBytes()};
}
}  // namespace

// [sqlite]: it reads the sealed bytes from the file itself.
TEST_CASE("rotating the master key rewraps every data key; the old key no longer opens, data is intact", "[sqlite]") {
  TempDir dir;
  std::vector<std::string> owners;
  std::vector<uint8_t> sealed_name_before, wrapped_before;
  {
    TestDb db(dir, 1);
    seed(*db);
    owners = db->read([](ReadTx& tx) { return keys::owners(tx); });
    wrapped_before = db->read([](ReadTx& tx) { return keys::wrapped(tx, KeyOwner::psu("p1")); });
    rotate_master_key(*db, key(2));
    // The running process keeps working under the new key.
    CHECK(db->read([](ReadTx& tx) { return psus::get(tx, "p1"); })->name == "Jane Doe");
    db->write([](WriteTx& tx) { psus::insert(tx, psu("p3", "Ann Poe")); });
  }
  sealed_name_before = column_bytes(dir.db(), "SELECT name FROM psus WHERE id = 'p1'");
  CHECK_THAT(error_of<cx::crypto::KeyError>([&] { TestDb db(dir, 1); }), Catch::Contains("does not match"));
  TestDb db(dir, 2);
  db->read([&](ReadTx& tx) {
    CHECK(keys::owners(tx) == std::vector<std::string>{"connector:c1", "psu:p1", "psu:p2", "psu:p3",
                                                       "system:blind-index"});
    CHECK(keys::wrapped(tx, KeyOwner::psu("p1")) != wrapped_before);
    auto p1 = psus::get(tx, "p1");
    CHECK(p1->name == "Jane Doe");
    CHECK(p1->contact_details->email == "jane@example.com");
    CHECK(psus::get(tx, "p3")->name == "Ann Poe");
    CHECK(connectors::get(tx, "c1")->config.at("apiKey") == "key-c1");
  });
  CHECK(owners.size() == 4);
  // Rotation did not touch the data, only the wrapped keys.
  CHECK(column_bytes(dir.db(), "SELECT name FROM psus WHERE id = 'p1'") == sealed_name_before);
  auto wrapped_rows = column_bytes(dir.db(), "SELECT group_concat(DISTINCT kek_id) FROM data_keys");
  CHECK(std::string(wrapped_rows.begin(), wrapped_rows.end()) == key(2).id());
}

TEST_CASE("a ciphertext copied to another row or column is refused with table, column and row named") {
  TempDir dir;
  TestDb db(dir);
  seed(*db);
  SECTION("same column, another row of the same owner's kind") {
    db->write([](WriteTx& tx) {
      tx.exec("UPDATE psus SET name = (SELECT name FROM psus WHERE id = 'p1') WHERE id = 'p2'");
    });
    try {
      db->read([](ReadTx& tx) { return psus::get(tx, "p2"); });
      FAIL("read a swapped ciphertext");
    } catch (const DecryptError& e) {
      CHECK(e.table() == "psus");
      CHECK(e.column() == "name");
      CHECK(e.row() == "p2");
      CHECK_THAT(e.what(), Catch::Contains("psus.name") && Catch::Contains("'p2'") && !Catch::Contains("Jane"));
    }
    // The untouched row still reads.
    CHECK(db->read([](ReadTx& tx) { return psus::get(tx, "p1"); })->name == "Jane Doe");
  }
  SECTION("another column of the same row (same data key)") {
    db->write([](WriteTx& tx) { tx.exec("UPDATE psus SET phone_number = email WHERE id = 'p1'"); });
    CHECK_THAT(error_of<DecryptError>([&] { db->read([](ReadTx& tx) { return psus::get(tx, "p1"); }); }),
               Catch::Contains("psus.phone_number") && Catch::Contains("'p1'"));
  }
  SECTION("one flipped bit") {
    db->write([](WriteTx& tx) {
      tx.exec(tx.backend() == db::Backend::postgres
                  ? "UPDATE psus SET email = overlay(email placing '\\x00'::bytea from 21 for 1) WHERE id = 'p1'"
                  : "UPDATE psus SET email = substr(email, 1, 20) || x'00' || substr(email, 22) WHERE id = 'p1'");
    });
    CHECK_THAT(error_of<DecryptError>([&] { db->read([](ReadTx& tx) { return psus::get(tx, "p1"); }); }),
               Catch::Contains("psus.email"));
  }
}

TEST_CASE("a value whose data key was destroyed is an error naming the key, never an empty value") {
  TempDir dir;
  TestDb db(dir);
  seed(*db);
  db->write([](WriteTx& tx) { tx.destroy_key(KeyOwner::psu("p1")); });
  CHECK_THAT(error_of<DecryptError>([&] { db->read([](ReadTx& tx) { return psus::get(tx, "p1"); }); }),
             Catch::Contains("psus.name") && Catch::Contains("psu:p1") && Catch::Contains("no longer exists"));
}
