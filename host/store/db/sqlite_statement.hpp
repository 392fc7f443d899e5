// db::Statement over a SQLiteCpp statement owned elsewhere: how the store's per-connection
// statement cache (host/store/connection.hpp) hands its statements to the repositories.
// SQLite's exceptions pass through unchanged, so the store keeps mapping their extended codes
// (unique, foreign key, check, corruption) to its own errors; the owning driver statement
// (sqlite_driver.cpp) adds the backend-neutral ConstraintError / DriverError on top.
#pragma once

#include "host/store/db/driver.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

namespace cx::store::db {

class SqliteStatementRef final : public Statement {
 public:
  explicit SqliteStatementRef(SQLite::Statement& s) : s_(s) {}

  void bind(int i, int64_t v) override { s_.bind(i, v); }
  // Bound as TEXT (SQLiteCpp's pointer-and-size overload would bind a BLOB), copied by SQLite.
  void bind(int i, std::string_view t) override { s_.bind(i, std::string(t)); }
  void bind_blob(int i, const std::vector<uint8_t>& b) override {
    s_.bind(i, static_cast<const void*>(b.data()), static_cast<int>(b.size()));
  }
  void bind_null(int i) override { s_.bind(i); }
  using Statement::bind;

  bool step() override { return s_.executeStep(); }
  int64_t exec() override { return s_.exec(); }
  void reset() override {
    s_.reset();
    s_.clearBindings();
  }

  int column_count() override { return s_.getColumnCount(); }
  bool is_null(int c) override { return s_.getColumn(c).isNull(); }
  int64_t get_int64(int c) override { return s_.getColumn(c).getInt64(); }
  std::string get_text(int c) override {
    auto col = s_.getColumn(c);
    return std::string(col.getText(), static_cast<size_t>(col.getBytes()));
  }
  std::vector<uint8_t> get_blob(int c) override {
    auto col = s_.getColumn(c);
    auto p = static_cast<const uint8_t*>(col.getBlob());
    return std::vector<uint8_t>(p, p + col.getBytes());
  }

 private:
  SQLite::Statement& s_;
};

}  // namespace cx::store::db
