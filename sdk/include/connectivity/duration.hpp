// connectivity/duration.hpp — Go duration text ("30m", "1h30m", "1.5s", "500ms"), the form the
// v3 API uses for pollingPeriod and connector configs.
//
// Grammar (Go's time.ParseDuration): an optional sign, then one or more <decimal><unit> with
// decimal = digits, digits ".", "." digits or digits "." digits, and unit one of ns, us, µs
// (U+00B5), μs (U+03BC), ms, s, m, h; "0" alone is zero. Arithmetic is exact in nanoseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cx {

/// The duration `text` denotes, in nanoseconds; nullopt when it is not Go duration text or
/// does not fit in 64-bit nanoseconds (about 292 years).
inline std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
  __extension__ typedef __int128 i128;
  constexpr i128 kMax = INT64_MAX;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) negative = text[0] == '-', text.remove_prefix(1);
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  struct Unit { std::string_view name; int64_t ns; };
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1000}, {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000},
                                    {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000},
                                    {"h", 3600000000000}};
  i128 total = 0;
  size_t i = 0;
  while (i < text.size()) {
    i128 whole = 0, frac = 0, scale = 1;
    size_t digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
      whole = whole * 10 + (text[i] - '0');
      if (whole > kMax) return std::nullopt;
    }
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits)
        if (scale < i128(1000000000000000000)) frac = frac * 10 + (text[i] - '0'), scale *= 10;  // finer than 1e-18 unit: dropped
    }
    if (digits == 0) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : kUnits)  // longest match: "ms" before "m"
      if (text.substr(i).starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    if (!unit) return std::nullopt;
    i += unit->name.size();
    total += whole * unit->ns + frac * unit->ns / scale;
    if (total > kMax) return std::nullopt;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(negative ? -total : total));
}

/// True for Go duration text denoting more than zero.
inline bool is_positive_duration(std::string_view text) {
  auto d = parse_go_duration(text);
  return d && d->count() > 0;
}

}  // namespace cx
