// The two store backends for tests: a SQLite directory, or a fresh database on the PostgreSQL
// server the ctest fixture `cx_pg` started (its URL in the file named by CX_PG_URL_FILE). Tests
// tagged [pg] need that server and fail — never skip — when it is not there.
#pragma once

#include "host/store/db/driver.hpp"
#include "test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace cx::store::test {

/// The server's base URL (database "connectivity"); throws when the fixture is missing.
inline std::string pg_base_url() {
  const char* file = std::getenv("CX_PG_URL_FILE");
  if (!file) throw std::runtime_error("CX_PG_URL_FILE is not set: run [pg] tests through ctest (fixture cx_pg)");
  std::ifstream in(file);
  std::string url;
  if (!(in >> url)) throw std::runtime_error(std::string("no PostgreSQL URL in ") + file + " (did the fixture start?)");
  return url;
}

/// A database of its own on the test server (dropped and re-created), so tests never share rows.
struct PgDatabase {
  std::string url;
  explicit PgDatabase(const std::string& name) {
    std::string base = pg_base_url();
    auto admin = db::connect(db::DatabaseUrl::parse(base));
    admin->exec_script("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin->exec_script("CREATE DATABASE " + name);
    url = base.substr(0, base.rfind('/') + 1) + name;
  }
};

/// A database of backend `b` (named `name` on PostgreSQL), alive for the test's scope.
struct BackendDatabase {
  TempDir dir;
  std::optional<PgDatabase> pg;
  db::DatabaseUrl url;
  BackendDatabase(db::Backend b, const std::string& name) {
    if (b == db::Backend::postgres) {
      pg.emplace(name);
      url = db::DatabaseUrl::parse(pg->url);
    } else {
      url = db::DatabaseUrl::parse("sqlite:" + dir.path.string());
    }
  }
  std::unique_ptr<db::Connection> connect() const { return db::connect(url); }
};

inline const char* backend_name(db::Backend b) { return b == db::Backend::postgres ? "postgres" : "sqlite"; }

}  // namespace cx::store::test
