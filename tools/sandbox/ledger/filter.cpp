#include "tools/sandbox/ledger/filter.hpp"

namespace cx::sandbox::ledger {

namespace json = boost::json;

struct Filter::Node {
  enum class Kind { And, Or, Not, Address, AddressIn, MetadataEquals, MetadataExists } kind;
  std::vector<std::shared_ptr<const Node>> children;
  std::vector<std::string> values;  // patterns, addresses, or {key, value} / {key}
};

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t colon = s.find(':', start);
    out.push_back(s.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) return out;
    start = colon + 1;
  }
}

using NodePtr = std::shared_ptr<const Filter::Node>;
using Parsed = std::variant<NodePtr, std::string>;

std::string unknown_key(const std::string& key) { return "unknown key '" + key + "' when building query"; }

// "metadata[kind]" -> "kind"
std::optional<std::string> metadata_key(const std::string& field) {
  if (field.size() > 10 && field.rfind("metadata[", 0) == 0 && field.back() == ']') return field.substr(9, field.size() - 10);
  return std::nullopt;
}

Parsed parse_node(const json::value& v, int depth);

Parsed parse_list(Filter::Node::Kind kind, const std::string& op, const json::value& arg, int depth) {
  if (!arg.is_array()) return "value of '" + op + "' must be an array";
  auto node = std::make_shared<Filter::Node>();
  node->kind = kind;
  for (auto& item : arg.get_array()) {
    auto child = parse_node(item, depth + 1);
    if (auto* err = std::get_if<std::string>(&child)) return *err;
    node->children.push_back(std::get<NodePtr>(child));
  }
  return NodePtr(node);
}

Parsed parse_field(const std::string& op, const json::value& arg) {
  if (!arg.is_object() || arg.get_object().size() != 1) return "value of '" + op + "' must be an object with one field";
  auto& [k, value] = *arg.get_object().begin();
  std::string field(k);
  auto node = std::make_shared<Filter::Node>();
  if (field == "address") {
    if (op == "$match" || op == "$like") {
      if (!value.is_string()) return "value of 'address' must be a string";
      node->kind = Filter::Node::Kind::Address;
      node->values.emplace_back(value.get_string());
      return NodePtr(node);
    }
    if (op == "$in") {
      if (!value.is_array()) return "value of '$in' on 'address' must be an array of strings";
      node->kind = Filter::Node::Kind::AddressIn;
      for (auto& a : value.get_array()) {
        if (!a.is_string()) return "value of '$in' on 'address' must be an array of strings";
        node->values.emplace_back(a.get_string());
      }
      return NodePtr(node);
    }
    return "operator '" + op + "' is not supported on 'address'";
  }
  if (field == "metadata") {
    if (op != "$exists") return "operator '" + op + "' is not supported on 'metadata'";
    if (!value.is_string()) return "value of '$exists' on 'metadata' must be a string";
    node->kind = Filter::Node::Kind::MetadataExists;
    node->values.emplace_back(value.get_string());
    return NodePtr(node);
  }
  if (auto key = metadata_key(field)) {
    if (op != "$match") return "operator '" + op + "' is not supported on '" + field + "'";
    if (!value.is_string()) return "value of '" + field + "' must be a string";
    node->kind = Filter::Node::Kind::MetadataEquals;
    node->values = {*key, std::string(value.get_string())};
    return NodePtr(node);
  }
  return unknown_key(field);
}

Parsed parse_node(const json::value& v, int depth) {
  if (depth > 32) return "query nested too deeply";
  if (!v.is_object() || v.get_object().size() != 1) return "a query must be an object with exactly one operator";
  auto& [k, arg] = *v.get_object().begin();
  std::string op(k);
  if (op == "$and") return parse_list(Filter::Node::Kind::And, op, arg, depth);
  if (op == "$or") return parse_list(Filter::Node::Kind::Or, op, arg, depth);
  if (op == "$not") {
    auto child = parse_node(arg, depth + 1);
    if (auto* err = std::get_if<std::string>(&child)) return *err;
    auto node = std::make_shared<Filter::Node>();
    node->kind = Filter::Node::Kind::Not;
    node->children.push_back(std::get<NodePtr>(child));
    return NodePtr(node);
  }
  if (op == "$match" || op == "$like" || op == "$in" || op == "$exists") return parse_field(op, arg);
  return unknown_key(op);
}

bool eval(const Filter::Node& n, const AccountView& a) {
  switch (n.kind) {
    case Filter::Node::Kind::And:
      for (auto& c : n.children)
        if (!eval(*c, a)) return false;
      return true;
    case Filter::Node::Kind::Or:
      for (auto& c : n.children)
        if (eval(*c, a)) return true;
      return false;
    case Filter::Node::Kind::Not: return !eval(*n.children.front(), a);
    case Filter::Node::Kind::Address: return address_matches(n.values.front(), a.address);
    case Filter::Node::Kind::AddressIn:
      for (auto& v : n.values)
        if (v == a.address) return true;
      return false;
    case Filter::Node::Kind::MetadataEquals: {
      auto it = a.metadata.find(n.values[0]);
      return it != a.metadata.end() && it->second == n.values[1];
    }
    case Filter::Node::Kind::MetadataExists: return a.metadata.count(n.values.front()) > 0;
  }
  return false;
}

}  // namespace

bool address_matches(const std::string& pattern, const std::string& address) {
  auto want = split(pattern);
  bool partial = false;
  for (auto& s : want) partial = partial || s.empty();
  bool open_tail = want.size() > 1 && want.back() == "...";
  if (!partial && !open_tail) return pattern == address;
  auto have = split(address);
  if (open_tail ? have.size() < want.size() : have.size() != want.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (open_tail && i == want.size() - 1) break;
    if (!want[i].empty() && want[i] != have[i]) return false;
  }
  return true;
}

std::variant<Filter, std::string> Filter::parse(const json::value& query) {
  Filter f;
  if (query.is_null() || (query.is_object() && query.get_object().empty())) return f;
  auto node = parse_node(query, 0);
  if (auto* err = std::get_if<std::string>(&node)) return *err;
  f.node_ = std::get<NodePtr>(node);
  return f;
}

bool Filter::matches(const AccountView& account) const { return !node_ || eval(*node_, account); }

}  // namespace cx::sandbox::ledger
