// Configuration of the generic connector: {apiKey, endpoint, pollingPeriod?}.
// Source: docs/providers/generic.md §1 (config shape, bearer auth).
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace cx::generic {

/// JSON Schema of the config accepted by create(); the host checks it before create() too.
inline constexpr const char kConfigSchema[] = R"({
  "type": "object",
  "required": ["apiKey", "endpoint"],
  "properties": {
    "apiKey": {"type": "string", "description": "sent as Authorization: Bearer <apiKey>"},
    "endpoint": {"type": "string", "format": "url", "description": "base URL of the service, http(s)://host[:port][/prefix]"},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m", "description": "how often the tasks run"}
  }
})";

/// A validated config.
struct Config {
  std::string api_key;                       ///< bearer token, non-empty
  std::string endpoint;                      ///< base URL without trailing '/'
  std::optional<std::string> polling_period; ///< Go-style duration ("2m"), when given
};

/// Validates the stored connector config against kConfigSchema (cx::config). Unknown fields
/// (name, provider, …) are ignored. Throws cx::Failure(CX_ERR_INVALID_ARGUMENT) whose message
/// lists every missing or invalid field and whose "field" is the first of them.
Config parse_config(const boost::json::object& config);

}  // namespace cx::generic
