// plaid/translate.hpp — Plaid webhook bodies to translate_webhook responses (sdk/OPS.md
// "Webhooks"; docs/providers/plaid.md §4, with PENDING_DISCONNECT at disconnect_time and
// LOGIN_REPAIRED as reconnected).
//
// One response kind beyond OPS.md: LINK/SESSION_FINISHED returns, before userLinkSessionFinished,
//   {"userLinkConnections": {"attemptID": str, "connections": [Connection…]}}
// with one Connection per public token exchanged (connectionID = item_id, accessToken =
// access_token), because Hosted Link delivers the tokens by webhook, not by the redirect.
#pragma once

#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <functional>
#include <string>

namespace cx::plaid {

/// What translation needs from the outside world.
struct TranslateDeps {
  /// Exchanges one public token for a connection (item_id, access_token). Throws on failure.
  std::function<cx::Connection(const std::string& public_token)> exchange;
  /// RFC 3339 UTC "now", for events without their own time.
  std::string now;
  /// Logs why a webhook was ignored.
  std::function<void(const std::string&)> log;
};

/// Translates one verified webhook body. `attempt_id` is the attemptID query value (needed only
/// by LINK/SESSION_FINISHED). Returns the `responses` array, in the order the host applies them.
/// Throws CX_ERR_INVALID_ARGUMENT for an unreadable body, a missing attemptID or item_id where
/// one is needed, or an unknown webhook_type.
boost::json::array translate_webhook_body(std::string_view body, const std::string& attempt_id, const TranslateDeps& deps);

}  // namespace cx::plaid
