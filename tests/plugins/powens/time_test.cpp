// Europe/Paris naive timestamps -> UTC, including the DST gap and overlap, directly and through
// the payment mapping; and the exact-number JSON reader.
#include "helpers.hpp"
#include "paris_time.hpp"
#include <connectivity/json.hpp>

#include <catch2/catch.hpp>

using namespace powens_test;
using powens::paris_to_rfc3339;

TEST_CASE("Paris time: winter is +01:00 and summer +02:00") {
  CHECK(paris_to_rfc3339("2024-01-15 10:00:00") == "2024-01-15T09:00:00Z");
  CHECK(paris_to_rfc3339("2024-07-15 10:00:00") == "2024-07-15T08:00:00Z");
  CHECK(paris_to_rfc3339("2024-07-15T10:00:00") == "2024-07-15T08:00:00Z");
  CHECK(paris_to_rfc3339("2024-07-15 10:00:00.250") == "2024-07-15T08:00:00.250Z");
}

TEST_CASE("Paris time: date-only values are midnight Paris") {
  CHECK(paris_to_rfc3339("2024-07-01") == "2024-06-30T22:00:00Z");
  CHECK(paris_to_rfc3339("2024-01-01") == "2023-12-31T23:00:00Z");
}

TEST_CASE("Paris time: spring-forward gap (2024-03-31 02:00-03:00 does not exist)") {
  CHECK(paris_to_rfc3339("2024-03-31 01:59:59") == "2024-03-31T00:59:59Z");
  // A wall clock not yet moved forward: the pre-gap offset +01:00 applies.
  CHECK(paris_to_rfc3339("2024-03-31 02:30:00") == "2024-03-31T01:30:00Z");
  CHECK(paris_to_rfc3339("2024-03-31 03:00:00") == "2024-03-31T01:00:00Z");
  CHECK(paris_to_rfc3339("2024-03-31 03:30:00") == "2024-03-31T01:30:00Z");
}

TEST_CASE("Paris time: fall-back overlap (2024-10-27 02:00-03:00 happens twice) takes the earlier instant") {
  CHECK(paris_to_rfc3339("2024-10-27 01:59:59") == "2024-10-26T23:59:59Z");
  CHECK(paris_to_rfc3339("2024-10-27 02:30:00") == "2024-10-27T00:30:00Z");
  CHECK(paris_to_rfc3339("2024-10-27 03:00:00") == "2024-10-27T02:00:00Z");
}

TEST_CASE("Paris time: explicit offsets are kept and garbage is refused") {
  CHECK(paris_to_rfc3339("2024-07-15T10:00:00Z") == "2024-07-15T10:00:00Z");
  CHECK(paris_to_rfc3339("2024-07-15T10:00:00+05:00") == "2024-07-15T05:00:00Z");
  CHECK_FALSE(paris_to_rfc3339("yesterday").has_value());
  CHECK_FALSE(paris_to_rfc3339("2024-13-01 00:00:00").has_value());
  CHECK_FALSE(paris_to_rfc3339("").has_value());
}

TEST_CASE("Paris time through the mapping: transaction datetime in the gap and in the overlap") {
  Fixture f;
  std::string txs = tx_json(1, 5, "-10.00", false, R"(,"datetime":"2024-03-31 02:30:00")") + "," +
                    tx_json(2, 5, "-10.00", false, R"(,"datetime":"2024-10-27 02:30:00")") + "," +
                    tx_json(3, 5, "-10.00", false, R"(,"datetime":null)");
  f.host.push_response(200, tx_page(txs));
  auto out = f.d().call_ok(&cx_connector::fetch_payments,
                           fetch_request(parent_account(5, "EUR/2", json::object{}))).as_object();
  auto& p = out.at("payments").as_array();
  REQUIRE(p.size() == 3);
  CHECK(p[0].at("createdAt") == "2024-03-31T01:30:00Z");
  CHECK(p[1].at("createdAt") == "2024-10-27T00:30:00Z");
  CHECK(p[2].at("createdAt") == "2024-06-30T22:00:00Z");  // date 2024-07-01 at midnight Paris
}

