#include "host/store/connection.hpp"

#include <sqlite3.h>

namespace cx::store {

std::vector<std::string> connection_pragmas(bool writer) {
  std::vector<std::string> out;
  if (writer) {
    out.push_back("PRAGMA journal_mode=WAL");
    // A page of fetched items dirties hundreds of b-tree pages (ids land anywhere in the unique
    // indexes): a 16 MiB cache keeps a transaction from spilling (and syncing) mid-way (it is
    // given back when the daemon goes idle: Database::release_memory), and a checkpoint every
    // 8192 WAL pages (32 MiB) instead of 1000 syncs the files once per ~10 pages of items, not
    // after nearly every one; a page rewritten meanwhile is copied once.
    out.push_back("PRAGMA cache_size=-16384");
    out.push_back("PRAGMA wal_autocheckpoint=8192");
  }
  // foreign_keys and secure_delete are per connection and must be set on each one.
  out.push_back("PRAGMA foreign_keys=ON");
  out.push_back("PRAGMA secure_delete=ON");
  out.push_back("PRAGMA synchronous=NORMAL");
  if (!writer) out.push_back("PRAGMA query_only=ON");
  return out;
}

int connection_open_flags(bool writer) {
  // SQLite counts every allocation under one process-wide mutex unless told not to; we never read
  // those counters (sqlite3_memory_used), and with several readers the mutex is contended. The
  // setting only takes before SQLite initialises, i.e. before the first connection opens (later
  // it is refused with SQLITE_MISUSE and changes nothing), so it is made with the first flags.
  [[maybe_unused]] static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  return SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX | (writer ? SQLite::OPEN_CREATE : 0);
}

Connection::Connection(const std::filesystem::path& path, bool writer, int busy_timeout_ms)
    : sqlite_(std::make_unique<SQLite::Database>(path.string(), connection_open_flags(writer), busy_timeout_ms)) {
  for (const auto& pragma : connection_pragmas(writer)) sqlite_->exec(pragma);
}

Connection::Connection(std::unique_ptr<db::Connection> conn) : other_(std::move(conn)) {}

void Connection::exec(const std::string& sql) {
  if (sqlite_) sqlite_->exec(sql);
  else other_->exec_script(sql);
}

void Connection::begin(bool write) {
  if (sqlite_) sqlite_->exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
  else other_->begin(write);
}

void Connection::commit() {
  if (sqlite_) sqlite_->exec("COMMIT");
  else other_->commit();
}

void Connection::rollback() {
  if (sqlite_) sqlite_->tryExec("ROLLBACK");
  else other_->rollback();
}

db::Statement& Connection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // Filters give many SQL shapes: past the bound, drop every statement the current transaction
    // is not holding (fixed SQL is simply prepared again on its next use).
    if (cache_.size() >= kMaxStatements) std::erase_if(cache_, [](const auto& kv) { return !kv.second.used; });
    Entry fresh;
    if (sqlite_) {
      fresh.stmt = std::make_unique<SQLite::Statement>(*sqlite_, sql);
      fresh.view = std::make_unique<db::SqliteStatementRef>(*fresh.stmt);
    } else {
      fresh.view = other_->prepare(sql);
    }
    it = cache_.emplace(sql, std::move(fresh)).first;
  }
  Entry& e = it->second;
  if (e.stmt) {
    e.stmt->tryReset();  // a previous failed step reports its error again on reset: already handled
    e.stmt->clearBindings();
  } else {
    e.view->reset();
  }
  if (!e.used) {
    e.used = true;
    used_.push_back(&e);
  }
  return *e.view;
}

void Connection::release_statements() {
  for (auto* e : used_) {
    e->used = false;
    if (e->stmt) e->stmt->tryReset();
    else e->view->reset();  // drops the rows it still holds
  }
  used_.clear();
}

}  // namespace cx::store
