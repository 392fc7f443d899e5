#include "host/store/sealed_metadata.hpp"

#include "host/store/sql.hpp"

namespace cx::store::sealed_metadata {
namespace {

Metadata personal_part(const Metadata& m) {
  Metadata out;
  for (const auto& [k, v] : m)
    if (!is_public(k)) out.emplace(k, v);
  return out;
}

}  // namespace

bool is_public(std::string_view key) { return key.substr(0, kPublicPrefix.size()) == kPublicPrefix; }

Metadata public_part(const Metadata& m) {
  Metadata out;
  for (const auto& [k, v] : m)
    if (is_public(k)) out.emplace(k, v);
  return out;
}

std::vector<uint8_t> index_entry(const crypto::BlindIndex& blind, std::string_view table, std::string_view key,
                                 std::string_view value) {
  std::string pair;
  pair.reserve(key.size() + 1 + value.size());
  pair.append(key).push_back('\0');
  pair.append(value);
  return blind.compute("metadata." + std::string(table), pair);
}

void bind(WriteTx& tx, db::Statement& s, int clear_i, int sealed_i, const std::string& owner,
          const crypto::FieldRef& where, const Metadata& m) {
  s.bind(clear_i, sql::metadata_json(public_part(m)));
  Metadata personal = personal_part(m);
  if (personal.empty()) s.bind_null(sealed_i);
  else sql::bind_blob(s, sealed_i, tx.seal(owner, where, sql::metadata_json(personal)));
}

Metadata read(Tx& tx, db::Statement& s, int clear_i, int sealed_i, const std::string& owner,
              const crypto::FieldRef& where) {
  const std::string what = std::string(where.table) + ".metadata";
  Metadata m = sql::metadata_from(sql::col_str(s, clear_i), what);
  if (auto sealed = sql::open_opt(tx, s, sealed_i, owner, where))
    for (auto& [k, v] : sql::metadata_from(*sealed, what)) m.insert_or_assign(k, std::move(v));
  return m;
}

std::vector<uint8_t> index_entries(WriteTx& tx, std::string_view table, const Metadata& m) {
  std::vector<uint8_t> entries;
  for (const auto& [k, v] : m) {
    if (is_public(k)) continue;
    auto e = index_entry(tx.blind_index(), table, k, v);
    entries.insert(entries.end(), e.begin(), e.end());
  }
  return entries;
}

void reindex(WriteTx& tx, std::string_view table, std::string_view row, const Metadata& m) {
  // Merges never remove a key, so a row without personal pairs never had entries to clear.
  std::vector<uint8_t> entries = index_entries(tx, table, m);
  if (entries.empty()) return;
  db::Statement& u = tx.prepare("UPDATE " + std::string(table) + " SET metadata_index = ? WHERE id = ?");
  sql::bind_blob(u, 1, entries);
  sql::bind_str(u, 2, row);
  u.exec();
}

}  // namespace cx::store::sealed_metadata
