// The Powens webview ceremony (docs/providers/powens.md §6): link URLs and the redirect back.
#pragma once

#include "config.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace powens {

/// Parameters of a webview URL.
struct WebviewLink {
  std::string code;          ///< temporary code from /auth/token/code
  std::string state;         ///< the host's callbackState, returned untouched
  std::string redirect_uri;  ///< the host's redirect URL
  std::optional<std::string> connection_id;  ///< set for /reconnect
};

/// "{webviewURL}/connect?domain=…&client_id=…&code=…&state=…&max_connections=…&redirect_uri=…"
/// (or "/reconnect?…&connection_id=…"), every value percent-encoded (unlike the reference
/// implementation, which appends redirect_uri raw).
std::string webview_url(const Config& config, const WebviewLink& link);

/// complete_user_link's answer from the redirect's query values ({name: [values]} or
/// {name: value}): `connection_id` / `connection_ids` (repeated or comma-separated) ->
/// {"success": {"connections": [...]}} created at `created_at`; `error` ->
/// {"error": {"error": error_description, else error}}. Throws CX_ERR_INVALID_ARGUMENT when
/// the redirect carries neither.
boost::json::object complete_link(const boost::json::object& query_values, const std::string& created_at);

}  // namespace powens
