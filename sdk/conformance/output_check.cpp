#include "output_check.hpp"

namespace cx::conformance {

// Structural check of the polling envelope (OPS.md "Polling"): the items array, newState, hasMore.
std::optional<std::string> output_problem(const std::string& op, const boost::json::value& out) {
  if (!out.is_object()) return "output is not a JSON object";
  const auto& o = out.get_object();
  const char* key = op == "fetch_accounts"            ? "accounts"
                    : op == "fetch_balances"          ? "balances"
                    : op == "fetch_external_accounts" ? "externalAccounts"
                    : op == "fetch_payments"          ? "payments"
                                                      : nullptr;
  if (!key) return std::nullopt;
  auto* items = o.if_contains(key);
  if (!items || !items->is_array()) return std::string("\"") + key + "\" must be an array";
  for (auto& i : items->get_array())
    if (!i.is_object()) return std::string("every item of \"") + key + "\" must be an object";
  if (!o.contains("newState")) return std::string("\"newState\" is missing");
  auto* more = o.if_contains("hasMore");
  if (!more || !more->is_bool()) return std::string("\"hasMore\" must be a boolean");
  return std::nullopt;
}

}  // namespace cx::conformance
