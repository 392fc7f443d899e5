#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"

#include <connectivity/abi.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace cx::api;

TEST_CASE("amounts are bare JSON integers of any size") {
  boost::json::object o;
  o["small"] = big_integer("-1234");
  o["big"] = big_integer("123456789012345678901234567890");
  o["negbig"] = big_integer("-000099999999999999999999999");
  o["text"] = "keeps \u0001 control chars";
  std::string s = serialize_body(o);
  CHECK(s ==
        R"({"small":-1234,"big":123456789012345678901234567890,"negbig":-99999999999999999999999,"text":"keeps \u0001 control chars"})");
  CHECK(o["small"].is_int64());
  CHECK_THROWS_AS(big_integer("12.5"), std::invalid_argument);
  CHECK_THROWS_AS(big_integer("1\"}"), std::invalid_argument);
}

TEST_CASE("a client string cannot forge a big-integer placeholder") {
  boost::json::object o;
  o["a"] = big_integer("99999999999999999999");
  o["b"] = "\x01" "00000000000000000000000000000000:1";
  auto s = serialize_body(o);
  CHECK(s == R"({"a":99999999999999999999,"b":"\u000100000000000000000000000000000000:1"})");
}

TEST_CASE("provider payloads are spliced verbatim when Boost.JSON would change their numbers") {
  auto keep = [](std::string_view text) {
    return serialize_body(boost::json::object{{"raw", *raw_json(text)}});
  };
  CHECK(keep(R"({"a":1,"b":"x"})") == R"({"raw":{"a":1,"b":"x"}})");
  CHECK(keep(R"({"amount": 12.50})") == R"({"raw":{"amount": 12.50}})");
  CHECK(keep(R"({"n":1e999})") == R"({"raw":{"n":1e999}})");
  CHECK(keep(R"({"id":12345678901234567890123})") == R"({"raw":{"id":12345678901234567890123}})");
  CHECK(keep(R"({"s":"quote \" and \\ and \u00e9"})") == R"({"raw":{"s":"quote \" and \\ and é"}})");
  CHECK_FALSE(raw_json("{nope"));
  CHECK(raw_json_object("[1,2]").as_object().empty());
  CHECK(raw_json_object("null").as_object().empty());
  CHECK(raw_json_object("garbage").as_object().empty());
  CHECK(serialize_body(boost::json::object{{"raw", raw_json_object(R"( {"x":1.5})")}}) == R"({"raw": {"x":1.5}})");
  CHECK_FALSE(all_numbers_finite(boost::json::parse(R"({"a":[1e999]})")));
  CHECK(all_numbers_finite(boost::json::parse(R"({"a":[1.5]})")));
}

TEST_CASE("a string carrying the marker never breaks the body") {
  std::string marker(splice_marker());
  boost::json::object o{{"a", marker + "\f{\""},
                        {"b", marker},
                        {marker + "42", "key"},
                        {"n", big_integer("123456789012345678901234567890")}};
  std::string s = serialize_body(o);
  auto back = boost::json::parse(s);  // valid JSON
  CHECK(back.at("a").as_string() == marker + "\f{\"");
  CHECK(back.at("b").as_string() == marker);
  CHECK(back.at(marker + "42").as_string() == "key");
  CHECK(s.find("123456789012345678901234567890}") != std::string::npos);
}

TEST_CASE("envelopes") {
  CHECK(data_envelope("x") == R"({"data":"x"})");
  boost::json::array items{1, 2};
  CHECK(cursor_envelope(15, false, "", "", items) == R"({"cursor":{"pageSize":15,"hasMore":false,"data":[1,2]}})");
  CHECK(cursor_envelope(2, true, "p", "n", {}) ==
        R"({"cursor":{"pageSize":2,"hasMore":true,"previous":"p","next":"n","data":[]}})");
  CHECK(error_body("VALIDATION", "name is a required field") ==
        R"({"errorCode":"VALIDATION","errorMessage":"name is a required field"})");
}
