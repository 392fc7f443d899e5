// What the engine refuses, with the HTTP status and v3 errorCode the API answers with.
#pragma once

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

/// A plugin's failure of a synchronous call, as HTTP: invalid argument 400, unsupported 400,
/// not found 404, upstream/auth 502, timeout 504, anything else 500 (message kept: it is the
/// provider's or the plugin's text, never a stack).
inline EngineError from_plugin(int32_t code, const std::string& message) {
  switch (code) {
    case CX_ERR_INVALID_ARGUMENT: return EngineError(400, "VALIDATION", message);
    case CX_ERR_UNSUPPORTED: return EngineError(400, "CONNECTOR_CAPABILITY_NOT_SUPPORTED", message);
    case CX_ERR_NOT_FOUND: return EngineError(404, "NOT_FOUND", message);
    case CX_ERR_AUTH:
    case CX_ERR_RATE_LIMITED:
    case CX_ERR_UPSTREAM: return EngineError(502, "UPSTREAM", message);
    case CX_ERR_TIMEOUT: return EngineError(504, "UPSTREAM_TIMEOUT", message);
    default: return EngineError(500, "INTERNAL", message);
  }
}

/// True for the plugin outcomes a task retries with backoff.
inline bool retryable(int32_t code) {
  return code == CX_ERR_RATE_LIMITED || code == CX_ERR_UPSTREAM || code == CX_ERR_TIMEOUT;
}

}  // namespace cx::engine
