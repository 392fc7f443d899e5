// Attempt classification and the retry schedule (docs/events.md "Retries").
#include "host/outbound/policy.hpp"

#include <catch2/catch.hpp>

using namespace cx::outbound;

TEST_CASE("2xx succeeds, 4xx other than 408/429 is final, the rest is retried") {
  CHECK(classify(200) == AttemptOutcome::Succeeded);
  CHECK(classify(204) == AttemptOutcome::Succeeded);
  CHECK(classify(400) == AttemptOutcome::Permanent);
  CHECK(classify(404) == AttemptOutcome::Permanent);
  CHECK(classify(408) == AttemptOutcome::Retryable);
  CHECK(classify(429) == AttemptOutcome::Retryable);
  CHECK(classify(500) == AttemptOutcome::Retryable);
  CHECK(classify(302) == AttemptOutcome::Retryable);  // redirects are not followed
  CHECK(classify(0) == AttemptOutcome::Retryable);    // no answer
}

TEST_CASE("the default schedule is the reference's: 1m doubling to 1h, 15 attempts within 10h") {
  RetryPolicy p;
  const int64_t minute = 60'000;
  const int64_t expected[] = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60};
  int64_t now = 0;
  for (int n = 1; n <= 14; ++n) {
    auto next = next_attempt_at(p, n, now, 0, std::nullopt);
    REQUIRE(next);
    CHECK(*next - now == expected[n - 1] * minute);
    now = *next;
  }
  CHECK_FALSE(next_attempt_at(p, 15, now, 0, std::nullopt));  // the 15th failure is final
}

TEST_CASE("a larger Retry-After wins; past abort-after the delivery fails") {
  RetryPolicy p;
  CHECK(*next_attempt_at(p, 1, 0, 0, 5 * 60'000) == 5 * 60'000);
  CHECK(*next_attempt_at(p, 1, 0, 0, 1'000) == 60'000);
  CHECK_FALSE(next_attempt_at(p, 3, p.abort_after_ms - 1000, 0, std::nullopt));
  RetryPolicy quick{100, 400, 5, 60'000};
  CHECK(*next_attempt_at(quick, 1, 1000, 1000, std::nullopt) == 1100);
  CHECK(*next_attempt_at(quick, 4, 1000, 1000, std::nullopt) == 1400);
}

TEST_CASE("Retry-After in seconds or as an HTTP-date, capped at 6 h") {
  CHECK(parse_retry_after("120", 0) == 120'000);
  CHECK(parse_retry_after("99999999", 0) == 6 * 3'600'000);
  CHECK(parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0) == 60'000);
  CHECK_FALSE(parse_retry_after("soon", 0));
  CHECK_FALSE(parse_retry_after("", 0));
}
