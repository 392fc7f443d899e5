// The two store backends for tests: a SQLite directory, or a fresh database on the PostgreSQL
// server the ctest fixture `cx_pg` started (its URL in the file named by CX_PG_URL_FILE). Tests
// tagged [pg] need that server and fail — never skip — when it is not there.
#pragma once

#include "host/store/db/driver.hpp"
#include "test_support.hpp"

#include <string>

namespace cx::store::test {

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

using db::backend_name;

}  // namespace cx::store::test
