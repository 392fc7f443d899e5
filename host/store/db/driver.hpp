// The store's backend boundary: a small database interface with two drivers, SQLite (SQLiteCpp,
// the default, one file per node) and PostgreSQL 15 (libpqxx, shared by several nodes).
//
// SQL is written once in the portable subset both engines accept (SQLite ≥ 3.35, PostgreSQL ≥ 15):
// positional parameters `?` or `?N` (1-based; rewritten to `$N` with a cast taken from the bound
// type for PostgreSQL), `INSERT … ON CONFLICT … DO NOTHING / DO UPDATE` instead of
// `INSERT OR IGNORE / OR REPLACE`, `RETURNING` instead of last_insert_rowid(). What still differs
// is asked of Dialect (row locks, DDL column types); migrations are numbered per backend.
//
// Usage:
//   auto conn = cx::store::db::connect(cx::store::db::DatabaseUrl::parse(url));
//   conn->begin(true);
//   auto s = conn->prepare("INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING n");
//   s->bind(1, "a"); s->bind(2, int64_t{7});
//   while (s->step()) use(s->get_int64(0));
//   conn->commit();
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cx::store::db {

enum class Backend { sqlite, postgres };

/// `sqlite:DIR` (the data directory; the file is DIR/connectivity.db) or
/// `postgres://user[:password]@host[:port]/dbname[?…]` (also `postgresql://`, libpq URI syntax).
/// "sqlite" or "postgres" (logs, /_info, /metrics labels).
inline const char* backend_name(Backend b) { return b == Backend::postgres ? "postgres" : "sqlite"; }

struct DatabaseUrl {
  Backend backend = Backend::sqlite;
  std::filesystem::path sqlite_dir;  ///< sqlite only
  std::string postgres_uri;          ///< postgres only, passed to libpq unchanged

  /// Throws std::invalid_argument naming the problem (unknown scheme, empty path or host).
  static DatabaseUrl parse(std::string_view url);
  /// The URL with any password replaced by `***` (for logs and /_info).
  std::string redacted() const;
};

/// One prepared statement. Parameters are 1-based, columns 0-based. Not thread-safe.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind(int i, int64_t v) = 0;
  void bind(int i, int v) { bind(i, static_cast<int64_t>(v)); }
  virtual void bind(int i, std::string_view text) = 0;
  void bind(int i, const char* text) { bind(i, std::string_view(text)); }
  void bind(int i, const std::string& text) { bind(i, std::string_view(text)); }
  virtual void bind_blob(int i, const std::vector<uint8_t>& bytes) = 0;
  /// Binds SQL NULL.
  virtual void bind_null(int i) = 0;

  /// Runs the statement on first call; then moves to the next row. False when no (more) rows.
  virtual bool step() = 0;
  /// Runs a statement without result rows; returns the number of rows changed.
  virtual int64_t exec() = 0;
  /// Forgets the results and bindings so the statement can run again.
  virtual void reset() = 0;

  /// Columns of the result; valid once step() has returned true.
  virtual int column_count() = 0;
  virtual bool is_null(int col) = 0;
  virtual int64_t get_int64(int col) = 0;
  virtual std::string get_text(int col) = 0;
  virtual std::vector<uint8_t> get_blob(int col) = 0;
  std::optional<std::string> get_opt_text(int col) { return is_null(col) ? std::nullopt : std::optional(get_text(col)); }
  std::optional<int64_t> get_opt_int64(int col) { return is_null(col) ? std::nullopt : std::optional(get_int64(col)); }
};

/// A constraint was violated (both backends): a unique key or primary key, or one of the kinds below.
struct ConstraintError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// A foreign key was violated (a referenced row does not exist).
struct ForeignKeyError : ConstraintError {
  using ConstraintError::ConstraintError;
};
/// A CHECK or NOT NULL constraint refused a value.
struct CheckError : ConstraintError {
  using ConstraintError::ConstraintError;
};
/// The database could not be reached or answered with an error; message names the statement.
struct DriverError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// The server rolled the transaction back because of a concurrent one (PostgreSQL deadlock or
/// serialization failure, SQLSTATE class 40): running it again is expected to succeed.
struct ContentionError : DriverError {
  using DriverError::DriverError;
};

/// One connection. Not thread-safe: one connection, one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  /// Runs one or more statements without parameters (DDL, migrations).
  virtual void exec_script(const std::string& sql) = 0;
  /// Starts a transaction. SQLite: write → BEGIN IMMEDIATE (the single writer), read → BEGIN.
  /// PostgreSQL: write → READ COMMITTED (row locks and compare-and-set updates do the claiming,
  /// Dialect::skip_locked); read → REPEATABLE READ, READ ONLY (one snapshot, as on SQLite).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  /// Rolls back the open transaction, if any; never throws.
  virtual void rollback() = 0;
};

/// Runs fn(conn) in one transaction: commits when it returns, rolls back and rethrows when it throws.
template <class F>
auto transact(Connection& conn, bool write, F&& fn) -> decltype(fn(conn)) {
  conn.begin(write);
  try {
    if constexpr (std::is_void_v<decltype(fn(conn))>) {
      fn(conn);
      conn.commit();
    } else {
      auto out = fn(conn);
      conn.commit();
      return out;
    }
  } catch (...) {
    conn.rollback();
    throw;
  }
}

/// What the SQL of the two engines does not share.
struct Dialect {
  Backend backend;
  /// Appended to a SELECT that claims rows: `FOR UPDATE SKIP LOCKED` on PostgreSQL (a row another
  /// node holds is passed over, not waited for); empty on SQLite, whose write transactions are
  /// already serialised by the database lock.
  const char* skip_locked() const { return backend == Backend::postgres ? " FOR UPDATE SKIP LOCKED" : ""; }
  /// Column types for DDL.
  const char* blob() const { return backend == Backend::postgres ? "BYTEA" : "BLOB"; }
  const char* int64() const { return backend == Backend::postgres ? "BIGINT" : "INTEGER"; }
  /// An auto-numbered primary key column (declare it first).
  const char* serial_key() const {
    return backend == Backend::postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY";
  }
};

/// Opens a connection. SQLite: DIR/connectivity.db created when missing, WAL, foreign keys on,
/// busy timeout `busy_timeout_ms`. PostgreSQL: libpq connection; DriverError when unreachable.
std::unique_ptr<Connection> connect(const DatabaseUrl& url, int busy_timeout_ms = 5000);

/// Rewrites `?` / `?N` placeholders outside quotes to `$N` (PostgreSQL), each followed by
/// suffix(N) when given (the PostgreSQL driver appends a cast). Exposed for tests.
std::string numbered_placeholders(std::string_view sql, const std::function<std::string(int)>& suffix = {});

/// One numbered migration: the SQL of each backend (same semantics; empty = same as sqlite).
struct Migration {
  int version;
  const char* sqlite;
  const char* postgres;
};

/// Applies the migrations newer than the version recorded in table `version_table` (created when
/// missing), each in its own transaction; returns the version reached. Throws DriverError when the
/// database is newer than the newest migration given.
int migrate(Connection& conn, const std::string& version_table, const std::vector<Migration>& migrations);

}  // namespace cx::store::db
