// RFC 3339 helpers for the generic sandbox, over the SDK's connectivity/time.hpp.
#pragma once

#include <connectivity/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::sandbox::generic {

/// UTC ms -> "2025-03-03T09:00:00Z" (milliseconds only when non-zero).
inline std::string rfc3339(int64_t unix_ms) { return cx::time::format_rfc3339(unix_ms); }

/// RFC 3339 date-time with an offset (or a bare date) -> UTC ms.
inline std::optional<int64_t> parse_time(std::string_view text) { return cx::time::parse_rfc3339(text); }

/// "90" (seconds) or a sequence of <int><unit>, unit s|m|h|d ("1h30m", "2d") -> ms.
inline std::optional<int64_t> parse_duration_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    int64_t n = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 12) n = n * 10 + (s[i++] - '0');
    if (i == start) return std::nullopt;
    if (i == s.size()) {
      if (start != 0) return std::nullopt;  // a unit-less number must stand alone
      return n * 1000;
    }
    switch (s[i++]) {
      case 's': total += n * 1000; break;
      case 'm': total += n * 60'000; break;
      case 'h': total += n * 3'600'000; break;
      case 'd': total += n * 86'400'000; break;
      default: return std::nullopt;
    }
  }
  return total;
}

}  // namespace cx::sandbox::generic
