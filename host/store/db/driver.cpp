#include "host/store/db/driver.hpp"

#include <stdexcept>

namespace cx::store::db {

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& dir, int busy_timeout_ms);
std::unique_ptr<Connection> open_postgres(const std::string& uri);

DatabaseUrl DatabaseUrl::parse(std::string_view url) {
  DatabaseUrl out;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string_view dir = url.substr(7);
    if (dir.rfind("//", 0) == 0) dir.remove_prefix(2);  // sqlite:///abs/dir
    if (dir.empty()) throw std::invalid_argument("database URL: sqlite: needs a directory (sqlite:DIR)");
    out.backend = Backend::sqlite;
    out.sqlite_dir = std::string(dir);
    return out;
  }
  for (std::string_view scheme : {"postgres://", "postgresql://"}) {
    if (url.rfind(scheme, 0) != 0) continue;
    std::string_view rest = url.substr(scheme.size());
    std::string_view authority = rest.substr(0, rest.find('/'));
    std::string_view host = authority.substr(authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
    if (host.empty() || host[0] == ':')
      throw std::invalid_argument("database URL: postgres URL needs a host (postgres://user@host:port/db)");
    out.backend = Backend::postgres;
    out.postgres_uri = std::string(url);
    return out;
  }
  // Only the scheme is echoed: the rest may carry a password.
  throw std::invalid_argument("database URL: unknown scheme '" + std::string(url.substr(0, url.find(':'))) +
                              "' (expected sqlite:DIR or postgres://…)");
}

std::string DatabaseUrl::redacted() const {
  if (backend == Backend::sqlite && postgres_uri.empty()) return "sqlite:" + sqlite_dir.string();
  std::string u = postgres_uri;
  auto scheme_end = u.find("://");
  auto at = u.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return u;
  auto colon = u.find(':', scheme_end + 3);
  if (colon != std::string::npos && colon < at) u.replace(colon + 1, at - colon - 1, "***");
  return u;
}

std::unique_ptr<Connection> connect(const DatabaseUrl& url, int busy_timeout_ms) {
  if (url.backend == Backend::postgres) return open_postgres(url.postgres_uri);
  return open_sqlite(url.sqlite_dir, busy_timeout_ms);
}

std::string numbered_placeholders(std::string_view sql, const std::function<std::string(int)>& suffix) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;  // a doubled quote reopens on the next character: same result
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    int n = 0;
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
    if (j == i + 1) n = next;
    next = n + 1;
    out += '$';
    out += std::to_string(n);
    if (suffix) out += suffix(n);
    i = j - 1;
  }
  return out;
}

namespace {
// PostgreSQL: nodes starting together migrate one after the other (a session advisory lock keyed
// by the version table); DDL in READ COMMITTED transactions would otherwise collide. SQLite's
// write lock already serialises them.
struct MigrationLock {
  Connection& conn;
  std::string key;
  MigrationLock(Connection& c, std::string table) : conn(c), key(std::move(table)) { run("pg_advisory_lock"); }
  ~MigrationLock() {
    try {
      run("pg_advisory_unlock");
    } catch (...) {
    }
  }
  void run(const char* fn) {
    if (conn.backend() != Backend::postgres) return;
    auto s = conn.prepare(std::string("SELECT ") + fn + "(hashtext(?))");
    s->bind(1, std::string_view(key));
    while (s->step()) {
    }
  }
};
}  // namespace

int migrate(Connection& conn, const std::string& version_table, const std::vector<Migration>& migrations) {
  MigrationLock lock(conn, version_table);
  conn.exec_script("CREATE TABLE IF NOT EXISTS " + version_table + " (version INTEGER NOT NULL)");
  conn.begin(true);
  int current = 0;
  try {
    auto s = conn.prepare("SELECT COALESCE(MAX(version), 0) FROM " + version_table);
    if (s->step()) current = static_cast<int>(s->get_int64(0));
    conn.commit();
  } catch (...) {
    conn.rollback();
    throw;
  }
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest)
    throw DriverError(version_table + ": database schema " + std::to_string(current) + " is newer than this binary (" +
                      std::to_string(newest) + ")");
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    const char* sql = conn.backend() == Backend::postgres && m.postgres && *m.postgres ? m.postgres : m.sqlite;
    conn.begin(true);
    try {
      // Another node may have migrated meanwhile: re-check under the transaction.
      auto s = conn.prepare("SELECT COUNT(*) FROM " + version_table + " WHERE version = ?");
      s->bind(1, static_cast<int64_t>(m.version));
      s->step();
      if (s->get_int64(0) == 0) {
        conn.exec_script(sql);
        auto ins = conn.prepare("INSERT INTO " + version_table + " (version) VALUES (?)");
        ins->bind(1, static_cast<int64_t>(m.version));
        ins->exec();
      }
      conn.commit();
    } catch (...) {
      conn.rollback();
      throw;
    }
    current = m.version;
  }
  return current;
}

}  // namespace cx::store::db
