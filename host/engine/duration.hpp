// Go-style durations, as the v3 API's pollingPeriod carries them ("30m", "1h30m", "90s").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::engine {

/// Parses a Go duration (cx::parse_go_duration, connectivity/duration.hpp: units ns us µs ms s
/// m h, decimals allowed) into milliseconds, truncated. nullopt when malformed or negative.
std::optional<int64_t> parse_duration_ms(std::string_view text);
/// Formats like Go's time.Duration.String(): 1800000 → "30m0s", 5400000 → "1h30m0s".
std::string format_duration(int64_t ms);

}  // namespace cx::engine
