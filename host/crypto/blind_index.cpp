#include "host/crypto/blind_index.hpp"

#include <botan/mac.h>

namespace cx::crypto {

BlindIndex::BlindIndex(std::shared_ptr<const DataKey> key) : key_(std::move(key)) {}

std::vector<uint8_t> BlindIndex::compute(std::string_view domain, std::string_view value) const {
  // HMAC objects are cheap to key and not thread-safe: one per call.
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(key_->bytes());
  mac->update(reinterpret_cast<const uint8_t*>(domain.data()), domain.size());
  mac->update(static_cast<uint8_t>(0));
  mac->update(reinterpret_cast<const uint8_t*>(value.data()), value.size());
  auto tag = mac->final();
  return std::vector<uint8_t>(tag.begin(), tag.begin() + kSize);
}

}  // namespace cx::crypto
