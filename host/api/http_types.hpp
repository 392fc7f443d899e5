// Transport-neutral request and response: what handlers see, what the HTTP adapter produces
// from Boost.Beast's parse (host/api/http_request.cpp), and what tests build directly.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx::api {

/// Maximum accepted body of a route (GET bodies included) unless it declares its own: 1 MiB.
/// Larger → 413.
inline constexpr size_t kMaxBodyBytes = 1024 * 1024;
/// Maximum body of the public provider webhook routes (/connectors/webhooks/…): 16 MiB. A
/// provider decides how much one delivery carries (a Powens CONNECTION_SYNCED holds every changed
/// transaction of a connection, ~300 bytes each), so 1 MiB would refuse real syncs of a few
/// thousand rows; 16 MiB bounds what one unauthenticated request can make the daemon buffer.
/// Also the transport's read limit, since no route accepts more.
inline constexpr size_t kMaxWebhookBodyBytes = 16 * 1024 * 1024;

struct ApiRequest {
  std::string method;  ///< "GET", "POST", …
  std::string path;    ///< raw path as received, still percent-encoded, no query string
  std::multimap<std::string, std::string> query;                ///< decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;     ///< as received
  std::string body;
  std::string remote_addr;

  /// First header with that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  /// First query parameter with that name.
  std::optional<std::string_view> param(std::string_view name) const;
};

struct ApiResponse {
  int status = 200;
  std::string body;  ///< empty for 204/304
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (ETag, Location…)
};

/// A JSON response with that status and body.
ApiResponse json_response(int status, std::string body);
/// 204 No Content.
ApiResponse no_content();

}  // namespace cx::api
