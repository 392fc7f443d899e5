#include "host/api/query_parser.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace cx::api;
using Kind = cx::store::Filter::Kind;

namespace {
std::string error_of(std::string_view text) {
  try {
    parse_query(text);
  } catch (const QuerySyntaxError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("empty text, blank text, null and {} mean no filter") {
  CHECK_FALSE(parse_query(std::string_view("")));
  CHECK_FALSE(parse_query(std::string_view("  \n")));
  CHECK_FALSE(parse_query(std::string_view("{}")));
  CHECK_FALSE(parse_query(std::string_view("null")));
}

TEST_CASE("leaves keep key, operator and value") {
  auto f = parse_query(std::string_view(R"({"$match":{"psu_id":"abc"}})"));
  REQUIRE(f);
  CHECK(f->kind == Kind::Match);
  CHECK(f->key == "psu_id");
  CHECK(f->value.as_string() == "abc");

  auto g = parse_query(std::string_view(R"({"$gte":{"amount":-5}})"));
  CHECK(g->kind == Kind::Gte);
  CHECK(g->value.as_int64() == -5);

  auto in = parse_query(std::string_view(R"({"$in":{"status":["A","B"]}})"));
  CHECK(in->kind == Kind::In);
  CHECK(in->value.as_array().size() == 2);

  auto ex = parse_query(std::string_view(R"({"$exists":{"psu_id":false}})"));
  CHECK(ex->kind == Kind::Exists);
  CHECK(parse_query(std::string_view(R"({"$like":{"name":"a%"}})"))->kind == Kind::Like);
  CHECK(parse_query(std::string_view(R"({"$match":{"metadata[k]":"v"}})"))->key == "metadata[k]");
}

TEST_CASE("$and / $or / $not nest") {
  auto f = parse_query(std::string_view(
      R"({"$and":[{"$match":{"a":"1"}},{"$or":[{"$lt":{"b":2}},{"$not":{"$match":{"c":true}}}]}]})"));
  REQUIRE(f);
  CHECK(f->kind == Kind::And);
  REQUIRE(f->children.size() == 2);
  CHECK(f->children[1].kind == Kind::Or);
  CHECK(f->children[1].children[1].kind == Kind::Not);
  CHECK(f->children[1].children[1].children.at(0).key == "c");
  auto empty_and = parse_query(std::string_view(R"({"$and":[]})"));
  CHECK(empty_and->children.empty());
}

TEST_CASE("errors name the operator or key at fault") {
  CHECK_THAT(error_of(R"({"$match":{"a":1},"$lt":{"b":2}})"), Catch::Contains("exactly one key"));
  CHECK_THAT(error_of(R"({"$eq":{"a":1}})"), Catch::Contains("\"$eq\""));
  CHECK_THAT(error_of(R"({"$match":{"amount":1.5}})"), Catch::Contains("\"amount\"") && Catch::Contains("integer"));
  CHECK_THAT(error_of(R"({"$match":{"a":{"b":1}}})"), Catch::Contains("\"a\""));
  CHECK_THAT(error_of(R"({"$match":{"a":null}})"), Catch::Contains("\"a\""));
  CHECK_THAT(error_of(R"({"$match":{"a":18446744073709551615}})"), Catch::Contains("out of range"));
  CHECK_THAT(error_of(R"({"$in":{"s":"A"}})"), Catch::Contains("$in") && Catch::Contains("\"s\""));
  CHECK_THAT(error_of(R"({"$in":{"s":[1.5]}})"), Catch::Contains("integers"));
  CHECK_THAT(error_of(R"({"$exists":{"s":"yes"}})"), Catch::Contains("$exists"));
  CHECK_THAT(error_of(R"({"$and":{"a":1}})"), Catch::Contains("$and"));
  CHECK_THAT(error_of(R"({"$or":[1]})"), Catch::Contains("$or") && Catch::Contains("item 0"));
  CHECK_THAT(error_of(R"({"$match":{}})"), Catch::Contains("$match"));
  CHECK_THAT(error_of(R"({"$match":{"":1}})"), Catch::Contains("empty key"));
  CHECK_THAT(error_of(R"({"$not":[]})"), Catch::Contains("expected an object"));
  CHECK_THAT(error_of(R"([1])"), Catch::Contains("object"));
  CHECK_THAT(error_of(R"({"$match":)"), Catch::Contains("not valid JSON"));
}

TEST_CASE("deep nesting is refused, not a stack overflow") {
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += R"({"$not":)";
  deep += R"({"$match":{"a":1}})";
  for (int i = 0; i < 2000; ++i) deep += "}";
  CHECK_FALSE(error_of(deep).empty());
}

TEST_CASE("filter_to_json round-trips") {
  const char* text = R"({"$and":[{"$match":{"a":"1"}},{"$not":{"$in":{"b":[1,2]}}},{"$or":[]}]})";
  auto f = parse_query(std::string_view(text));
  CHECK(boost::json::serialize(filter_to_json(*f)) == text);
}

TEST_CASE("filters are bounded in terms and values, with a message naming the limit") {
  auto or_of = [](size_t leaves) {
    std::string s = R"({"$or":[)";
    for (size_t i = 0; i < leaves; ++i) s += std::string(i ? "," : "") + R"({"$match":{"reference":"r)" + std::to_string(i) + "\"}}";
    return s + "]}";
  };
  CHECK(error_of(or_of(cx::api::kMaxFilterTerms)).empty());
  CHECK(error_of(or_of(cx::api::kMaxFilterTerms + 1)).find("more than 100 terms (the limit)") != std::string::npos);
  CHECK(error_of(or_of(2000)).find("terms (the limit)") != std::string::npos);

  auto in_of = [](size_t values) {
    std::string s = R"({"$and":[{"$in":{"reference":[)";
    for (size_t i = 0; i < values; ++i) s += std::string(i ? "," : "") + std::to_string(i);
    return s + R"(]}},{"$match":{"psu_id":"x"}}]})";
  };
  CHECK(error_of(in_of(cx::api::kMaxFilterValues - 1)).empty());
  CHECK(error_of(in_of(cx::api::kMaxFilterValues)).find("more than 1000 values (the limit)") != std::string::npos);
}
