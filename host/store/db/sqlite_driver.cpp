// SQLite driver over SQLiteCpp: the node-local default.
#include "host/store/db/driver.hpp"
#include "host/store/db/sqlite_statement.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace cx::store::db {
namespace {

[[noreturn]] void rethrow(const SQLite::Exception& e, const std::string& sql) {
  const int ext = e.getExtendedErrorCode();
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) throw ForeignKeyError(std::string(e.what()) + " in: " + sql);
  if (ext == SQLITE_CONSTRAINT_CHECK || ext == SQLITE_CONSTRAINT_NOTNULL)
    throw CheckError(std::string(e.what()) + " in: " + sql);
  if (e.getErrorCode() == SQLITE_CONSTRAINT) throw ConstraintError(std::string(e.what()) + " in: " + sql);
  throw DriverError(std::string("sqlite: ") + e.what() + " in: " + sql);
}

// An owned statement: the store's view of a cached one (sqlite_statement.hpp) with SQLite's
// errors turned into the backend-neutral ConstraintError / DriverError.
class SqliteStatement final : public Statement {
 public:
  SqliteStatement(SQLite::Database& db, const std::string& sql) : sql_(sql), s_(db, sql), v_(s_) {}
  void bind(int i, int64_t v) override { v_.bind(i, v); }
  void bind(int i, std::string_view t) override { v_.bind(i, t); }
  void bind_blob(int i, const std::vector<uint8_t>& b) override { v_.bind_blob(i, b); }
  void bind_null(int i) override { v_.bind_null(i); }
  bool step() override {
    try {
      return v_.step();
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql_);
    }
  }
  int64_t exec() override {
    try {
      return v_.exec();
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql_);
    }
  }
  void reset() override { v_.reset(); }
  int column_count() override { return v_.column_count(); }
  bool is_null(int c) override { return v_.is_null(c); }
  int64_t get_int64(int c) override { return v_.get_int64(c); }
  std::string get_text(int c) override { return v_.get_text(c); }
  std::vector<uint8_t> get_blob(int c) override { return v_.get_blob(c); }

 private:
  std::string sql_;
  SQLite::Statement s_;
  SqliteStatementRef v_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::filesystem::path& dir, int busy_timeout_ms)
      : db_((std::filesystem::create_directories(dir), dir / "connectivity.db").string(),
            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, busy_timeout_ms) {
    db_.exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA synchronous=NORMAL;");
  }
  Backend backend() const override { return Backend::sqlite; }
  std::unique_ptr<Statement> prepare(const std::string& sql) override {
    try {
      return std::make_unique<SqliteStatement>(db_, sql);
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql);
    }
  }
  void exec_script(const std::string& sql) override {
    try {
      db_.exec(sql);
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql);
    }
  }
  void begin(bool write) override { exec_script(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override {  // never throws (see PostgreSQL's)
    if (sqlite3_get_autocommit(db_.getHandle()) == 0) db_.tryExec("ROLLBACK");
  }

 private:
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& dir, int busy_timeout_ms) {
  try {
    return std::make_unique<SqliteConnection>(dir, busy_timeout_ms);
  } catch (const SQLite::Exception& e) {
    throw DriverError("sqlite: cannot open " + (dir / "connectivity.db").string() + ": " + e.what());
  }
}

}  // namespace cx::store::db
