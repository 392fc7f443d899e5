#include "host/util/json_bigint.hpp"

#include <catch2/catch.hpp>

using cx::util::integer_text;
using cx::util::parse_bigint_json;
using cx::util::serialize_bigint_json;

TEST_CASE("integers beyond 64 bits keep every digit through parse and serialize", "[ledger][json]") {
  auto v = parse_bigint_json(R"({"a":123456789012345678901234567890,"b":-98765432109876543210,"c":7,"d":1.5,"e":"x"})");
  REQUIRE(v);
  auto& o = v->as_object();
  CHECK(integer_text(o.at("a")) == "123456789012345678901234567890");
  CHECK(integer_text(o.at("b")) == "-98765432109876543210");
  CHECK(integer_text(o.at("c")) == "7");
  CHECK_FALSE(integer_text(o.at("d")));  // not an integer
  CHECK_FALSE(integer_text(o.at("e")));  // a real string is never taken for a number
  CHECK(serialize_bigint_json(*v) == R"({"a":123456789012345678901234567890,"b":-98765432109876543210,"c":7,"d":1.5E0,"e":"x"})");
}

TEST_CASE("18446744073709551615 is a uint64, one more is a big integer", "[ledger][json]") {
  auto v = parse_bigint_json("[18446744073709551615,18446744073709551616,-9223372036854775809,1e3]");
  REQUIRE(v);
  auto& a = v->as_array();
  CHECK(a[0].is_uint64());
  CHECK(integer_text(a[1]) == "18446744073709551616");
  CHECK(integer_text(a[2]) == "-9223372036854775809");
  CHECK_FALSE(integer_text(a[3]));  // exponent form is a double, not an amount
}

TEST_CASE("malformed JSON and trailing data are refused", "[ledger][json]") {
  std::string why;
  CHECK_FALSE(parse_bigint_json("{\"a\":", &why));
  CHECK_FALSE(why.empty());
  CHECK_FALSE(parse_bigint_json("{} {}"));
  CHECK_FALSE(parse_bigint_json("\"\xff\""));  // invalid UTF-8 (so no string can look like a big integer)
  CHECK(parse_bigint_json(" {\"k\":[1,2]} "));
}
