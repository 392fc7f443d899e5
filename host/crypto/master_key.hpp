// The master key (KEK): a 256-bit AES key that only ever wraps data keys, never data.
// Where it comes from, in order: --master-key-file, CONNECTIVITY_MASTER_KEY (base64), else the
// embedded default DATA_DIR/master.key (generated with mode 0600 on first start, with a warning:
// a key beside the data it protects only guards against a stolen database file alone).
#pragma once

#include <botan/secmem.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cx::crypto {

/// A master key that cannot be loaded, or does not match the database (see Keyring).
struct KeyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Where to look for the master key; see MasterKey::resolve.
struct MasterKeySource {
  std::optional<std::filesystem::path> file;  ///< --master-key-file
  std::optional<std::string> base64;          ///< CONNECTIVITY_MASTER_KEY
  std::filesystem::path data_dir;             ///< DATA_DIR, for the embedded default master.key

  /// file as given, base64 from the CONNECTIVITY_MASTER_KEY environment variable (if set).
  static MasterKeySource from_environment(std::filesystem::path data_dir,
                                          std::optional<std::filesystem::path> file = std::nullopt);
};

class MasterKey {
 public:
  static constexpr size_t kSize = 32;  ///< bytes (AES-256)

  /// file > base64 > DATA_DIR/master.key (loaded, or generated 0600 with a warning logged once).
  /// Throws KeyError naming the file or variable when the key is unreadable or not 32 bytes.
  static MasterKey resolve(const MasterKeySource& source);
  /// A key file holds the key as base64 text (one line) or as exactly 32 raw bytes.
  static MasterKey from_file(const std::filesystem::path& file);
  /// Standard base64 of 32 bytes (padding optional, surrounding whitespace ignored).
  static MasterKey from_base64(std::string_view text, std::string_view what = "CONNECTIVITY_MASTER_KEY");
  static MasterKey from_bytes(const uint8_t* bytes, size_t size);
  /// 32 fresh bytes from the system RNG.
  static MasterKey generate();
  /// Generates a key and writes it as base64 to `file` (created with O_EXCL, mode 0600).
  static MasterKey generate_file(const std::filesystem::path& file);

  /// Public label of the key: 16 hex chars of HMAC-SHA-256(key, "connectivity/kek-id").
  const std::string& id() const { return id_; }
  /// Key check value stored in the database: HMAC-SHA-256(key, "connectivity/kek-check"), 32 bytes.
  /// A different key gives a different value, so a wrong key is refused before any data is read.
  std::vector<uint8_t> check_value() const;
  /// Base64 of the key (for writing key files; handle with care).
  std::string to_base64() const;

  /// AES key wrap (NIST SP 800-38F KW) of a data key under this KEK.
  std::vector<uint8_t> wrap(const Botan::secure_vector<uint8_t>& data_key) const;
  /// Inverse of wrap; throws KeyError when the integrity check fails (wrong KEK or altered bytes).
  Botan::secure_vector<uint8_t> unwrap(const uint8_t* wrapped, size_t size) const;

 private:
  explicit MasterKey(Botan::secure_vector<uint8_t> key);
  Botan::secure_vector<uint8_t> key_;
  std::string id_;
};

}  // namespace cx::crypto
