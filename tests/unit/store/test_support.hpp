// Shared fixtures of the store tests: a scratch data directory, a database on it with a
// controllable clock, and minimal valid records.
#pragma once

#include "host/store/store.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace cx::store::test {

/// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("cx-store-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path db() const { return path / "connectivity.db"; }
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// A fixed 32-byte master key from a seed byte (tests need reproducible, distinct keys).
inline crypto::MasterKey key(uint8_t seed) {
  uint8_t b[32];
  for (int i = 0; i < 32; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return crypto::MasterKey::from_bytes(b, sizeof b);
}

/// The PostgreSQL server's base URL (database "connectivity") from the file CX_PG_URL_FILE names
/// (ctest's fixture cx_pg writes it); throws when the fixture is missing: never a silent skip.
inline std::string pg_base_url() {
  const char* file = std::getenv("CX_PG_URL_FILE");
  if (!file) throw std::runtime_error("CX_PG_URL_FILE is not set: run PostgreSQL tests through ctest (fixture cx_pg)");
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

/// True when the store tests run on PostgreSQL: CX_STORE_BACKEND=postgres (ctest's
/// unit_store_on_postgres); SQLite otherwise.
inline bool on_postgres() {
  const char* b = std::getenv("CX_STORE_BACKEND");
  return b && std::string(b) == "postgres";
}

/// Points `o` at the test database of `dir`: DIR/connectivity.db, or on PostgreSQL a database
/// named after the directory, created on first use (opening the same dir again reopens it, as a
/// restart reopens the SQLite file).
inline void place(DatabaseOptions& o, const TempDir& dir) {
  if (!on_postgres()) {
    o.path = dir.db();
    return;
  }
  static std::mutex mu;
  static std::map<std::string, std::string> made;  // database name → URL
  std::string name = "t_" + dir.path.filename().string();
  for (char& ch : name)
    if (ch == '-') ch = '_';
  std::lock_guard lock(mu);
  auto it = made.find(name);
  if (it == made.end()) it = made.emplace(name, PgDatabase(name).url).first;
  o.url = db::DatabaseUrl::parse(it->second);
}

/// A database in `dir` whose clock is `*clock` (advance it to order rows).
struct TestDb {
  std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(1'700'000'000'000);
  std::unique_ptr<Database> db;
  explicit TestDb(const TempDir& dir, uint8_t key_seed = 1, int readers = 2) {
    DatabaseOptions o;
    place(o, dir);
    o.readers = readers;
    auto c = clock;
    o.clock = [c] { return c->load(); };
    db = std::make_unique<Database>(std::move(o), key(key_seed));
  }
  Database& operator*() { return *db; }
  Database* operator->() { return db.get(); }
};

/// A database in `dir` on the system clock, for tests whose delays (retries, leases) must elapse.
struct SystemClockDb {
  std::unique_ptr<Database> db;
  explicit SystemClockDb(const TempDir& dir, uint8_t key_seed = 1) {
    DatabaseOptions o;
    place(o, dir);
    o.readers = 2;
    db = std::make_unique<Database>(std::move(o), key(key_seed));
  }
  Database& operator*() { return *db; }
  Database* operator->() { return db.get(); }
};

inline ConnectorRecord connector(const std::string& id, const std::string& name = "") {
  ConnectorRecord c;
  c.id = id;
  c.reference = "00000000-0000-0000-0000-0000000000" + std::to_string(10 + id.size() % 90);
  c.name = name.empty() ? "conn-" + id : name;
  c.provider = "generic";
  c.config = boost::json::object{{"name", c.name}, {"pollingPeriod", "30m"}, {"apiKey", "key-" + id}};
  return c;
}

inline PsuRecord psu(const std::string& id, const std::string& name = "Jane Doe") {
  PsuRecord p;
  p.id = id;
  p.name = name;
  return p;
}

inline AccountRecord account(const std::string& id, const std::string& connector_id, int64_t created_at = 1000) {
  AccountRecord a;
  a.id = id;
  a.connector_id = connector_id;
  a.reference = "ref-" + id;
  a.created_at = created_at;
  a.default_asset = "EUR/2";
  a.raw_json = R"({"id":")" + id + R"("})";
  return a;
}

/// One payment observation; the adjustment id is derived the way the API derives it (unique per
/// payment, reference, created_at, status).
inline PaymentWrite payment(const std::string& id, const std::string& connector_id, const std::string& amount,
                            const std::string& status = "SUCCEEDED", int64_t created_at = 1000) {
  PaymentWrite p;
  p.id = id;
  p.connector_id = connector_id;
  p.reference = "ref-" + id;
  p.adjustment_reference = p.reference;
  p.adjustment_id = id + "/" + p.reference + "/" + std::to_string(created_at) + "/" + status;
  p.type = "PAY-IN";
  p.amount = amount;
  p.asset = "EUR/2";
  p.status = status;
  p.created_at = created_at;
  p.raw_json = R"({"amount":")" + amount + R"("})";
  return p;
}

inline int64_t count(Database& db, const std::string& table) {
  return db.read([&](ReadTx& tx) {
    auto& s = tx.prepare("SELECT count(*) FROM " + table);
    s.step();
    return s.get_int64(0);
  });
}

/// The message of the E that fn throws; "(no E thrown)" otherwise, so a CHECK_THAT on it fails.
template <class E, class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception of the expected type thrown)";
}

}  // namespace cx::store::test
