// Transactions: every repository function takes one. A ReadTx is a consistent snapshot on a pooled
// reader connection; a WriteTx is the single writer's BEGIN IMMEDIATE … COMMIT, so everything done
// in one Database::write() commits or rolls back together (data + fetch state + events).
#pragma once

#include "host/crypto/blind_index.hpp"
#include "host/crypto/data_key.hpp"
#include "host/crypto/field_cipher.hpp"

#include "host/store/db/driver.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cx::store {

class Database;
class Connection;

/// What both kinds of transaction offer. Not thread-safe: one transaction, one thread.
class Tx {
 public:
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  /// A prepared statement cached on this connection (bounded; see Connection::cached), reset with
  /// its bindings cleared. Valid until the next prepare() of the same SQL text in this transaction.
  db::Statement& prepare(const std::string& sql);
  /// Runs SQL without results.
  void exec(const std::string& sql);

  /// The engine this transaction runs on (for the little SQL that differs between them).
  db::Backend backend() const;

  /// The database's clock: UTC milliseconds since the epoch.
  int64_t now() const;
  Database& database() { return db_; }

  /// The data key of `owner` (crypto::KeyOwner::…), or null when it does not exist (shredded).
  std::shared_ptr<const crypto::DataKey> data_key(const std::string& owner);
  /// Decrypts a sealed column value; throws DecryptError naming table/column/row when it fails
  /// or when the owner's key is gone.
  std::string open(const std::string& owner, const crypto::FieldRef& where, const void* sealed, size_t size);
  std::string open(const std::string& owner, const crypto::FieldRef& where, const std::vector<uint8_t>& sealed) {
    return open(owner, where, sealed.data(), sealed.size());
  }
  /// The keyed blind index (HMAC) used for equality lookups on encrypted columns.
  const crypto::BlindIndex& blind_index();

 protected:
  Tx(Database& db, Connection& conn);
  ~Tx() = default;
  virtual std::shared_ptr<const crypto::DataKey> load_key(const std::string& owner);

  Database& db_;
  Connection& conn_;
  friend class Database;
};

class ReadTx final : public Tx {
 public:
  ReadTx(Database& db, Connection& conn) : Tx(db, conn) {}
};

class WriteTx final : public Tx {
 public:
  WriteTx(Database& db, Connection& conn) : Tx(db, conn) {}

  /// events.cpp: this transaction already holds the events append lock (PostgreSQL).
  bool events_lock_held = false;

  /// The data key of `owner`, created (random, wrapped by the master key) when missing. A key
  /// created here becomes visible to other transactions only once this one commits.
  std::shared_ptr<const crypto::DataKey> data_key_for_write(const std::string& owner);
  /// Encrypts `plaintext` for table/column/row under `owner`'s data key (created when missing).
  std::vector<uint8_t> seal(const std::string& owner, const crypto::FieldRef& where, std::string_view plaintext);
  /// Deletes `owner`'s wrapped data key (crypto-shredding): once committed and checkpointed, every
  /// value sealed under it is unreadable, even with the master key. Forgotten from memory on commit.
  void destroy_key(const std::string& owner);
  /// Runs after a successful COMMIT, in registration order (not on rollback).
  void after_commit(std::function<void()> fn);

 private:
  std::shared_ptr<const crypto::DataKey> load_key(const std::string& owner) override;
  std::unordered_map<std::string, std::shared_ptr<const crypto::DataKey>> pending_keys_;  // created here
  std::vector<std::string> destroyed_keys_;
  std::vector<std::function<void()>> after_commit_;
  friend class Database;
};

}  // namespace cx::store
