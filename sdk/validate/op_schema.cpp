#include "validate/op_schema.hpp"

#include "validate/schema_normalize.hpp"

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cx::schema {
namespace json = boost::json;

struct OpSchemas::Compiled {
  json::value document;  // normalized; kept for the life of the schema
  valijson::Schema schema;
};

OpSchemas::OpSchemas() = default;
OpSchemas::~OpSchemas() = default;

std::string Violation::text() const { return (pointer.empty() ? std::string("(root)") : pointer) + ": " + message; }

namespace {

json::value parse_document(const std::string& name, const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) throw std::runtime_error("schema " + name + ": invalid JSON (" + ec.message() + ")");
  return v;
}

std::string stem(const std::string& file) { return file.ends_with(".json") ? file.substr(0, file.size() - 5) : file; }

std::string escape(std::string_view token) {  // RFC 6901 §3
  std::string s;
  for (char c : token) {
    if (c == '~') s += "~0";
    else if (c == '/') s += "~1";
    else s += c;
  }
  return s;
}

/// valijson's context ("<root>", "[accounts]", "[0]", …) as an RFC 6901 pointer.
std::string pointer_of(const std::vector<std::string>& context) {
  std::string p;
  for (const auto& c : context) {
    if (c.size() < 2 || c.front() != '[' || c.back() != ']') continue;
    p += '/' + escape(std::string_view(c).substr(1, c.size() - 2));
  }
  return p;
}

/// The most specific of valijson's errors (deepest pointer; the first one among equals). An
/// error about a named key of the object at hand ("Missing required property 'accounts'",
/// "… associated with property name 'headers'") is reported at that key's pointer.
Violation most_specific(const valijson::ValidationResults& results) {
  Violation best;
  size_t best_depth = 0;
  bool found = false;
  for (const auto& e : results) {
    Violation v{pointer_of(e.context), e.description};
    size_t depth = e.context.size();
    for (std::string_view lead : {"Missing required property '", "associated with property name '"}) {
      auto at = v.message.find(lead);
      if (at == std::string::npos) continue;
      auto from = at + lead.size(), end = v.message.find('\'', from);
      if (end == std::string::npos) break;
      v.pointer += "/" + escape(v.message.substr(from, end - from));
      if (lead.starts_with("Missing")) v.message = "required key is missing";
      ++depth;
      break;
    }
    if (!found || depth > best_depth) best = std::move(v), best_depth = depth, found = true;
  }
  if (!found) best.message = "does not match its schema";
  return best;
}

}  // namespace

std::shared_ptr<const OpSchemas> OpSchemas::compile(const std::vector<std::pair<std::string, std::string>>& documents) {
  std::map<std::string, json::value> docs;
  for (const auto& [file, text] : documents) docs[file] = parse_document(file, text);
  std::shared_ptr<OpSchemas> set(new OpSchemas());
  for (const auto& [file, doc] : docs) {
    if (file == "common.json") continue;
    auto c = std::make_unique<Compiled>();
    c->document = normalize(docs, file);
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::BoostJsonAdapter adapter(c->document);
      parser.populateSchema(adapter, c->schema);
    } catch (const std::exception& e) {
      throw std::runtime_error("schema " + file + ": " + e.what());
    }
    set->compiled_[stem(file)] = std::move(c);
  }
  return set;
}

std::shared_ptr<const OpSchemas> OpSchemas::load(const std::filesystem::path& dir) {
  std::vector<std::pair<std::string, std::string>> documents;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream f(entry.path());
    std::stringstream text;
    text << f.rdbuf();
    if (!f) throw std::runtime_error("schema " + entry.path().string() + ": cannot read");
    documents.emplace_back(entry.path().filename().string(), text.str());
  }
  if (documents.empty()) throw std::runtime_error("no *.json schema in " + dir.string());
  return compile(documents);
}

const OpSchemas& OpSchemas::builtin() {
  static const std::shared_ptr<const OpSchemas> kSet = [] {
    std::vector<std::pair<std::string, std::string>> documents;
    for (auto [name, text] : embedded_schema_documents()) documents.emplace_back(name, text);
    return compile(documents);
  }();
  return *kSet;
}

std::optional<Violation> OpSchemas::check(std::string_view name, const json::value& payload) const {
  auto it = compiled_.find(std::string(name));
  if (it == compiled_.end()) throw std::out_of_range("no schema named " + std::string(name));
  // The validator caches compiled `pattern` regexes and is not thread-safe: one per thread.
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::adapters::BoostJsonAdapter target(payload);
  try {
    if (validator.validate(it->second->schema, target, nullptr)) return std::nullopt;  // stops at the first failure
    valijson::ValidationResults results;
    validator.validate(it->second->schema, target, &results);
    return most_specific(results);
  } catch (const std::exception& e) {  // valijson reports some payload faults by throwing
    return Violation{"", std::string("cannot be validated: ") + e.what()};
  }
}

std::vector<std::string> OpSchemas::names() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : compiled_) out.push_back(k);
  return out;
}

}  // namespace cx::schema
