#include "host/api/query_parser.hpp"

#include <boost/json.hpp>

#include <array>
#include <string>
#include <utility>

namespace cx::api {
namespace json = boost::json;
using store::Filter;
namespace {

constexpr std::array<std::pair<std::string_view, Filter::Kind>, 11> kOperators{{
    {"$match", Filter::Kind::Match},
    {"$lt", Filter::Kind::Lt},
    {"$lte", Filter::Kind::Lte},
    {"$gt", Filter::Kind::Gt},
    {"$gte", Filter::Kind::Gte},
    {"$in", Filter::Kind::In},
    {"$exists", Filter::Kind::Exists},
    {"$like", Filter::Kind::Like},
    {"$and", Filter::Kind::And},
    {"$or", Filter::Kind::Or},
    {"$not", Filter::Kind::Not},
}};

[[noreturn]] void fail(const std::string& msg) { throw QuerySyntaxError(msg); }

// What one filter has used of its limits so far (query_parser.hpp).
struct Budget {
  size_t terms = 0;
  size_t values = 0;
  void add_term() {
    if (++terms > kMaxFilterTerms)
      fail("filter has more than " + std::to_string(kMaxFilterTerms) + " terms (the limit)");
  }
  void add_values(size_t n) {
    values += n;
    if (values > kMaxFilterValues)
      fail("filter has more than " + std::to_string(kMaxFilterValues) + " values (the limit)");
  }
};

const json::key_value_pair& single_member(const json::object& o, std::string_view where) {
  if (o.size() != 1)
    fail(std::string(where) + ": expected an object with exactly one key, found " + std::to_string(o.size()));
  return *o.begin();
}

void check_scalar(const json::value& v, std::string_view op, std::string_view key) {
  auto where = [&] { return std::string(op) + " on \"" + std::string(key) + "\""; };
  switch (v.kind()) {
    case json::kind::string:
    case json::kind::bool_:
    case json::kind::int64:
      return;
    case json::kind::uint64:
      fail(where() + ": integer out of range");
    case json::kind::double_:
      fail(where() + ": numbers must be integers");
    default:
      fail(where() + ": value must be a string, an integer or a boolean");
  }
}

Filter parse_expr(const json::value& v, int depth, Budget& budget);

Filter parse_leaf(Filter::Kind kind, std::string_view op, const json::value& arg, Budget& budget) {
  budget.add_term();
  if (!arg.is_object()) fail(std::string(op) + ": expected an object {\"<key>\": value}");
  const auto& kv = single_member(arg.get_object(), op);
  std::string_view key = kv.key();
  if (key.empty()) fail(std::string(op) + ": empty key");
  const json::value& value = kv.value();
  if (kind == Filter::Kind::In) {
    if (!value.is_array()) fail("$in on \"" + std::string(key) + "\": value must be an array");
    budget.add_values(value.get_array().size());
    for (const auto& e : value.get_array()) check_scalar(e, op, key);
  } else if (kind == Filter::Kind::Exists) {
    if (!value.is_bool()) fail("$exists on \"" + std::string(key) + "\": value must be a boolean");
  } else if (kind == Filter::Kind::Like) {
    if (!value.is_string()) fail("$like on \"" + std::string(key) + "\": value must be a string");
  } else {
    check_scalar(value, op, key);
  }
  if (kind != Filter::Kind::In) budget.add_values(1);
  Filter f;
  f.kind = kind;
  f.key = std::string(key);
  f.value = value;
  return f;
}

Filter parse_expr(const json::value& v, int depth, Budget& budget) {
  if (depth > kMaxFilterDepth)
    fail("filter is nested more than " + std::to_string(kMaxFilterDepth) + " levels deep (the limit)");
  if (!v.is_object()) fail("expected an object, found " + std::string(json::to_string(v.kind())));
  const auto& member = single_member(v.get_object(), "filter");
  std::string_view op = member.key();
  const json::value& arg = member.value();
  for (const auto& [name, kind] : kOperators) {
    if (name != op) continue;
    if (kind == Filter::Kind::And || kind == Filter::Kind::Or) {
      if (!arg.is_array()) fail(std::string(op) + ": expected an array of filters");
      Filter f;
      f.kind = kind;
      const auto& items = arg.get_array();
      f.children.reserve(items.size());
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_object()) fail(std::string(op) + ": item " + std::to_string(i) + " is not an object");
        f.children.push_back(parse_expr(items[i], depth + 1, budget));
      }
      return f;
    }
    if (kind == Filter::Kind::Not) {
      Filter f;
      f.kind = kind;
      f.children.push_back(parse_expr(arg, depth + 1, budget));
      return f;
    }
    return parse_leaf(kind, op, arg, budget);
  }
  fail("unknown operator \"" + std::string(op) + "\"");
}

}  // namespace

std::string_view operator_name(Filter::Kind kind) {
  for (const auto& [name, k] : kOperators)
    if (k == kind) return name;
  return "$and";
}

std::optional<Filter> parse_query(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_object() && v.get_object().empty()) return std::nullopt;
  Budget budget;
  return parse_expr(v, 0, budget);
}

std::optional<Filter> parse_query(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) fail("filter is not valid JSON: " + ec.message());
  if (!v.is_object() && !v.is_null()) fail("filter must be a JSON object");
  return parse_query(v);
}

json::value filter_to_json(const Filter& f) {
  json::object out;
  switch (f.kind) {
    case Filter::Kind::And:
    case Filter::Kind::Or: {
      json::array items;
      for (const auto& c : f.children) items.push_back(filter_to_json(c));
      out[operator_name(f.kind)] = std::move(items);
      break;
    }
    case Filter::Kind::Not:
      out["$not"] = f.children.empty() ? json::value(json::object{}) : filter_to_json(f.children.front());
      break;
    default:
      out[operator_name(f.kind)] = json::object{{f.key, f.value}};
  }
  return out;
}

}  // namespace cx::api
