// connectivity/time.hpp — RFC 3339 timestamps <-> UTC milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace cx::time {

/// Days since 1970-01-01 of a proleptic Gregorian civil date (H. Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// UTC ms -> "2024-03-31T00:30:00Z", or "…:00.123Z" when the milliseconds are not zero.
inline std::string format_rfc3339(int64_t unix_ms) {
  int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : -((-unix_ms + 999) / 1000);
  int ms = static_cast<int>(unix_ms - secs * 1000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int values, so the compiler can prove no truncation
  if (ms)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace detail {
inline bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace detail

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (space accepted for T) into UTC ms.
/// A date-only value is midnight UTC. A datetime without offset is rejected unless
/// `naive_is_utc` (callers with a local-time convention convert first).
inline std::optional<int64_t> parse_rfc3339(std::string_view s, bool naive_is_utc = false) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!detail::digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !detail::digits(s, 5, 2, mo) ||
      s[7] != '-' || !detail::digits(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t ms = 0, offset_min = 0;
  size_t i = 10;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
    if (!detail::digits(s, i + 1, 2, h) || s.size() < i + 9 || s[i + 3] != ':' || !detail::digits(s, i + 4, 2, mi) ||
        s[i + 6] != ':' || !detail::digits(s, i + 7, 2, se))
      return std::nullopt;
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    i += 9;
    if (i < s.size() && s[i] == '.') {
      size_t n = 0;
      int64_t scale = 100;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n) {
        ms += (s[i] - '0') * scale;
        scale /= 10;
      }
      if (n == 0) return std::nullopt;
    }
    if (i == s.size()) {
      if (!naive_is_utc) return std::nullopt;
    } else if (s[i] == 'Z' || s[i] == 'z') {
      if (++i != s.size()) return std::nullopt;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (s.size() != i + 6 || !detail::digits(s, i + 1, 2, oh) || s[i + 3] != ':' || !detail::digits(s, i + 4, 2, om))
        return std::nullopt;
      offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 86400 + h * 3600 + mi * 60 + se) - offset_min * 60) * 1000 + ms;
}

}  // namespace cx::time
