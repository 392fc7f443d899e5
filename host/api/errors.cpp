#include "host/api/errors.hpp"

#include <connectivity/abi.h>

#include <boost/json.hpp>

namespace cx::api {

ApiError validation_error(const std::string& message) { return ApiError(400, code::kValidation, message); }

ApiError invalid_id(std::string_view param, std::string_view value) {
  std::string shown(value.substr(0, 200));
  return ApiError(400, code::kInvalidId, "invalid " + std::string(param) + " \"" + shown + "\"");
}

ApiError body_error(const std::string& message) { return ApiError(400, code::kMissingOrInvalidBody, message); }

ApiError not_found(const std::string& message) { return ApiError(404, code::kNotFound, message); }

ApiError internal_error() { return ApiError(500, code::kInternal, std::string(kInternalMessage)); }

ApiError from_plugin_status(int32_t status, const std::string& message) {
  auto msg = [&](std::string_view fallback) { return message.empty() ? std::string(fallback) : message; };
  switch (status) {
    case CX_ERR_INVALID_ARGUMENT: return ApiError(400, code::kValidation, msg("invalid argument"));
    case CX_ERR_UNSUPPORTED:
      return ApiError(400, code::kCapabilityNotSupported, msg("capability not supported by the connector"));
    case CX_ERR_NOT_FOUND: return ApiError(404, code::kNotFound, msg("not found"));
    case CX_ERR_AUTH: return ApiError(502, code::kInternal, msg("the provider rejected the connector's credentials"));
    case CX_ERR_RATE_LIMITED: return ApiError(429, code::kInternal, msg("the provider is rate limiting requests"));
    case CX_ERR_UPSTREAM: return ApiError(502, code::kInternal, msg("the provider failed"));
    case CX_ERR_TIMEOUT: return ApiError(504, code::kInternal, msg("the provider did not answer in time"));
    default: return internal_error();
  }
}

std::string error_body(std::string_view code, std::string_view message) {
  boost::json::object o;
  o["errorCode"] = code;
  o["errorMessage"] = message;
  return boost::json::serialize(o);
}

}  // namespace cx::api
