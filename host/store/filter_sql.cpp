#include "host/store/filter_sql.hpp"

#include "host/store/amount_key.hpp"
#include "host/store/sealed_metadata.hpp"

#include <algorithm>
#include <cctype>

namespace cx::store {
namespace {

constexpr int kMaxDepth = 32;
constexpr size_t kMaxInValues = 1000;

const char* op_name(Filter::Kind k) {
  switch (k) {
    case Filter::Kind::Match: return "$match";
    case Filter::Kind::Lt: return "$lt";
    case Filter::Kind::Lte: return "$lte";
    case Filter::Kind::Gt: return "$gt";
    case Filter::Kind::Gte: return "$gte";
    case Filter::Kind::In: return "$in";
    case Filter::Kind::Exists: return "$exists";
    case Filter::Kind::Like: return "$like";
    case Filter::Kind::And: return "$and";
    case Filter::Kind::Or: return "$or";
    case Filter::Kind::Not: return "$not";
  }
  return "?";
}

const char* sql_op(Filter::Kind k) {
  switch (k) {
    case Filter::Kind::Lt: return " < ?";
    case Filter::Kind::Lte: return " <= ?";
    case Filter::Kind::Gt: return " > ?";
    case Filter::Kind::Gte: return " >= ?";
    default: return " = ?";
  }
}

class Compiler {
 public:
  Compiler(const FilterSpec& spec, const crypto::BlindIndex* blind, db::Backend backend)
      : spec_(spec), blind_(blind), pg_(backend == db::Backend::postgres) {}

  std::string node(const Filter& f, int depth) {
    if (depth > kMaxDepth) throw QueryError("filter is nested more than 32 levels deep");
    switch (f.kind) {
      case Filter::Kind::And:
      case Filter::Kind::Or: {
        if (f.children.empty()) return f.kind == Filter::Kind::And ? truth() : falsity();
        std::string out = "(";
        for (size_t i = 0; i < f.children.size(); ++i) {
          if (i) out += f.kind == Filter::Kind::And ? " AND " : " OR ";
          out += node(f.children[i], depth + 1);
        }
        return out + ")";
      }
      case Filter::Kind::Not:
        if (f.children.size() != 1) throw QueryError("$not takes exactly one expression");
        return "(NOT " + node(f.children[0], depth + 1) + ")";
      default:
        return leaf(f);
    }
  }

  std::vector<SqlParam> params;

 private:
  // SQLite has no boolean type (conditions are integers); PostgreSQL wants booleans.
  const char* truth() const { return pg_ ? "TRUE" : "1"; }
  const char* falsity() const { return pg_ ? "FALSE" : "0"; }

  std::string leaf(const Filter& f) {
    if (f.key.rfind("metadata[", 0) == 0 && f.key.size() > 10 && f.key.back() == ']') return metadata(f);
    auto it = std::find_if(spec_.keys.begin(), spec_.keys.end(), [&](const FilterKey& k) { return k.name == f.key; });
    if (it == spec_.keys.end())
      throw QueryError("unknown filter key '" + f.key + "' for " + spec_.resource);
    const FilterKey& key = *it;
    if (!(key.ops & ops::bit(f.kind)))
      throw QueryError("operator " + std::string(op_name(f.kind)) + " is not allowed for key '" + f.key + "'");
    if (f.kind == Filter::Kind::Exists) {
      if (!f.value.is_bool()) throw QueryError("$exists on '" + f.key + "' takes true or false");
      return "(" + key.column + (f.value.get_bool() ? " IS NOT NULL)" : " IS NULL)");
    }
    if (f.kind == Filter::Kind::In) {
      if (!f.value.is_array()) throw QueryError("$in on '" + f.key + "' takes an array");
      const auto& arr = f.value.get_array();
      if (arr.empty()) return falsity();
      if (arr.size() > kMaxInValues) throw QueryError("$in on '" + f.key + "' takes at most 1000 values");
      std::string out = "(" + key.column + " IN (";
      for (size_t i = 0; i < arr.size(); ++i) {
        out += i ? ", ?" : "?";
        params.push_back(value(key, arr[i]));
      }
      return out + "))";
    }
    params.push_back(value(key, f.value));
    return "(" + key.column + sql_op(f.kind) + ")";
  }

  std::string metadata(const Filter& f) {
    if (spec_.metadata_column.empty())
      throw QueryError("unknown filter key '" + f.key + "' for " + spec_.resource + " (no metadata filters)");
    if (f.kind != Filter::Kind::Match)
      throw QueryError("operator " + std::string(op_name(f.kind)) + " is not allowed for key '" + f.key +
                       "' (metadata accepts $match only)");
    std::string name = f.key.substr(9, f.key.size() - 10);
    std::string val;
    if (f.value.is_string()) val = std::string(f.value.get_string());
    else if (f.value.is_int64() || f.value.is_uint64() || f.value.is_bool()) val = boost::json::serialize(f.value);
    else throw QueryError("value of '" + f.key + "' must be a string");
    if (!spec_.metadata_table.empty() && !sealed_metadata::is_public(name)) {
      if (!blind_) throw QueryError("key '" + f.key + "' cannot be filtered here");
      params.emplace_back(sealed_metadata::index_entry(*blind_, spec_.metadata_table, name, val));
      const std::string& t = spec_.metadata_table;
      // Entries are 16 random-looking bytes: a match across two of them is a 2^-128 event.
      if (pg_) return "(position(? IN " + t + ".metadata_index) > 0)";
      return "(instr(" + t + ".metadata_index, ?) > 0)";
    }
    // json_each gives an exact key match for any key text; the key is a bound value, not a path.
    params.emplace_back(std::move(name));
    params.emplace_back(std::move(val));
    if (pg_)  // the column is JSON text; `#>> '{}'` is a string value without its quotes
      return "(EXISTS (SELECT 1 FROM jsonb_each(" + spec_.metadata_column +
             "::jsonb) AS m WHERE m.key = ? AND jsonb_typeof(m.value) = 'string' AND m.value #>> '{}' = ?))";
    return "(EXISTS (SELECT 1 FROM json_each(" + spec_.metadata_column +
           ") AS m WHERE m.key = ? AND m.type = 'text' AND m.value = ?))";
  }

  SqlParam value(const FilterKey& key, const boost::json::value& v) {
    switch (key.value) {
      case FilterValue::Text:
        if (!v.is_string()) throw QueryError("value of '" + key.name + "' must be a string");
        return std::string(v.get_string());
      case FilterValue::LowerText: {
        if (!v.is_string()) throw QueryError("value of '" + key.name + "' must be a string");
        std::string s(v.get_string());
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        return s;
      }
      case FilterValue::Amount: {
        std::string text;
        if (v.is_int64()) text = std::to_string(v.get_int64());
        else if (v.is_uint64()) text = std::to_string(v.get_uint64());
        else if (v.is_string()) text = std::string(v.get_string());
        else throw QueryError("value of '" + key.name + "' must be an integer");
        auto n = normalize_amount(text);
        if (!n) throw QueryError("value of '" + key.name + "' must be an integer");
        return amount_sort_key(*n);
      }
      case FilterValue::BlindIndex:
        if (!v.is_string()) throw QueryError("value of '" + key.name + "' must be a string");
        if (!blind_) throw QueryError("key '" + key.name + "' cannot be filtered here");
        return blind_->compute(key.blind_domain, v.get_string());
    }
    throw QueryError("value of '" + key.name + "' has an unsupported type");
  }

  const FilterSpec& spec_;
  const crypto::BlindIndex* blind_;
  bool pg_;
};

}  // namespace

CompiledFilter compile_filter(const Filter& filter, const FilterSpec& spec, const crypto::BlindIndex* blind,
                              db::Backend backend) {
  Compiler c(spec, blind, backend);
  CompiledFilter out;
  out.sql = c.node(filter, 0);
  out.params = std::move(c.params);
  return out;
}

int bind_params(db::Statement& s, const std::vector<SqlParam>& params, int first) {
  int i = first;
  for (const auto& p : params) {
    if (auto* str = std::get_if<std::string>(&p)) s.bind(i, *str);
    else if (auto* n = std::get_if<int64_t>(&p)) s.bind(i, *n);
    else {
      auto& b = std::get<std::vector<uint8_t>>(p);
      s.bind_blob(i, b);
    }
    ++i;
  }
  return i;
}

}  // namespace cx::store
