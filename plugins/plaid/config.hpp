// plaid/config.hpp — the connector's configuration (docs/providers/plaid.md §1).
#pragma once

#include <boost/json.hpp>

#include <string>

namespace cx::plaid {

/// Plaid's public hosts (plaid-openapi 2020-09-14.yml `servers`).
inline constexpr const char* kSandboxHost = "https://sandbox.plaid.com";
inline constexpr const char* kProductionHost = "https://production.plaid.com";

struct Config {
  std::string client_id;      ///< sent as PLAID-CLIENT-ID
  std::string client_secret;  ///< sent as PLAID-SECRET
  bool is_sandbox = false;    ///< selects kSandboxHost over kProductionHost
  std::string base_url;       ///< effective API root without trailing slash (baseURL overrides the host)
  std::string polling_period; ///< Go-style duration text ("30m"), as stored; empty = host default

  /// Validates `config` ({"clientID","clientSecret","isSandbox"?,"baseURL"?,"pollingPeriod"?,…})
  /// and throws cx::Failure CX_ERR_INVALID_ARGUMENT naming the first bad field.
  static Config parse(const boost::json::object& config);
};

/// JSON Schema of the config, for cx_connector.config_schema_json; Config::parse and the host
/// check a config against it (connectivity/config.hpp).
inline constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "clientID": {"type": "string", "description": "Plaid client_id, sent as PLAID-CLIENT-ID"},
    "clientSecret": {"type": "string", "description": "Plaid secret of the environment, sent as PLAID-SECRET"},
    "isSandbox": {"type": "boolean", "default": false, "description": "call sandbox.plaid.com instead of production.plaid.com"},
    "baseURL": {"type": "string", "format": "url", "description": "API root overriding isSandbox, e.g. a test double"},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m", "description": "how often the tasks run"}
  },
  "required": ["clientID", "clientSecret"],
  "x-cx-egress-hosts": ["sandbox.plaid.com:443", "production.plaid.com:443"]
})";

}  // namespace cx::plaid
