// Field encryption: one AEAD value per column, bound to where it lives. The associated data is
// (table, column, row id), so a ciphertext copied to another row or column fails to decrypt
// instead of showing someone else's data.
#pragma once

#include "host/crypto/data_key.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cx::crypto {

/// Where a sealed value lives. Row is the row's stable id (e.g. the PSU uuid, "psu/connector").
struct FieldRef {
  std::string_view table;
  std::string_view column;
  std::string_view row;
};

/// A stored value that does not authenticate, or whose data key is gone. Names table/column/row;
/// never carries the value. Bad input never becomes an empty or garbage value.
class DecryptError : public std::runtime_error {
 public:
  DecryptError(std::string table, std::string column, std::string row, std::string reason);
  const std::string& table() const { return table_; }
  const std::string& column() const { return column_; }
  const std::string& row() const { return row_; }

 private:
  std::string table_, column_, row_;
};

/// Associated data bytes: "cx1" then each of table, column, row length-prefixed (unambiguous).
std::string field_aad(const FieldRef& where);

/// Encrypts `plaintext` for `where` under `key`: [0x01][nonce][ciphertext][tag].
std::vector<uint8_t> seal_field(const DataKey& key, const FieldRef& where, std::string_view plaintext);
/// Decrypts a value sealed for `where`; throws DecryptError naming table/column/row on failure.
std::string open_field(const DataKey& key, const FieldRef& where, const uint8_t* sealed, size_t size);

}  // namespace cx::crypto
