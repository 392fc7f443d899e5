#include "host/engine/duration.hpp"

#include <connectivity/duration.hpp>

namespace cx::engine {

std::optional<int64_t> parse_duration_ms(std::string_view s) {
  // The SDK's parser: plugins (config format "duration") and the host read one grammar.
  auto d = cx::parse_go_duration(s);
  if (!d || d->count() < 0) return std::nullopt;
  return d->count() / 1000000;
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
