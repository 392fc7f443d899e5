#include "host/store/sql.hpp"

#include "host/store/errors.hpp"

namespace cx::store::sql {

void bind_str(db::Statement& s, int i, std::string_view v) { s.bind(i, v); }

void bind_opt(db::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v);
  else s.bind_null(i);
}

void bind_opt(db::Statement& s, int i, const std::optional<int64_t>& v) {
  if (v) s.bind(i, static_cast<int64_t>(*v));
  else s.bind_null(i);
}

void bind_blob(db::Statement& s, int i, const std::vector<uint8_t>& v) {
  s.bind_blob(i, v);
}

std::string col_str(db::Statement& s, int i) { return s.get_text(i); }

std::optional<std::string> col_opt_str(db::Statement& s, int i) { return s.get_opt_text(i); }

std::optional<int64_t> col_opt_int(db::Statement& s, int i) { return s.get_opt_int64(i); }

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

void bind_sealed(WriteTx& tx, db::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where,
                 const std::optional<std::string>& plaintext) {
  if (!plaintext) {
    s.bind_null(i);
    return;
  }
  bind_blob(s, i, tx.seal(owner, where, *plaintext));
}

std::optional<std::string> open_opt(Tx& tx, db::Statement& s, int i, const std::string& owner,
                                    const crypto::FieldRef& where) {
  if (s.is_null(i)) return std::nullopt;
  return tx.open(owner, where, s.get_blob(i));
}

std::string open_req(Tx& tx, db::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where) {
  auto v = open_opt(tx, s, i, owner, where);
  if (!v)
    throw DecryptError(std::string(where.table), std::string(where.column), std::string(where.row),
                       "the value is missing");
  return std::move(*v);
}

}  // namespace cx::store::sql
