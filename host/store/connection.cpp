#include "host/store/connection.hpp"

namespace cx::store {

Connection::Connection(const std::filesystem::path& path, bool writer, int busy_timeout_ms)
    : db_(path.string(), writer ? (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) : SQLite::OPEN_READWRITE,
          busy_timeout_ms) {
  if (writer) db_.exec("PRAGMA journal_mode=WAL");
  // foreign_keys and secure_delete are per connection and must be set on each one.
  db_.exec("PRAGMA foreign_keys=ON");
  db_.exec("PRAGMA secure_delete=ON");
  db_.exec("PRAGMA synchronous=NORMAL");
  if (!writer) db_.exec("PRAGMA query_only=ON");
}

SQLite::Statement& Connection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // Filters give many SQL shapes: past the bound, drop every statement the current transaction
    // is not holding (fixed SQL is simply prepared again on its next use).
    if (cache_.size() >= kMaxStatements) std::erase_if(cache_, [](const auto& kv) { return !kv.second.used; });
    it = cache_.emplace(sql, Entry{std::make_unique<SQLite::Statement>(db_, sql)}).first;
  }
  Entry& e = it->second;
  e.stmt->tryReset();  // a previous failed step reports its error again on reset: already handled
  e.stmt->clearBindings();
  if (!e.used) {
    e.used = true;
    used_.push_back(&e);
  }
  return *e.stmt;
}

void Connection::release_statements() {
  for (auto* e : used_) {
    e->used = false;
    e->stmt->tryReset();
  }
  used_.clear();
}

}  // namespace cx::store
