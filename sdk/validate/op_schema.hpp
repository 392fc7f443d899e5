// Op payloads checked against the SDK's JSON Schemas (sdk/schemas, draft 2020-12): the host checks
// every op output before storing anything; cx-inspect and cx-conformance check what they run.
// Validation is valijson's (Debian libvalijson-dev 1.0); schema_normalize.hpp says what is
// rewritten first so that version applies 2020-12 semantics. Unknown keys stay allowed: the
// schemas do not close their objects (additive evolution).
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx::schema {

/// One way a payload breaks its schema.
struct Violation {
  std::string pointer;  ///< RFC 6901 JSON pointer of the offending key in the payload ("" = the root)
  std::string message;  ///< what is wrong there, e.g. "expected boolean"
  /// "<pointer or (root)>: <message>".
  std::string text() const;
};

/// A compiled set of op schemas, immutable once built; check() is safe from several threads
/// at once (each thread keeps its own compiled-regex cache).
class OpSchemas {
 public:
  /// Compiles documents given as (file name, JSON text): common.json plus
  /// <op>.request.json / <op>.response.json (config.schema.json is kept too). Every schema is
  /// compiled once here. Throws std::runtime_error naming the file on a parse error, a $ref that
  /// does not resolve, or a 2020-12 keyword this validator cannot apply (never silently skipped).
  static std::shared_ptr<const OpSchemas> compile(const std::vector<std::pair<std::string, std::string>>& documents);
  /// compile() of every *.json in dir.
  static std::shared_ptr<const OpSchemas> load(const std::filesystem::path& dir);
  /// The sdk/schemas this library was built from (embedded), compiled on first use.
  static const OpSchemas& builtin();

  /// Checks payload against schema `name` ("fetch_accounts.response", "install.request", …).
  /// Returns the most specific violation, or nullopt when the payload is valid.
  /// Throws std::out_of_range when there is no such schema.
  std::optional<Violation> check(std::string_view name, const boost::json::value& payload) const;
  /// check() of "<op>.response".
  std::optional<Violation> check_output(std::string_view op, const boost::json::value& payload) const {
    return check(std::string(op) + ".response", payload);
  }
  bool has(std::string_view name) const { return compiled_.count(std::string(name)) > 0; }
  /// Names of the compiled schemas, sorted.
  std::vector<std::string> names() const;

  ~OpSchemas();
  OpSchemas(const OpSchemas&) = delete;
  OpSchemas& operator=(const OpSchemas&) = delete;

 private:
  OpSchemas();
  struct Compiled;
  std::map<std::string, std::unique_ptr<Compiled>> compiled_;
};

/// (file name, text) of every schema embedded at build time.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_schema_documents();

}  // namespace cx::schema
