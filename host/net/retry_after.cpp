#include "host/net/retry_after.hpp"

#include <algorithm>
#include <ctime>
#include <string>

namespace cx::net {

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  if (!value.empty() && value.size() <= 9 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return milliseconds(std::stoll(std::string(value)) * 1000);
  const std::string text(value);
  std::tm tm{};
  if (const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm); end && *end == '\0') {
    auto left = std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::from_time_t(timegm(&tm)) - now);
    return std::max(left, milliseconds(0));
  }
  return std::nullopt;
}

}  // namespace cx::net
