#include "validate/schema_normalize.hpp"

#include <boost/json.hpp>

#include <array>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

namespace cx::schema {
namespace json = boost::json;

namespace {

constexpr std::string_view kCommonPrefix = "common.json#";

// 2020-12 keywords valijson 1.0 would ignore (or read with draft-7 meaning): refused.
constexpr std::array<std::string_view, 14> kUnsupported = {
    "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentSchemas", "dependentRequired",
    "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$anchor", "$id", "minContains",
    "maxContains", "contentSchema"};
// Keywords whose value is one subschema, a map of subschemas, or an array of subschemas.
constexpr std::array<std::string_view, 8> kOne = {"additionalProperties", "items", "contains", "not",
                                                  "propertyNames", "if", "then", "else"};
constexpr std::array<std::string_view, 3> kMap = {"properties", "patternProperties", "$defs"};
constexpr std::array<std::string_view, 3> kList = {"allOf", "anyOf", "oneOf"};

template <size_t N>
bool in(const std::array<std::string_view, N>& a, std::string_view k) {
  for (auto x : a)
    if (x == k) return true;
  return false;
}

std::string escape(std::string_view token) {  // RFC 6901 §3
  std::string s;
  for (char c : token) {
    if (c == '~') s += "~0";
    else if (c == '/') s += "~1";
    else s += c;
  }
  return s;
}

struct Walker {
  const std::string& name;                 // the document walked, for errors
  std::string rebase;                      // prefix for its own local references ("" at the root)
  const json::object& common_defs;         // common.json's $defs, merged into the root's $defs
  std::set<std::string>& needed;           // other op documents referenced, embedded under $defs

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw std::runtime_error("schema " + name + " at " + (where.empty() ? "(root)" : where) + ": " + what);
  }

  std::string ref(std::string_view r, const std::string& at) const {
    auto hash = r.find('#');
    std::string_view file = r.substr(0, hash), frag = hash == std::string_view::npos ? "" : r.substr(hash + 1);
    if (!frag.empty() && !frag.starts_with("/")) fail(at, "only JSON-pointer fragments are supported");
    if (file == "common.json") {
      if (!frag.starts_with("/$defs/")) fail(at, "common.json is referenced by its $defs only");
      return "#" + std::string(frag);
    }
    if (file.empty()) {
      if (rebase.empty()) return std::string(r);
      std::string def = std::string(frag.substr(0, frag.find('/', 7)));  // "/$defs/K"
      if (frag.starts_with("/$defs/") && common_defs.contains(def.substr(7))) return "#" + std::string(frag);
      return "#" + rebase + std::string(frag);
    }
    if (file.find('/') != std::string_view::npos || !file.ends_with(".json")) fail(at, "only sibling schema files can be referenced");
    needed.insert(std::string(file));
    return "#/$defs/" + escape(file) + std::string(frag);
  }

  json::value walk(const json::value& node, const std::string& where) const {
    if (node.is_bool()) return node;
    if (!node.is_object()) fail(where, "a schema must be an object or a boolean");
    json::object out;
    for (const auto& [k, v] : node.get_object()) {
      std::string at = where + "/" + escape(k);
      if (in(kUnsupported, k)) fail(at, "keyword not supported by the validator (valijson 1.0)");
      if (k == "format") continue;  // annotation only in 2020-12
      if (k == "items" && v.is_array()) fail(at, "array form of items is not 2020-12 (use prefixItems)");
      if (in(kOne, k)) {
        out[k] = walk(v, at);
      } else if (in(kMap, k)) {
        if (!v.is_object()) fail(at, "expected an object of schemas");
        json::object m;
        for (const auto& [pk, pv] : v.get_object()) m[pk] = walk(pv, at + "/" + escape(pk));
        out[k] = std::move(m);
      } else if (in(kList, k)) {
        if (!v.is_array()) fail(at, "expected an array of schemas");
        json::array a;
        for (size_t i = 0; i < v.get_array().size(); ++i) a.push_back(walk(v.get_array()[i], at + "/" + std::to_string(i)));
        out[k] = std::move(a);
      } else if (k == "$ref") {
        if (!v.is_string()) fail(at, "$ref must be a string");
        out[k] = ref(v.get_string(), at);
      } else {
        out[k] = v;
      }
    }
    // std::regex (valijson's engine) recurses once per character: bound what reaches it.
    if (auto* p = out.if_contains("pattern")) {
      json::object guarded{{"if", json::object{{"maxLength", kMaxPatternInput}}},
                           {"then", json::object{{"pattern", *p}}},
                           {"else", json::object{{"maxLength", kMaxPatternInput}}}};
      out.erase("pattern");
      json::array all;
      if (auto* existing = out.if_contains("allOf")) all = existing->get_array();
      all.push_back(std::move(guarded));
      out["allOf"] = std::move(all);
    }
    // $ref with siblings: valijson would drop the siblings; 2020-12 applies both.
    if (auto* r = out.if_contains("$ref"); r && out.size() > 1) {
      json::object refonly{{"$ref", *r}};
      out.erase("$ref");
      json::array all;
      if (auto* existing = out.if_contains("allOf")) all = existing->get_array();
      all.push_back(std::move(refonly));
      out["allOf"] = std::move(all);
    }
    return out;
  }
};

}  // namespace

json::value normalize(const std::map<std::string, json::value>& documents, const std::string& name) {
  static const json::object kNone;
  auto common_it = documents.find("common.json");
  const json::object* common_defs = &kNone;
  if (common_it != documents.end() && common_it->second.is_object())
    if (auto* d = common_it->second.get_object().if_contains("$defs"); d && d->is_object()) common_defs = &d->get_object();
  auto doc_of = [&](const std::string& file) -> const json::value& {
    auto it = documents.find(file);
    if (it == documents.end()) throw std::runtime_error("schema " + name + ": references missing " + file);
    return it->second;
  };

  std::set<std::string> needed;
  json::value root = Walker{name, "", *common_defs, needed}.walk(doc_of(name), "");
  if (!root.is_object()) return root;
  json::object defs;
  if (auto* own = root.get_object().if_contains("$defs")) defs = own->as_object();
  std::set<std::string> common_needed;  // common.json's own references stay local to its $defs
  for (const auto& [k, v] : *common_defs) {
    if (defs.contains(k)) throw std::runtime_error("schema " + name + ": $defs/" + std::string(k) + " is also defined in common.json");
    defs[k] = Walker{"common.json", "", *common_defs, common_needed}.walk(v, "/$defs/" + escape(k));
  }
  if (!common_needed.empty()) throw std::runtime_error("schema common.json: references another file");
  std::set<std::string> embedded;
  while (true) {  // other documents referenced, transitively; each embedded once
    std::string file;
    for (const auto& n : needed)
      if (!embedded.count(n)) { file = n; break; }
    if (file.empty()) break;
    embedded.insert(file);
    if (file == name) continue;  // a self-reference by file name resolves through the root
    if (defs.contains(file)) throw std::runtime_error("schema " + name + ": $defs/" + file + " clashes with an embedded file");
    defs[file] = Walker{file, "/$defs/" + escape(file), *common_defs, needed}.walk(doc_of(file), "");
  }
  root.get_object()["$defs"] = std::move(defs);
  return root;
}

}  // namespace cx::schema
