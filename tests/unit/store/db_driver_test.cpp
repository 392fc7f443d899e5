// The backend boundary: the same statements give the same results on SQLite and PostgreSQL.
#include "backends.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using cx::store::db::Backend;

namespace {

void driver_semantics(Backend b) {
  INFO(test::backend_name(b));
  test::BackendDatabase d(b, "cx_driver");
  auto c = d.connect();
  REQUIRE(c->backend() == b);
  db::Dialect dl{b};
  c->exec_script(std::string("CREATE TABLE t (k ") + dl.serial_key() + ", id TEXT NOT NULL UNIQUE, n " + dl.int64() +
                 ", data " + dl.blob() + ")");

  // Positional parameters, NULL, 64-bit integers, binary with every byte value, RETURNING.
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
  db::transact(*c, true, [&](db::Connection& tx) {
    auto s = tx.prepare("INSERT INTO t (id, n, data) VALUES (?, ?, ?) RETURNING k");
    s->bind(1, "a'b");
    s->bind(2, int64_t{1} << 53);
    s->bind_blob(3, bytes);
    REQUIRE(s->step());
    CHECK(s->get_int64(0) >= 1);
    s->reset();
    s->bind(1, "b");
    s->bind_null(2);
    s->bind_null(3);
    REQUIRE(s->step());
  });
  auto s = c->prepare("SELECT id, n, data FROM t WHERE id = ?1 OR id = ?1 || 'x' ORDER BY id");
  s->bind(1, "a'b");
  REQUIRE(s->step());
  CHECK(s->get_text(0) == "a'b");
  CHECK(s->get_int64(1) == (int64_t{1} << 53));
  CHECK(s->get_blob(2) == bytes);
  CHECK_FALSE(s->step());

  auto nul = c->prepare("SELECT n, data FROM t WHERE id = ?");
  nul->bind(1, "b");
  REQUIRE(nul->step());
  CHECK(nul->is_null(0));
  CHECK_FALSE(nul->get_opt_int64(0).has_value());

  // "Insert or ignore": the portable ON CONFLICT form changes nothing on a duplicate.
  auto ign = c->prepare("INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING");
  ign->bind(1, "a'b");
  ign->bind(2, 5);
  CHECK(ign->exec() == 0);
  // Upsert.
  auto up = c->prepare("INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n");
  up->bind(1, "b");
  up->bind(2, 9);
  CHECK(up->exec() == 1);
  nul->reset();
  nul->bind(1, "b");
  REQUIRE(nul->step());
  CHECK(nul->get_int64(0) == 9);

  // A duplicate without ON CONFLICT is a ConstraintError; the failed transaction leaves no row.
  CHECK_THROWS_AS(db::transact(*c, true,
                               [&](db::Connection& tx) {
                                 auto i = tx.prepare("INSERT INTO t (id) VALUES (?)");
                                 i->bind(1, "c");
                                 i->exec();
                                 i->reset();
                                 i->bind(1, "c");
                                 i->exec();
                               }),
                  db::ConstraintError);
  auto cnt = c->prepare("SELECT COUNT(*) FROM t");
  REQUIRE(cnt->step());
  CHECK(cnt->get_int64(0) == 2);

  // A '?' inside a string literal is text, not a parameter.
  auto lit = c->prepare("SELECT '?x' || ?");
  lit->bind(1, "y");
  REQUIRE(lit->step());
  CHECK(lit->get_text(0) == "?xy");

  // Integer arithmetic on parameters is typed the same way.
  auto sum = c->prepare("SELECT ?1 + ?2");
  sum->bind(1, int64_t{40});
  sum->bind(2, 2);
  REQUIRE(sum->step());
  CHECK(sum->get_int64(0) == 42);
}

void migrations_semantics(Backend b) {
  INFO(test::backend_name(b));
  test::BackendDatabase d(b, "cx_migrate");
  auto c = d.connect();
  std::vector<db::Migration> m = {{1, "CREATE TABLE m1 (x INTEGER)", "CREATE TABLE m1 (x BIGINT)"},
                                  {2, "INSERT INTO m1 VALUES (7)", nullptr}};
  CHECK(db::migrate(*c, "test_schema", m) == 2);
  CHECK(db::migrate(*c, "test_schema", m) == 2);  // nothing re-applied
  auto s = c->prepare("SELECT COUNT(*) FROM m1");
  REQUIRE(s->step());
  CHECK(s->get_int64(0) == 1);
  m.pop_back();
  CHECK_THROWS_AS(db::migrate(*c, "test_schema", m), db::DriverError);  // database newer than binary
}

}  // namespace

TEST_CASE("database URL", "[db]") {
  auto s = db::DatabaseUrl::parse("sqlite:/var/lib/cx");
  CHECK(s.backend == Backend::sqlite);
  CHECK(s.sqlite_dir == "/var/lib/cx");
  auto p = db::DatabaseUrl::parse("postgres://cx:s3cret@db.local:5433/connectivity");
  CHECK(p.backend == Backend::postgres);
  CHECK(p.redacted() == "postgres://cx:***@db.local:5433/connectivity");
  CHECK(db::DatabaseUrl::parse("postgresql://h/db").backend == Backend::postgres);
  CHECK_THROWS_AS(db::DatabaseUrl::parse("mysql://h/db"), std::invalid_argument);
  CHECK_THROWS_AS(db::DatabaseUrl::parse("sqlite:"), std::invalid_argument);
  CHECK_THROWS_AS(db::DatabaseUrl::parse("postgres:///db"), std::invalid_argument);
  CHECK(db::numbered_placeholders("a = ? AND b = '?' AND c = ?3 AND d = ?") == "a = $1 AND b = '?' AND c = $3 AND d = $4");
}

TEST_CASE("driver semantics: sqlite", "[db]") { driver_semantics(Backend::sqlite); }
TEST_CASE("driver semantics: postgres", "[db][pg]") { driver_semantics(Backend::postgres); }
TEST_CASE("migrations: sqlite", "[db]") { migrations_semantics(Backend::sqlite); }
TEST_CASE("migrations: postgres", "[db][pg]") { migrations_semantics(Backend::postgres); }
