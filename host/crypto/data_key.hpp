// A data key (DEK): the AES-256 key that encrypts one owner's fields (a PSU, a connector, a bank
// account). Only its wrapped form (MasterKey::wrap) is stored; destroying that row destroys the
// owner's data for good (crypto-shredding).
#pragma once

#include <botan/secmem.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Botan {
class AEAD_Mode;
}

namespace cx::crypto {

class DataKey {
 public:
  static constexpr size_t kSize = 32;       ///< bytes (AES-256)
  static constexpr size_t kNonceSize = 12;  ///< GCM nonce, random per value
  static constexpr size_t kTagSize = 16;
  /// Sealed value layout: [version 0x01][nonce 12][ciphertext][tag 16].
  static constexpr size_t kOverhead = 1 + kNonceSize + kTagSize;

  /// 32 fresh bytes from the system RNG.
  static std::shared_ptr<DataKey> generate();
  static std::shared_ptr<DataKey> from_bytes(Botan::secure_vector<uint8_t> bytes);  ///< must be 32 bytes
  ~DataKey();
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;

  const Botan::secure_vector<uint8_t>& bytes() const { return key_; }

  /// AES-256-GCM with a random 96-bit nonce. Random nonces bound one key to ~2^32 values, far
  /// above what one PSU or connector produces. Thread-safe (keyed cipher objects are pooled).
  std::vector<uint8_t> seal(std::string_view aad, std::string_view plaintext) const;
  /// nullopt when the value does not authenticate (wrong key, wrong aad, altered or truncated).
  std::optional<std::string> open(std::string_view aad, const uint8_t* sealed, size_t size) const;

 private:
  explicit DataKey(Botan::secure_vector<uint8_t> key);
  std::unique_ptr<Botan::AEAD_Mode> take(bool encrypt) const;
  void give_back(bool encrypt, std::unique_ptr<Botan::AEAD_Mode> mode) const;

  Botan::secure_vector<uint8_t> key_;
  // Keyed GCM objects: setting the key (AES schedule + GHASH table) costs more than a short field.
  // Threads are spread over a few stripes, each with its own lock, so the HTTP workers reading one
  // PSU's rows do not queue on a single mutex.
  struct Stripe {
    std::mutex mutex;
    std::vector<std::unique_ptr<Botan::AEAD_Mode>> encryptors, decryptors;
  };
  static constexpr size_t kStripes = 4;
  mutable std::array<Stripe, kStripes> stripes_;
};

}  // namespace cx::crypto
