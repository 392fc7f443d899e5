// The only outbound HTTP of the daemon: what a plugin's cx_host_api.http reaches.
// It enforces the connector's egress allowlist, the call's deadline and a response size limit,
// and retries a throttled or unavailable idempotent request a bounded number of times.
#pragma once

#include "host/net/url.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cx::net {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeout_ms = 0;  ///< 0 = the client's default
};

struct HttpResult {
  enum class Outcome { Response, Refused, Timeout, Failed, BadRequest };
  Outcome outcome = Outcome::Failed;
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  std::string error;  ///< why no response arrived
};

struct HttpLimits {
  int64_t default_timeout_ms = 10000;
  size_t max_response_bytes = 256u << 20;
  int max_retries = 2;            ///< for GET/HEAD/PUT/DELETE answered 429/502/503/504
  int64_t max_retry_wait_ms = 2000;
};

class HttpClient {
 public:
  /// allowlist: "host:port" authorities this client may reach (see allowlist_from_config()).
  explicit HttpClient(std::set<std::string> allowlist, HttpLimits limits = {});

  /// One exchange, bounded by deadline_unix_ms (UTC ms, 0 = none). Never throws.
  HttpResult exchange(const HttpRequest& req, int64_t deadline_unix_ms) const;

  const std::set<std::string>& allowlist() const { return allowlist_; }

 private:
  std::set<std::string> allowlist_;
  HttpLimits limits_;
};

/// The allowlist a connector config implies: the authority of every string value that is an
/// absolute http(s) URL (endpoint, baseURL, …) plus every entry of the config schema's
/// "x-cx-egress-hosts" array (a plugin's fixed provider hosts, e.g. "sandbox.plaid.com:443").
std::set<std::string> allowlist_from_config(const std::string& config_json, const char* config_schema_json);

}  // namespace cx::net
