#include "host/store/tx.hpp"

#include "host/store/connection.hpp"
#include "host/store/database.hpp"

namespace cx::store {
namespace {
constexpr const char* kSelectKey = "SELECT kek_id, wrapped FROM data_keys WHERE owner = ?";
}

Tx::Tx(Database& db, Connection& conn) : db_(db), conn_(conn) {}

db::Statement& Tx::prepare(const std::string& sql) { return conn_.cached(sql); }

void Tx::exec(const std::string& sql) { conn_.exec(sql); }

db::Backend Tx::backend() const { return conn_.backend(); }

int64_t Tx::now() const { return db_.now(); }

std::shared_ptr<const crypto::DataKey> Tx::data_key(const std::string& owner) { return load_key(owner); }

std::shared_ptr<const crypto::DataKey> Tx::load_key(const std::string& owner) {
  if (auto k = db_.keyring().cached(owner)) return k;
  db::Statement& s = prepare(kSelectKey);
  s.bind(1, owner);
  if (!s.step()) return nullptr;
  auto master = db_.keyring().master();
  std::string kek_id = s.get_text(0);
  if (kek_id != master->id())
    throw crypto::KeyError("data key of " + owner + " is wrapped by master key " + kek_id + ", not by the active " +
                           master->id());
  auto wrapped = s.get_blob(1);
  auto key = crypto::DataKey::from_bytes(master->unwrap(wrapped.data(), wrapped.size()));
  // The row is committed (a key created by the running write transaction is served from
  // WriteTx::pending_keys_ before this point), so caching it is safe.
  db_.keyring().remember(owner, key);
  return key;
}

std::string Tx::open(const std::string& owner, const crypto::FieldRef& where, const void* sealed, size_t size) {
  auto key = load_key(owner);
  if (!key)
    throw crypto::DecryptError(std::string(where.table), std::string(where.column), std::string(where.row),
                               "its data key (" + owner + ") no longer exists");
  return crypto::open_field(*key, where, static_cast<const uint8_t*>(sealed), size);
}

const crypto::BlindIndex& Tx::blind_index() { return *db_.blind_index_; }

std::shared_ptr<const crypto::DataKey> WriteTx::load_key(const std::string& owner) {
  if (auto it = pending_keys_.find(owner); it != pending_keys_.end()) return it->second;
  for (const auto& gone : destroyed_keys_)
    if (gone == owner) return nullptr;
  return Tx::load_key(owner);
}

std::shared_ptr<const crypto::DataKey> WriteTx::data_key_for_write(const std::string& owner) {
  if (auto k = load_key(owner)) return k;
  auto key = crypto::DataKey::generate();
  auto master = db_.keyring().master();
  db::Statement& s = prepare("INSERT INTO data_keys (owner, kek_id, wrapped, created_at) VALUES (?, ?, ?, ?)");
  s.bind(1, owner);
  s.bind(2, master->id());
  auto wrapped = master->wrap(key->bytes());
  s.bind_blob(3, wrapped);
  s.bind(4, now());
  s.exec();
  std::erase(destroyed_keys_, owner);
  pending_keys_[owner] = key;
  return key;
}

std::vector<uint8_t> WriteTx::seal(const std::string& owner, const crypto::FieldRef& where,
                                   std::string_view plaintext) {
  return crypto::seal_field(*data_key_for_write(owner), where, plaintext);
}

void WriteTx::destroy_key(const std::string& owner) {
  db::Statement& s = prepare("DELETE FROM data_keys WHERE owner = ?");
  s.bind(1, owner);
  s.exec();
  pending_keys_.erase(owner);
  destroyed_keys_.push_back(owner);
}

void WriteTx::after_commit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

}  // namespace cx::store
