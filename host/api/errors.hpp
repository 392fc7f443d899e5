// API errors: the wire codes and the exception handlers throw. A plugin status reaches HTTP through
// host/plugin/status.hpp (the one mapping table) and engine::from_plugin.
// Wire shape: {"errorCode":"VALIDATION","errorMessage":"name is a required field"}.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace cx::api {

namespace code {
inline constexpr std::string_view kValidation = "VALIDATION";
inline constexpr std::string_view kInvalidId = "INVALID_ID";
inline constexpr std::string_view kMissingOrInvalidBody = "MISSING_OR_INVALID_BODY";
inline constexpr std::string_view kNotFound = "NOT_FOUND";
inline constexpr std::string_view kConflict = "CONFLICT";
inline constexpr std::string_view kCapabilityNotSupported = "CONNECTOR_CAPABILITY_NOT_SUPPORTED";
inline constexpr std::string_view kUnauthorized = "UNAUTHORIZED";
inline constexpr std::string_view kInternal = "INTERNAL";
/// 408: the request head or body did not arrive within its deadline.
inline constexpr std::string_view kRequestTimeout = "REQUEST_TIMEOUT";
/// 503: the server holds as many connections as it allows (in total or from that peer).
inline constexpr std::string_view kTooManyConnections = "TOO_MANY_CONNECTIONS";
}  // namespace code

/// The message of every 500: details go to the log, never to the client.
inline constexpr std::string_view kInternalMessage = "Internal error. Consult logs/traces to have more details.";

/// An error answer: HTTP status + errorCode + errorMessage. Handlers throw it; the dispatcher
/// renders it.
struct ApiError : std::runtime_error {
  int status;
  std::string code;
  ApiError(int status_, std::string_view code_, const std::string& message)
      : std::runtime_error(message), status(status_), code(code_) {}
};

/// 400 VALIDATION.
ApiError validation_error(const std::string& message);
/// 400 INVALID_ID naming the parameter: "invalid connectorID \"…\"".
ApiError invalid_id(std::string_view param, std::string_view value);
/// 400 MISSING_OR_INVALID_BODY.
ApiError body_error(const std::string& message);
/// 404 NOT_FOUND.
ApiError not_found(const std::string& message);
/// 500 INTERNAL with the fixed message.
ApiError internal_error();

/// The error body JSON.
std::string error_body(std::string_view code, std::string_view message);

}  // namespace cx::api
