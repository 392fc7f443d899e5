// Powens error bodies in failure messages; the status classes are the SDK's (cx::classify).
#pragma once

#include <connectivity/connector.hpp>

#include <cstdint>
#include <string_view>

namespace powens {

/// The failure for a non-2xx Powens response: cx::classify()'s code and Retry-After
/// (connectivity/http.hpp; docs/providers/powens.md §4), with a message carrying Powens'
/// {code, description, message} and the request id (`request_id`, or `requestId` as some
/// clients spell it). now_ms (UTC) dates a Retry-After HTTP-date.
cx::Failure failure_from_response(const cx::HttpResponse& resp, std::string_view what, int64_t now_ms);

}  // namespace powens
