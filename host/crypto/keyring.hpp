// Keyring: the master key plus an in-memory cache of unwrapped data keys, by owner.
// Persistence of wrapped keys is the store's (host/store/keys.hpp): this layer holds no SQL.
#pragma once

#include "host/crypto/data_key.hpp"
#include "host/crypto/master_key.hpp"

#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace cx::crypto {

/// Who a data key belongs to, as stored in data_keys.owner: "psu:<uuid>", "connector:<id>",
/// "bank_account:<uuid>", "system:<name>".
struct KeyOwner {
  static std::string psu(std::string_view id) { return "psu:" + std::string(id); }
  static std::string connector(std::string_view id) { return "connector:" + std::string(id); }
  static std::string bank_account(std::string_view id) { return "bank_account:" + std::string(id); }
  static std::string system(std::string_view name) { return "system:" + std::string(name); }
};

class Keyring {
 public:
  explicit Keyring(MasterKey master);

  /// The active master key. Replaced only by a committed rotation.
  std::shared_ptr<const MasterKey> master() const;
  void replace_master(MasterKey next);

  /// Cached data key of `owner`, or null.
  std::shared_ptr<const DataKey> cached(const std::string& owner) const;
  /// Caches a key (called by the store once the wrapped key is known to be committed).
  /// Ignored for an owner forgotten by forget(): a late reader cannot resurrect a shredded key.
  void remember(const std::string& owner, std::shared_ptr<const DataKey> key);
  /// Drops the key from memory for good (after its wrapped row was deleted and committed).
  void forget(const std::string& owner);
  /// Clears every cached key (after a rotation, to reload from the database).
  void clear();

 private:
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const MasterKey> master_;
  std::unordered_map<std::string, std::shared_ptr<const DataKey>> keys_;
  std::set<std::string> forgotten_;
};

}  // namespace cx::crypto
