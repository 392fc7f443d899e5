// HTTP client of a generic-connector service: bearer auth, query encoding, and the mapping of
// the service's HTTP statuses to CX_ERR_* classes.
// Sources: docs/providers/generic.md §1 (auth), §3 (error body); docs/providers/model.md §3 (retryable statuses);
// sdk/OPS.md "Errors and retries".
#pragma once

#include "config.hpp"

#include <connectivity/connector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx::generic {

/// Query parameters in the order they are sent.
using Query = std::vector<std::pair<std::string, std::string>>;

/// Talks to one service through the host's HTTP service (the plugin opens no socket).
class Client {
 public:
  Client(Host host, Config config) : host_(std::move(host)), config_(std::move(config)) {}

  /// GET {endpoint}{path}?{query} with `Authorization: Bearer <apiKey>`; returns the parsed JSON
  /// body of a 2xx response. Throws cx::Failure classified by classify() for any other status,
  /// CX_ERR_UPSTREAM when a 2xx body is not JSON, and the host's code when no response arrived
  /// (CX_ERR_TIMEOUT, CX_ERR_UPSTREAM, CX_ERR_AUTH for an egress refusal).
  boost::json::value get(std::string_view path, const Query& query, const Call& call) const;

  const Config& config() const { return config_; }

 private:
  Host host_;
  Config config_;
};

/// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

/// "Title: Detail" from the service's error body {Title, Detail} (title/detail accepted too,
/// docs/providers/generic.md §3); falls back to the raw text (trimmed, at most 300 bytes) when the body
/// is not such an object.
std::string error_text(std::string_view body);

/// Delay announced by a Retry-After header value, in milliseconds: delta-seconds ("7") or an
/// HTTP-date (RFC 9110 §10.2.3, IMF-fixdate) relative to now_ms (UTC ms). nullopt when absent
/// or unreadable.
std::optional<int64_t> retry_after_ms(std::string_view value, int64_t now_ms);

/// The failure a non-2xx response stands for: 401/403 → CX_ERR_AUTH (not retried),
/// 429 → CX_ERR_RATE_LIMITED with retryAfterMs, 408/421/423/425 and 5xx → CX_ERR_UPSTREAM
/// (retried), 404 → CX_ERR_NOT_FOUND, other 4xx (and unexpected statuses) → CX_ERR_INVALID_ARGUMENT.
/// The message names the request and carries the service's {Title, Detail}.
Failure classify(const HttpResponse& response, std::string_view what, int64_t now_ms);

}  // namespace cx::generic
