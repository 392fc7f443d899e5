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

void bind(WriteTx& tx, SQLite::Statement& s, int clear_i, int sealed_i, const std::string& owner,
          const crypto::FieldRef& where, const Metadata& m) {
  s.bind(clear_i, sql::metadata_json(public_part(m)));
  Metadata personal = personal_part(m);
  if (personal.empty()) s.bind(sealed_i);
  else sql::bind_blob(s, sealed_i, tx.seal(owner, where, sql::metadata_json(personal)));
}

Metadata read(Tx& tx, SQLite::Statement& s, int clear_i, int sealed_i, const std::string& owner,
              const crypto::FieldRef& where) {
  const std::string what = std::string(where.table) + ".metadata";
  Metadata m = sql::metadata_from(sql::col_str(s, clear_i), what);
  if (auto sealed = sql::open_opt(tx, s, sealed_i, owner, where))
    for (auto& [k, v] : sql::metadata_from(*sealed, what)) m.insert_or_assign(k, std::move(v));
  return m;
}

void reindex(WriteTx& tx, std::string_view table, std::string_view row, const Metadata& m) {
  SQLite::Statement& del = tx.prepare("DELETE FROM metadata_index WHERE tbl = ? AND row_id = ?");
  sql::bind_str(del, 1, table);
  sql::bind_str(del, 2, row);
  del.exec();
  SQLite::Statement& ins =
      tx.prepare("INSERT OR IGNORE INTO metadata_index (tbl, row_id, entry) VALUES (?, ?, ?)");
  for (const auto& [k, v] : m) {
    if (is_public(k)) continue;
    ins.reset();
    sql::bind_str(ins, 1, table);
    sql::bind_str(ins, 2, row);
    sql::bind_blob(ins, 3, index_entry(tx.blind_index(), table, k, v));
    ins.exec();
  }
}

}  // namespace cx::store::sealed_metadata
