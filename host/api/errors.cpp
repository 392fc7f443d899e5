#include "host/api/errors.hpp"

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

std::string error_body(std::string_view code, std::string_view message) {
  boost::json::object o;
  o["errorCode"] = code;
  o["errorMessage"] = message;
  return boost::json::serialize(o);
}

}  // namespace cx::api
