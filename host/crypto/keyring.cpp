#include "host/crypto/keyring.hpp"

#include <mutex>

namespace cx::crypto {

Keyring::Keyring(MasterKey master) : master_(std::make_shared<const MasterKey>(std::move(master))) {}

std::shared_ptr<const MasterKey> Keyring::master() const {
  std::shared_lock lock(mutex_);
  return master_;
}

void Keyring::replace_master(MasterKey next) {
  std::unique_lock lock(mutex_);
  master_ = std::make_shared<const MasterKey>(std::move(next));
}

std::shared_ptr<const DataKey> Keyring::cached(const std::string& owner) const {
  std::shared_lock lock(mutex_);
  auto it = keys_.find(owner);
  return it == keys_.end() ? nullptr : it->second;
}

void Keyring::remember(const std::string& owner, std::shared_ptr<const DataKey> key) {
  std::unique_lock lock(mutex_);
  if (forgotten_.count(owner)) return;
  keys_[owner] = std::move(key);
}

void Keyring::forget(const std::string& owner) {
  std::unique_lock lock(mutex_);
  keys_.erase(owner);
  forgotten_.insert(owner);
}

void Keyring::clear() {
  std::unique_lock lock(mutex_);
  keys_.clear();
}

}  // namespace cx::crypto
