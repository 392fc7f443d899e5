// Powens connector configuration: parsing and validation of the stored connector config.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace powens {

/// Validated configuration (fields of docs/providers/powens.md §1 plus our optional ones, issue 5).
struct Config {
  std::string name;                ///< connector name given by the operator (host field)
  std::string client_id;           ///< Powens client id ("clientID")
  std::string client_secret;       ///< Powens client secret ("clientSecret")
  std::string configuration_token; ///< domain admin token for /webhooks/auth ("configurationToken")
  std::string domain;              ///< Powens domain, "acme" or "acme.biapi.pro" ("domain")
  std::string endpoint;            ///< API root without "/2.0" and without trailing '/' ("endpoint")
  int64_t max_connections_per_link = 1;  ///< webview max_connections, >= 1
  int64_t page_size = 25;                ///< transactions page size (Powens limit), 1..1000
  bool page_size_set = false;            ///< pageSize given in the config (it then wins over the host's hint)
  std::string polling_period = "30m";    ///< Go-style duration, e.g. "30m", "1h30m"
  std::string webview_url = "https://webview.powens.com";  ///< webview base URL, no trailing '/'

  /// "{endpoint}/2.0", the base of every user-token endpoint (docs/providers/powens.md §1).
  std::string api_base() const { return endpoint + "/2.0"; }
  /// The domain as the webview expects it ("acme" -> "acme.biapi.pro"; docs/providers/powens.md §6).
  std::string webview_domain() const;
};

/// Powens' documented maximum for the transactions `limit` parameter (docs/providers/powens.md §2).
inline constexpr int64_t kMaxPageSize = 1000;

/// Checks a connector config against kConfigSchema (connectivity/config.hpp) plus the rules a
/// schema cannot say (a bare domain). Throws cx::Failure(CX_ERR_INVALID_ARGUMENT) whose "field"
/// names the first missing or invalid field and whose message lists every problem.
Config parse_config(const boost::json::object& config);

/// JSON Schema of the config (the ABI's draft 2020-12 subset), for cx_connector.config_schema_json;
/// the host checks a config against it before create().
inline constexpr const char* kConfigSchema = R"({
  "type": "object",
  "required": ["clientID", "clientSecret", "configurationToken", "domain", "endpoint", "maxConnectionsPerLink"],
  "properties": {
    "clientID": {"type": "string", "description": "Powens client id"},
    "clientSecret": {"type": "string", "description": "Powens client secret"},
    "configurationToken": {"type": "string", "description": "domain admin token, for /webhooks/auth"},
    "domain": {"type": "string", "description": "Powens domain: acme or acme.biapi.pro"},
    "endpoint": {"type": "string", "format": "url", "description": "API root, https://acme.biapi.pro or https://acme.biapi.pro/2.0"},
    "maxConnectionsPerLink": {"type": "integer", "minimum": 1, "description": "connections a PSU may add in one webview visit"},
    "pageSize": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 25, "description": "transactions per page"},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m", "description": "how often the tasks run"},
    "webviewURL": {"type": "string", "format": "url", "default": "https://webview.powens.com", "description": "webview base URL"}
  }
})";

}  // namespace powens
