// Delivery policy (docs/events.md "Retries"): how one attempt's answer is classified and when the
// next attempt is due, after the reference Webhooks service v2.4+:
//   2xx → succeeded; 4xx other than 408 and 429 → permanent failure; 408, 429, 1xx/3xx (redirects
//   are not followed), 5xx, transport errors and timeouts → retry after
//   min(min_backoff · 2^(n-1), max_backoff) where n counts the attempts made in this cycle, or a
//   larger Retry-After (capped at 6 h); the delivery fails once max_attempts were made or the next
//   attempt would fall past abort_after since the cycle's first attempt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cx::outbound {

struct RetryPolicy {
  int64_t min_backoff_ms = 60'000;        ///< --webhooks-min-backoff (1m)
  int64_t max_backoff_ms = 3'600'000;     ///< --webhooks-max-backoff (1h)
  int max_attempts = 15;                  ///< --webhooks-max-attempts
  int64_t abort_after_ms = 36'000'000;    ///< --webhooks-abort-after (10h)
};

enum class AttemptOutcome { Succeeded, Retryable, Permanent };

/// The outcome of an answer with that status (0: no answer — transport error or timeout).
AttemptOutcome classify(int status);

/// "succeeded" | "retryable_failure" | "permanent_failure" (the API's DeliveryAttempt.outcome).
const char* outcome_name(AttemptOutcome o);

/// When the next attempt is due (UTC ms) after a retryable failure at `now_ms`, the cycle's
/// `attempts` so far (≥ 1) having started at `cycle_started_ms`; nullopt when the delivery must
/// fail instead. `retry_after_ms` is the answer's Retry-After, if any.
std::optional<int64_t> next_attempt_at(const RetryPolicy& p, int attempts, int64_t now_ms, int64_t cycle_started_ms,
                                       std::optional<int64_t> retry_after_ms);

/// Retry-After (delta seconds or an HTTP-date, RFC 9110 §10.2.3) as ms from `now_ms`, capped at
/// 6 h; nullopt when absent or unreadable.
std::optional<int64_t> parse_retry_after(const std::string& value, int64_t now_ms);

}  // namespace cx::outbound
