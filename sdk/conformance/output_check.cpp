#include "output_check.hpp"

#include <validate/op_schema.hpp>

namespace cx::conformance {

// The polling envelope first (OPS.md "Polling": items array, newState, hasMore), so a broken
// envelope is named plainly; then the op's response schema, as the daemon checks it.
std::optional<std::string> output_problem(const std::string& op, const boost::json::value& out) {
  if (!out.is_object()) return "output is not a JSON object";
  const auto& o = out.get_object();
  const char* key = op == "fetch_accounts"            ? "accounts"
                    : op == "fetch_balances"          ? "balances"
                    : op == "fetch_external_accounts" ? "externalAccounts"
                    : op == "fetch_payments"          ? "payments"
                                                      : nullptr;
  if (key) {
    auto* items = o.if_contains(key);
    if (!items || !items->is_array()) return std::string("\"") + key + "\" must be an array";
    if (!o.contains("newState")) return std::string("\"newState\" is missing");
    auto* more = o.if_contains("hasMore");
    if (!more || !more->is_bool()) return std::string("\"hasMore\" must be a boolean");
  }
  const auto& schemas = cx::schema::OpSchemas::builtin();
  if (!schemas.has(op + ".response")) return std::nullopt;
  if (auto v = schemas.check_output(op, out)) return op + ".response.json: " + v->text();
  return std::nullopt;
}

std::optional<std::string> config_schema_problem(const boost::json::value& schema) {
  const auto& schemas = cx::schema::OpSchemas::builtin();
  if (!schemas.has("config.schema")) return std::nullopt;
  if (auto v = schemas.check("config.schema", schema)) return "config.schema.json: " + v->text();
  return std::nullopt;
}

}  // namespace cx::conformance
