// What the engine refuses, with the HTTP status and v3 errorCode the API answers with.
#pragma once

#include "host/plugin/status.hpp"

#include <connectivity/abi.h>

#include <stdexcept>
#include <string>

namespace cx::engine {

class EngineError : public std::runtime_error {
 public:
  EngineError(int http_status, std::string code, std::string message)
      : std::runtime_error(std::move(message)), http_status(http_status), code(std::move(code)) {}
  int http_status;
  std::string code;  ///< VALIDATION | NOT_FOUND | CONFLICT | CONNECTOR_CAPABILITY_NOT_SUPPORTED | INVALID_ID | INTERNAL …
};

inline EngineError validation(std::string m) { return EngineError(400, "VALIDATION", std::move(m)); }
inline EngineError not_found(std::string m) { return EngineError(404, "NOT_FOUND", std::move(m)); }
inline EngineError conflict(std::string m) { return EngineError(400, "CONFLICT", std::move(m)); }

/// A plugin's failure of a synchronous call, as its HTTP answer: the row of plugin/status.hpp's
/// table (e.g. RATE_LIMITED 429, AUTH and UPSTREAM 502, TIMEOUT 504). The message is the
/// provider's or the plugin's text, shown unless the row says otherwise (INTERNAL: logged only).
inline EngineError from_plugin(int32_t code, const std::string& message) {
  const auto& s = plugin::status_info(code);
  return EngineError(s.http, std::string(s.error_code), message.empty() ? std::string(s.text) : message);
}

/// True for the plugin outcomes a task retries with backoff.
using plugin::retryable;

}  // namespace cx::engine
