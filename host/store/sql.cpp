#include "host/store/sql.hpp"

#include "host/store/errors.hpp"

namespace cx::store::sql {

void bind_str(SQLite::Statement& s, int i, std::string_view v) { s.bind(i, std::string(v)); }

void bind_opt(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i);
}

void bind_opt(SQLite::Statement& s, int i, const std::optional<int64_t>& v) {
  if (v) s.bind(i, static_cast<int64_t>(*v));
  else s.bind(i);
}

void bind_blob(SQLite::Statement& s, int i, const std::vector<uint8_t>& v) {
  s.bind(i, v.data(), static_cast<int>(v.size()));
}

std::string col_str(SQLite::Statement& s, int i) {
  auto c = s.getColumn(i);
  return std::string(c.getText(), static_cast<size_t>(c.getBytes()));
}

std::optional<std::string> col_opt_str(SQLite::Statement& s, int i) {
  auto c = s.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return std::string(c.getText(), static_cast<size_t>(c.getBytes()));
}

std::optional<int64_t> col_opt_int(SQLite::Statement& s, int i) {
  auto c = s.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

boost::json::object metadata_object(const Metadata& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::string metadata_json(const Metadata& m) { return boost::json::serialize(metadata_object(m)); }

Metadata metadata_from(std::string_view json, std::string_view what) {
  boost::json::value v = json_from(json, what);
  if (!v.is_object()) throw StoreError(std::string(what) + " is not a JSON object");
  Metadata m;
  for (const auto& [k, val] : v.get_object()) {
    if (!val.is_string()) throw StoreError(std::string(what) + " has a non-string value");
    m.emplace(std::string(k), std::string(val.get_string()));
  }
  return m;
}

std::string json_text(const boost::json::value& v) { return boost::json::serialize(v); }

boost::json::value json_from(std::string_view json, std::string_view what) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) throw StoreError("stored JSON of " + std::string(what) + " does not parse: " + ec.message());
  return v;
}

void bind_sealed(WriteTx& tx, SQLite::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where,
                 const std::optional<std::string>& plaintext) {
  if (!plaintext) {
    s.bind(i);
    return;
  }
  bind_blob(s, i, tx.seal(owner, where, *plaintext));
}

std::optional<std::string> open_opt(Tx& tx, SQLite::Statement& s, int i, const std::string& owner,
                                    const crypto::FieldRef& where) {
  auto c = s.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return tx.open(owner, where, c.getBlob(), static_cast<size_t>(c.getBytes()));
}

std::string open_req(Tx& tx, SQLite::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where) {
  auto v = open_opt(tx, s, i, owner, where);
  if (!v)
    throw DecryptError(std::string(where.table), std::string(where.column), std::string(where.row),
                       "the value is missing");
  return std::move(*v);
}

}  // namespace cx::store::sql
