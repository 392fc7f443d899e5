// pollingPeriod below the server's floor: installed at the floor (the generic sandbox example's
// "2m" under the default 20m minimum), not refused.
#include "harness.hpp"

#include <catch2/catch.hpp>

TEST_CASE("a pollingPeriod below the server minimum is raised to the minimum; others are kept") {
  cx::test::Harness h;
  cx::engine::ConfigRules rules;
  rules.minimum_polling_ms = 20 * 60 * 1000;
  rules.default_polling_ms = 30 * 60 * 1000;
  cx::engine::Runtime runtime(*h.db, h.registry, rules);
  auto period = [&](boost::json::value p) {
    boost::json::object body{{"name", "generic-example"}, {"pollingPeriod", p}};
    return std::string(runtime.normalize_config(body).at("pollingPeriod").as_string());
  };
  CHECK(period("2m") == "20m0s");
  CHECK(period("20m") == "20m0s");
  CHECK(period("1h") == "1h0m0s");
  CHECK(period(nullptr) == "30m0s");
  CHECK_THROWS_AS(period("soon"), cx::engine::EngineError);
}
