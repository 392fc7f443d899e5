#include "host/api/cursor.hpp"
#include "host/api/query_parser.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace cx::api;

TEST_CASE("pageSize: default, zero, clamp, garbage") {
  CHECK(parse_page_size(std::nullopt) == 15);
  CHECK(parse_page_size(std::string_view("")) == 15);
  CHECK(parse_page_size(std::string_view("0")) == 15);
  CHECK(parse_page_size(std::string_view("7")) == 7);
  CHECK(parse_page_size(std::string_view("100")) == 100);
  CHECK(parse_page_size(std::string_view("101")) == 100);
  CHECK(parse_page_size(std::string_view("4294967295")) == 100);
  for (const char* bad : {"-1", "+1", "1.5", "abc", "4294967296", "12x", " 1"})
    CHECK_THROWS_AS(parse_page_size(std::string_view(bad)), PageRequestError);
}

TEST_CASE("a request without cursor takes pageSize, filter text and options") {
  PageInputs in;
  in.page_size = "20";
  in.filter_text = R"({"$match":{"psu_id":"p"}})";
  in.options = boost::json::object{{"asset", "EUR/2"}};
  auto r = read_page_request(in);
  CHECK(r.query.page_size == 20);
  CHECK_FALSE(r.query.after);
  CHECK_FALSE(r.query.before);
  REQUIRE(r.query.filter);
  CHECK(r.query.filter->key == "psu_id");
  CHECK(r.options.at("asset").as_string() == "EUR/2");
}

TEST_CASE("a cursor carries its key, page size, filter and options, and wins over the rest") {
  PageInputs first;
  first.page_size = "2";
  first.filter_text = R"({"$match":{"psu_id":"p"}})";
  first.options = boost::json::object{{"asset", "EUR/2"}};
  auto r = read_page_request(first);
  std::string next = encode_cursor(r, CursorSide::After, {1700000000123, 42});

  auto raw = boost::json::parse(*cx::util::base64url_decode(next)).as_object();
  CHECK_FALSE(raw.contains("offset"));
  CHECK(boost::json::serialize(raw.at("after")) == "[1700000000123,42]");
  CHECK(raw.at("order").as_int64() == 1);
  CHECK(raw.at("pageSize").as_int64() == 2);
  CHECK(raw.at("filters").at("pageSize").as_int64() == 2);
  CHECK(boost::json::serialize(raw.at("filters").at("qb")) == R"({"$match":{"psu_id":"p"}})");
  CHECK(next.find('=') == std::string::npos);

  PageInputs again;
  again.cursor = next;
  again.page_size = "99";  // ignored
  again.filter_text = R"({"$match":{"psu_id":"other"}})";  // ignored
  auto r2 = read_page_request(again);
  CHECK(r2.query.after == cx::store::PageKey{1700000000123, 42});
  CHECK_FALSE(r2.query.before);
  CHECK(r2.query.page_size == 2);
  CHECK(r2.query.filter->value.as_string() == "p");
  CHECK(r2.options.at("asset").as_string() == "EUR/2");
}

TEST_CASE("a previous cursor carries a before key") {
  PageRequest r;
  r.query.page_size = 3;
  PageInputs in;
  std::string prev = encode_cursor(r, CursorSide::Before, {5, 6});
  in.cursor = prev;
  auto back = read_page_request(in);
  CHECK(back.query.before == cx::store::PageKey{5, 6});
  CHECK_FALSE(back.query.after);
  CHECK(back.query.page_size == 3);
}

TEST_CASE("bad cursors are PageRequestError naming the cursor") {
  auto enc = [](const char* s) { return cx::util::base64url_encode(s); };
  for (std::string bad : {std::string("%%%"), enc("nope"), enc("[]"), enc(R"({"after":[1,2]})"),
                          enc(R"({"offset":0,"pageSize":5})"),  // the old offset form
                          enc(R"({"pageSize":-1})"), enc(R"({"pageSize":"1"})"),
                          enc(R"({"pageSize":5,"after":[1]})"), enc(R"({"pageSize":5,"after":["1",2]})"),
                          enc(R"({"pageSize":5,"after":{"a":1}})"), enc(R"({"pageSize":5,"before":[1.5,2]})"),
                          enc(R"({"pageSize":5,"after":[1,2],"before":[3,4]})"),
                          enc(R"({"pageSize":5,"filters":[]})"),
                          enc(R"({"pageSize":5,"filters":{"qb":{"$bad":{}}}})"),
                          enc(R"({"pageSize":5,"filters":{"options":3}})")}) {
    PageInputs in;
    in.cursor = bad;
    try {
      read_page_request(in);
      FAIL("accepted " << bad);
    } catch (const PageRequestError& e) {
      CHECK(std::string(e.what()).rfind("invalid cursor: ", 0) == 0);
    }
  }
}

TEST_CASE("a cursor's page size is clamped like the parameter") {
  PageInputs in;
  std::string c = cx::util::base64url_encode(R"({"pageSize":1000,"filters":{"qb":null}})");
  in.cursor = c;
  CHECK(read_page_request(in).query.page_size == 100);
}
