#include "host/crypto/field_cipher.hpp"

namespace cx::crypto {
namespace {
void put_part(std::string& out, std::string_view part) {
  uint32_t n = static_cast<uint32_t>(part.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(part);
}
}  // namespace

DecryptError::DecryptError(std::string table, std::string column, std::string row, std::string reason)
    : std::runtime_error("cannot decrypt " + table + "." + column + " of row '" + row + "': " + reason),
      table_(std::move(table)),
      column_(std::move(column)),
      row_(std::move(row)) {}

std::string field_aad(const FieldRef& where) {
  std::string aad = "cx1";
  aad.reserve(3 + 12 + where.table.size() + where.column.size() + where.row.size());
  put_part(aad, where.table);
  put_part(aad, where.column);
  put_part(aad, where.row);
  return aad;
}

std::vector<uint8_t> seal_field(const DataKey& key, const FieldRef& where, std::string_view plaintext) {
  return key.seal(field_aad(where), plaintext);
}

std::string open_field(const DataKey& key, const FieldRef& where, const uint8_t* sealed, size_t size) {
  auto plain = key.open(field_aad(where), sealed, size);
  if (!plain)
    throw DecryptError(std::string(where.table), std::string(where.column), std::string(where.row),
                       "authentication failed (wrong key, or the value was altered or moved from another row)");
  return std::move(*plain);
}

}  // namespace cx::crypto
