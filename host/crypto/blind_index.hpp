// Keyed blind index: HMAC-SHA-256 of a value, so equality lookups work on encrypted columns
// (e.g. "which forwarded user has provider user id X", "accounts named Y") without storing the
// value. It leaks equality only. The key is a system data key, wrapped by the KEK like the others.
#pragma once

#include "host/crypto/data_key.hpp"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace cx::crypto {

class BlindIndex {
 public:
  static constexpr size_t kSize = 16;  ///< bytes kept of the HMAC (collisions are negligible)

  explicit BlindIndex(std::shared_ptr<const DataKey> key);
  /// HMAC(key, domain ‖ 0x00 ‖ value) truncated to 16 bytes; `domain` separates columns
  /// ("accounts.name") so equal values in different columns do not match.
  std::vector<uint8_t> compute(std::string_view domain, std::string_view value) const;

 private:
  std::shared_ptr<const DataKey> key_;
};

}  // namespace cx::crypto
