// Configuration of the generic connector: {apiKey, endpoint, pollingPeriod?}.
// Source: docs/providers/generic.md §1 (config shape, bearer auth).
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cx::generic {

/// JSON Schema of the config accepted by create() (the host validates name/pollingPeriod).
inline constexpr const char kConfigSchema[] = R"({
  "type": "object",
  "required": ["apiKey", "endpoint"],
  "properties": {
    "apiKey": {"type": "string", "description": "sent as Authorization: Bearer <apiKey>"},
    "endpoint": {"type": "string", "description": "base URL of the service, http(s)://host[:port][/prefix]"},
    "pollingPeriod": {"type": "string", "format": "duration", "default": "30m"}
  }
})";

/// A validated config.
struct Config {
  std::string api_key;                       ///< bearer token, non-empty
  std::string endpoint;                      ///< base URL without trailing '/'
  std::optional<std::string> polling_period; ///< Go-style duration ("2m"), when given
};

/// Validates the stored connector config. Unknown fields (name, provider, …) are ignored.
/// Throws cx::Failure(CX_ERR_INVALID_ARGUMENT) whose message lists every missing or invalid
/// field and whose "field" is the first of them (OPS.md, "Config").
Config parse_config(const boost::json::object& config);

/// True for an http(s) URL with a host and no query, fragment or whitespace.
bool is_valid_endpoint(std::string_view url);

/// True for a positive Go-style duration: one or more <number><unit> with unit in
/// ns, us, µs, ms, s, m, h ("2m", "1h30m", "1.5s").
bool is_valid_duration(std::string_view text);

}  // namespace cx::generic
