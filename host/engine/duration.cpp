#include "host/engine/duration.hpp"

#include <cmath>

namespace cx::engine {

std::optional<int64_t> parse_duration_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "0") return 0;
  double total_ns = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    double value;
    try {
      value = std::stod(std::string(s.substr(start, i - start)));
    } catch (...) {
      return std::nullopt;
    }
    size_t ustart = i;
    while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return std::nullopt;
    total_ns += value * scale;
  }
  if (!std::isfinite(total_ns) || total_ns > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(total_ns / 1e6);
}

std::string format_duration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  int64_t h = ms / 3600000, m = (ms / 60000) % 60, rem_ms = ms % 60000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  if (rem_ms % 1000 == 0) {
    out += std::to_string(rem_ms / 1000) + "s";
  } else if (h == 0 && m == 0 && rem_ms < 1000) {
    out += std::to_string(rem_ms) + "ms";
  } else {
    std::string frac = std::to_string(rem_ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += std::to_string(rem_ms / 1000) + "." + frac + "s";
  }
  return out;
}

}  // namespace cx::engine
