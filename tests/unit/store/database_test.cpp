// Opening, migrations, refusal of newer / corrupt databases and of the wrong master key, and the
// writer/reader transaction rules.
#include "host/store/migrations.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include "host/store/migrations.hpp"

#include <SQLiteCpp/Database.h>

#include <thread>

using namespace cx::store;
using namespace cx::store::test;

namespace {
std::string pragma(Database& db, const char* name, bool on_writer) {
  auto q = [&](Tx& tx) {
    auto& s = tx.prepare(std::string("PRAGMA ") + name);
    s.step();
    return s.get_text(0);
  };
  return on_writer ? db.write([&](WriteTx& tx) { return q(tx); }) : db.read([&](ReadTx& tx) { return q(tx); });
}
}  // namespace

TEST_CASE("an empty directory migrates to the latest schema, and reopening changes nothing") {
  TempDir dir;
  {
    TestDb db(dir);
    CHECK(db->schema_version() == Database::latest_schema_version());
    CHECK(count(*db, "schema_migrations") == static_cast<int64_t>(migrations().size()));
    for (const char* t : {"connectors", "psus", "forwarded_users", "provider_tokens", "link_attempts", "connections",
                          "accounts", "balances", "payments", "payment_adjustments", "bank_accounts",
                          "webhook_configs", "received_webhooks", "fetch_states", "plugin_state", "tasks",
                          "schedules", "schedule_instances", "events", "data_keys", "keyring", "deleted_connections"})
      CHECK_NOTHROW(count(*db, t));
    db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  }
  TestDb again(dir);
  CHECK(again->schema_version() == Database::latest_schema_version());
  CHECK(count(*again, "schema_migrations") == static_cast<int64_t>(migrations().size()));
  CHECK(count(*again, "connectors") == 1);
  CHECK(again->read([](ReadTx& tx) { return connectors::get(tx, "c1"); })->config.at("apiKey") == "key-c1");
}

// [sqlite]: SQLite pragmas.
TEST_CASE("every connection runs in WAL with foreign keys and secure delete", "[sqlite]") {
  TempDir dir;
  TestDb db(dir);
  for (bool writer : {true, false}) {
    CHECK(pragma(*db, "journal_mode", writer) == "wal");
    CHECK(pragma(*db, "foreign_keys", writer) == "1");
    CHECK(pragma(*db, "secure_delete", writer) == "1");
    CHECK(std::stoi(pragma(*db, "busy_timeout", writer)) == 5000);
  }
  CHECK(pragma(*db, "query_only", false) == "1");
}

// [sqlite]: writes a newer version into the SQLite file (PostgreSQL: database_pg_test).
TEST_CASE("a database written by a newer binary is refused with a clear message", "[sqlite]") {
  TempDir dir;
  { TestDb db(dir); }
  {
    SQLite::Database raw(dir.db().string(), SQLite::OPEN_READWRITE);
    raw.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
  }
  try {
    TestDb db(dir);
    FAIL("opened a newer database");
  } catch (const SchemaTooNew& e) {
    CHECK_THAT(e.what(), Catch::Contains(dir.db().string()) && Catch::Contains("999") &&
                             Catch::Contains(std::to_string(Database::latest_schema_version())));
  }
}

// [sqlite]: damages the SQLite file.
TEST_CASE("a file that is not a database, or a truncated one, is reported with its path", "[sqlite]") {
  TempDir dir;
  SECTION("garbage") {
    std::ofstream(dir.db(), std::ios::binary) << std::string(4096, 'x');
    CHECK_THAT(error_of<CorruptDatabase>([&] { TestDb db(dir); }), Catch::Contains(dir.db().string()));
  }
  SECTION("shorter than a header") {
    std::ofstream(dir.db(), std::ios::binary) << "SQLite format 3";
    CHECK_THAT(error_of<CorruptDatabase>([&] { TestDb db(dir); }), Catch::Contains("truncated"));
  }
  SECTION("cut in the middle") {
    {
      TestDb db(dir);
      db->write([](WriteTx& tx) {
        for (int i = 0; i < 50; ++i) connectors::insert(tx, connector("c" + std::to_string(i)));
      });
    }  // closing checkpoints the WAL into the file
    auto full = read_file(dir.db());
    REQUIRE(full.size() > 8192);
    std::ofstream(dir.db(), std::ios::binary | std::ios::trunc) << full.substr(0, full.size() / 2);
    CHECK_THAT(error_of<CorruptDatabase>([&] { TestDb db(dir); }),
               Catch::Contains(dir.db().string()) && Catch::Contains("truncated"));
  }
}

// [sqlite]: the message names the SQLite file (PostgreSQL: database_pg_test).
TEST_CASE("the wrong master key is refused before anything is read", "[sqlite]") {
  TempDir dir;
  { TestDb db(dir, 1); }
  try {
    TestDb db(dir, 2);
    FAIL("opened with the wrong master key");
  } catch (const cx::crypto::KeyError& e) {
    CHECK_THAT(e.what(), Catch::Contains("does not match") && Catch::Contains(key(2).id()) &&
                             Catch::Contains(key(1).id()) && Catch::Contains(dir.db().string()));
  }
  CHECK_NOTHROW(TestDb(dir, 1));
}

TEST_CASE("a failed write rolls back everything, including data keys it created") {
  TempDir dir;
  TestDb db(dir);
  CHECK_THROWS_AS(db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    throw std::runtime_error("boom");
  }),
                  std::runtime_error);
  CHECK(count(*db, "connectors") == 0);
  CHECK(db->read([](ReadTx& tx) { return tx.data_key(cx::crypto::KeyOwner::connector("c1")); }) == nullptr);
  // A later insert creates and persists a new key: the data survives a reopen.
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  db.db.reset();
  TestDb again(dir);
  CHECK(again->read([](ReadTx& tx) { return connectors::get(tx, "c1"); }).has_value());
}

TEST_CASE("constraint violations come out as Conflict and InvalidReference") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1", "same")); });
  CHECK_THROWS_AS(db->write([](WriteTx& tx) { connectors::insert(tx, connector("c2", "same")); }), Conflict);
  CHECK_THROWS_AS(db->write([](WriteTx& tx) { accounts::insert(tx, account("a1", "nope")); }), InvalidReference);
}

TEST_CASE("readers see committed data only and run while a write is open") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  std::atomic<bool> inside{false}, release{false};
  std::thread writer([&] {
    db->write([&](WriteTx& tx) {
      connectors::insert(tx, connector("c2"));
      inside = true;
      while (!release) std::this_thread::yield();
    });
  });
  while (!inside) std::this_thread::yield();
  CHECK(count(*db, "connectors") == 1);  // not blocked, and the open write is invisible
  release = true;
  writer.join();
  CHECK(count(*db, "connectors") == 2);
}
