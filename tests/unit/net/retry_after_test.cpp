#include "host/net/retry_after.hpp"

#include <catch2/catch.hpp>

using cx::net::parse_retry_after;
using std::chrono::milliseconds;

TEST_CASE("Retry-After: delay-seconds and an IMF-fixdate, anything else refused (RFC 9110 10.2.3)") {
  // 2015-10-21T07:28:00Z, the RFC's own example date.
  const auto now = std::chrono::system_clock::from_time_t(1445412480);
  CHECK(parse_retry_after("3", now) == milliseconds(3000));
  CHECK(parse_retry_after("0", now) == milliseconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now) == milliseconds(5000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == milliseconds(0));  // already past
  for (const char* bad : {"", "-1", "1.5", "3 ", "1234567890", "Wed, 21 Oct 2015 07:28:05 UTC", "soon"})
    CHECK_FALSE(parse_retry_after(bad, now));
}
