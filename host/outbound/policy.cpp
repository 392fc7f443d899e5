#include "host/outbound/policy.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace cx::outbound {

AttemptOutcome classify(int status) {
  if (status >= 200 && status < 300) return AttemptOutcome::Succeeded;
  if (status >= 400 && status < 500 && status != 408 && status != 429) return AttemptOutcome::Permanent;
  return AttemptOutcome::Retryable;
}

const char* outcome_name(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::Succeeded: return "succeeded";
    case AttemptOutcome::Permanent: return "permanent_failure";
    default: return "retryable_failure";
  }
}

std::optional<int64_t> next_attempt_at(const RetryPolicy& p, int attempts, int64_t now_ms, int64_t cycle_started_ms,
                                       std::optional<int64_t> retry_after_ms) {
  if (attempts >= p.max_attempts) return std::nullopt;
  int64_t delay = p.min_backoff_ms;
  for (int i = 1; i < attempts && delay < p.max_backoff_ms; ++i) delay *= 2;
  delay = std::min(delay, p.max_backoff_ms);
  if (retry_after_ms && *retry_after_ms > delay) delay = *retry_after_ms;
  const int64_t due = now_ms + delay;
  if (due - cycle_started_ms > p.abort_after_ms) return std::nullopt;
  return due;
}

std::optional<int64_t> parse_retry_after(const std::string& value, int64_t now_ms) {
  constexpr int64_t kCap = 6 * 3'600'000;
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 6) return kCap;
    return std::min<int64_t>(std::stoll(value) * 1000, kCap);
  }
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  const int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::clamp<int64_t>(at - now_ms, 0, kCap);
}

}  // namespace cx::outbound
