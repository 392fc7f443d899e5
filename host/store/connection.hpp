// One store connection and its cache of prepared statements (internal): a SQLite connection with
// its pragmas, or a connection of another backend through the boundary (PostgreSQL).
#pragma once

#include "host/store/db/sqlite_statement.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace cx::store {

/// The pragmas a store connection runs when opened, in order (the writer's include WAL mode and
/// its cache and checkpoint sizes; readers are query_only). Raw-SQLite benchmark baselines run
/// the same, so they compare against the same database settings.
std::vector<std::string> connection_pragmas(bool writer);

/// sqlite3_open_v2 flags of a store connection. NOMUTEX: a connection is only ever used by one
/// thread at a time (the writer under the store's write lock, a reader while checked out of the
/// pool), so SQLite's per-call connection mutex is pure cost. The first call also turns SQLite's
/// memory statistics off, before it initialises.
int connection_open_flags(bool writer);

class Connection {
 public:
  /// Opens `path` read-write (creating it when `writer`), sets busy_timeout and runs
  /// connection_pragmas(writer).
  Connection(const std::filesystem::path& path, bool writer, int busy_timeout_ms);
  /// A connection of another backend (PostgreSQL), opened by db::connect.
  explicit Connection(std::unique_ptr<db::Connection> conn);

  db::Backend backend() const { return sqlite_ ? db::Backend::sqlite : db::Backend::postgres; }
  /// The SQLite connection; only for backend() == sqlite.
  SQLite::Database& db() { return *sqlite_; }
  /// The boundary connection; only for backend() != sqlite.
  db::Connection& boundary() { return *other_; }

  /// Runs SQL without results (and without parameters).
  void exec(const std::string& sql);
  /// BEGIN IMMEDIATE (write) or BEGIN on SQLite; the driver's begin(write) otherwise.
  void begin(bool write);
  void commit();
  /// Rolls back the open transaction, if any; never throws.
  void rollback();
  /// Cached statement for `sql`, reset and with bindings cleared. At most kMaxStatements are kept;
  /// statements used in the current transaction are never evicted.
  db::Statement& cached(const std::string& sql);
  /// Resets every statement used since the last call, so none keeps a read snapshot open past
  /// the end of its transaction.
  void release_statements();

 private:
  static constexpr size_t kMaxStatements = 256;
  std::unique_ptr<SQLite::Database> sqlite_;
  std::unique_ptr<db::Connection> other_;
  struct Entry {
    std::unique_ptr<SQLite::Statement> stmt;  // SQLite only: what view wraps
    std::unique_ptr<db::Statement> view;  // what the repositories see (the backend boundary)
    bool used = false;  // listed in used_ since the last release
  };
  std::unordered_map<std::string, Entry> cache_;
  std::vector<Entry*> used_;
};

}  // namespace cx::store
