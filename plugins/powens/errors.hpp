// Classification of Powens HTTP failures into connector status codes.
#pragma once

#include <connectivity/connector.hpp>

#include <cstdint>
#include <string_view>

namespace powens {

/// The failure for a non-2xx Powens response (sdk/OPS.md "Errors and retries"; docs/providers/powens.md §4):
/// 429 -> CX_ERR_RATE_LIMITED with retryAfterMs from Retry-After (seconds), 408 and 5xx ->
/// CX_ERR_UPSTREAM, 401/403 -> CX_ERR_AUTH, 404 -> CX_ERR_NOT_FOUND, other 4xx ->
/// CX_ERR_INVALID_ARGUMENT. The message carries Powens' {code, description, message} and the
/// request id (`request_id`, or `requestId` as some clients spell it).
cx::Failure failure_from_response(const cx::HttpResponse& resp, std::string_view what);

/// Milliseconds to wait from a Retry-After header holding delta-seconds; 0 when absent or not
/// a number (RFC 9110 §10.2.3; HTTP-date values are left to the host's backoff).
int64_t retry_after_ms(std::string_view header);

}  // namespace powens
