// The Retry-After header of an HTTP answer (RFC 9110 section 10.2.3): delay-seconds or an
// HTTP-date (IMF-fixdate, RFC 9110 section 5.6.7), as a wait from now.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace cx::net {

/// The wait `value` asks for, in ms (0 for a date already past); nullopt when `value` is neither
/// delay-seconds (at most 9 digits) nor an IMF-fixdate. `now` is the UTC clock reading to count
/// a date from.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace cx::net
