// Powens connector configuration: parsing and validation of the stored connector config.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

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

/// Parses and validates a connector config. Throws cx::Failure(CX_ERR_INVALID_ARGUMENT) whose
/// "field" names the first missing or invalid field and whose message lists every problem.
Config parse_config(const boost::json::object& config);

/// True for a positive Go-style duration ("45s", "30m", "1h30m", "500ms").
bool is_duration(std::string_view text);

/// JSON Schema of the config (the ABI's draft 2020-12 subset), for cx_connector.config_schema_json.
inline constexpr const char* kConfigSchema = R"({
  "type": "object",
  "required": ["clientID", "clientSecret", "configurationToken", "domain", "endpoint", "maxConnectionsPerLink"],
  "properties": {
    "clientID": {"type": "string"},
    "clientSecret": {"type": "string"},
    "configurationToken": {"type": "string"},
    "domain": {"type": "string"},
    "endpoint": {"type": "string"},
    "maxConnectionsPerLink": {"type": "integer", "minimum": 1},
    "pageSize": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 25},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m"},
    "webviewURL": {"type": "string", "default": "https://webview.powens.com"}
  }
})";

}  // namespace powens
