#include "host/engine/duration.hpp"

#include <catch2/catch.hpp>

using cx::engine::format_duration;
using cx::engine::parse_duration_ms;

TEST_CASE("Go durations parse to milliseconds") {
  CHECK(parse_duration_ms("30m") == 1800000);
  CHECK(parse_duration_ms("1h30m") == 5400000);
  CHECK(parse_duration_ms("2m30.5s") == 150500);
  CHECK(parse_duration_ms("1500ms") == 1500);
  CHECK(parse_duration_ms("0") == 0);
  CHECK_FALSE(parse_duration_ms(""));
  CHECK_FALSE(parse_duration_ms("30"));
  CHECK_FALSE(parse_duration_ms("30x"));
  CHECK_FALSE(parse_duration_ms("-5m"));
  CHECK_FALSE(parse_duration_ms("m"));
  CHECK_FALSE(parse_duration_ms("1.2.3s"));  // one grammar with the SDK: no trailing text after a number
}

TEST_CASE("durations format as Go's time.Duration.String does") {
  CHECK(format_duration(1800000) == "30m0s");
  CHECK(format_duration(5400000) == "1h30m0s");
  CHECK(format_duration(90000) == "1m30s");
  CHECK(format_duration(1500) == "1.5s");
  CHECK(format_duration(250) == "250ms");
  CHECK(format_duration(0) == "0s");
  CHECK(parse_duration_ms(format_duration(3723000)) == 3723000);
}
