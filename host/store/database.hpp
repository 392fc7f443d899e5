// The SQLite database: one writer connection (write transactions serialised by a mutex) and a
// small pool of reader connections, all in WAL mode with foreign_keys=ON, secure_delete=ON and a
// busy_timeout. Opening applies the numbered migrations (one transaction each), refuses a database
// newer than this binary, reports a corrupt or truncated file with its path, and checks the master
// key against the stored key check value (wrong key → crypto::KeyError, nothing is read).
//
// Usage:
//   cx::store::Database db({.path = data_dir / "connectivity.db"}, cx::crypto::MasterKey::resolve(src));
//   db.write([&](cx::store::WriteTx& tx) { cx::store::accounts::insert(tx, account); });
//   auto page = db.read([&](cx::store::ReadTx& tx) { return cx::store::payments::list(tx, q); });
//
// Durability: synchronous=NORMAL — a committed transaction survives a process crash; a power loss
// may drop the last commits but never corrupts the file, and a fetch page and its state go together.
#pragma once

#include "host/crypto/keyring.hpp"
#include "host/store/db/driver.hpp"
#include "host/store/errors.hpp"
#include "host/store/tx.hpp"

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

namespace cx::store {

struct DatabaseOptions {
  std::filesystem::path path;        ///< e.g. DATA_DIR/connectivity.db; parent dirs are created
  /// PostgreSQL instead of the SQLite file at `path` when set to a `postgres://…` URL (a `sqlite:DIR`
  /// URL is the same as path = DIR/connectivity.db).
  std::optional<db::DatabaseUrl> url;
  int readers = 4;                   ///< reader connections in the pool (≥ 1)
  int busy_timeout_ms = 5000;        ///< how long a connection waits for a lock held elsewhere
  bool integrity_check = false;      ///< run PRAGMA quick_check at open (O(size); off by default)
  std::function<int64_t()> clock;    ///< UTC ms; defaults to the system clock (tests inject one)
};

class Database {
 public:
  /// Opens (creating if missing) and migrates. Throws CorruptDatabase, SchemaTooNew,
  /// crypto::KeyError (master key does not match), StoreError.
  Database(DatabaseOptions options, crypto::MasterKey master);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// The keyed blind index (equality lookups on sealed values, pseudonymous references).
  const crypto::BlindIndex& blind_index() const { return *blind_index_; }

  /// Runs fn in one write transaction (BEGIN IMMEDIATE … COMMIT); rolls back and rethrows if fn
  /// throws. Write transactions are serialised; do not nest (a nested write() deadlocks).
  /// SQLite constraint errors come out as Conflict / InvalidReference.
  template <class F>
  auto write(F&& fn) -> std::invoke_result_t<F, WriteTx&> {
    using R = std::invoke_result_t<F, WriteTx&>;
    if constexpr (std::is_void_v<R>) {
      run_write([&](WriteTx& tx) { fn(tx); });
    } else {
      std::optional<R> out;
      run_write([&](WriteTx& tx) { out.emplace(fn(tx)); });
      return std::move(*out);
    }
  }

  /// Runs fn in a read transaction on a pooled reader (a consistent snapshot). Blocks while every
  /// reader is busy. May run concurrently with a write and with other reads.
  template <class F>
  auto read(F&& fn) -> std::invoke_result_t<F, ReadTx&> {
    using R = std::invoke_result_t<F, ReadTx&>;
    if constexpr (std::is_void_v<R>) {
      run_read([&](ReadTx& tx) { fn(tx); });
    } else {
      std::optional<R> out;
      run_read([&](ReadTx& tx) { out.emplace(fn(tx)); });
      return std::move(*out);
    }
  }

  /// Copies the WAL into the main file and truncates the WAL to zero bytes (TRUNCATE mode).
  /// Waits for readers; used by tests and after deletions that must leave no trace in the WAL.
  /// Nothing to do on PostgreSQL (the server owns its WAL).
  void checkpoint();

  /// Frees the page caches of the writer and of every idle reader (SQLite keeps them at their
  /// high-water mark); call when the daemon goes idle after a burst of writes. SQLite only.
  void release_memory();

  db::Backend backend() const { return backend_; }
  /// True when other processes (nodes) may write this database at the same time: PostgreSQL.
  /// SQLite is one daemon's (the data directory's lock).
  bool shared() const { return backend_ == db::Backend::postgres; }

  /// Schema version of this file, and the newest this binary knows.
  int schema_version();
  static int latest_schema_version();

  const std::filesystem::path& path() const { return options_.path; }
  /// What error messages name: the file, or the PostgreSQL URL without its password.
  const std::string& location() const { return location_; }
  int64_t now() const;
  crypto::Keyring& keyring() { return *keyring_; }

 private:
  void open_sqlite();
  void open_postgres();
  void run_write(const std::function<void(WriteTx&)>& fn);
  void run_read(const std::function<void(ReadTx&)>& fn);
  std::unique_ptr<Connection> open_connection(bool writer);
  void check_master_key();
  Connection* acquire_reader();
  void release_reader(Connection* c);

  DatabaseOptions options_;
  db::Backend backend_ = db::Backend::sqlite;
  std::string location_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::BlindIndex> blind_index_;
  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idle_readers_;
  friend class Tx;
  friend class WriteTx;
};

}  // namespace cx::store
