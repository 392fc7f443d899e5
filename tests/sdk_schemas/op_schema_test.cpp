// cx_op_schema: the checks the host applies to op outputs (sdk/validate/op_schema.hpp).
#include "validate/op_schema.hpp"
#include "validate/schema_normalize.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace json = boost::json;
using cx::schema::OpSchemas;

namespace {
const OpSchemas& S() { return OpSchemas::builtin(); }

json::object account(std::string ref = "acc-1") {
  return {{"reference", ref}, {"createdAt", "2024-01-02T03:04:05Z"}, {"defaultAsset", "EUR/2"}};
}
json::object payment(int i) {
  return {{"reference", "p" + std::to_string(i)}, {"createdAt", "2024-01-02T03:04:05.123Z"}, {"type", "PAY-IN"},
          {"amount", std::to_string(1000 + i)}, {"asset", "EUR/2"}, {"status", "SUCCEEDED"}, {"scheme", "SEPA"},
          {"metadata", {{"k", "v"}}}, {"raw", {{"id", i}, {"label", "a provider payload"}}}};
}
json::value page(const char* key, json::array items) {
  return json::object{{"newState", {{"cursor", "c1"}}}, {"hasMore", false}, {key, std::move(items)}};
}
std::string pointer_of(std::string_view schema, const json::value& v) {
  auto r = S().check(schema, v);
  return r ? r->pointer : "(valid)";
}
}  // namespace

TEST_CASE("every op has a compiled request and response schema") {
  for (const char* op : {"install", "uninstall", "create_webhooks", "verify_webhook", "translate_webhook",
                         "fetch_accounts", "fetch_balances", "fetch_external_accounts", "fetch_payments",
                         "create_user", "create_user_link", "update_user_link", "complete_user_link",
                         "delete_user", "delete_user_connection", "create_bank_account", "create_transfer",
                         "create_payout"}) {
    INFO(op);
    CHECK(S().has(std::string(op) + ".request"));
    CHECK(S().has(std::string(op) + ".response"));
  }
  CHECK_THROWS_AS(S().check("no_such_op.response", json::object{}), std::out_of_range);
}

TEST_CASE("a valid page passes and unknown keys stay allowed") {
  auto p = page("accounts", {account()});
  CHECK_FALSE(S().check_output("fetch_accounts", p));
  p.as_object()["futureTopLevel"] = 1;
  p.at("accounts").as_array()[0].as_object()["futureField"] = json::object{{"x", 1}};
  CHECK_FALSE(S().check_output("fetch_accounts", p));
}

TEST_CASE("keys required beside a $ref are enforced (2020-12 $ref with siblings)") {
  // fetch_accounts.response.json: {"$ref": "common.json#/$defs/FetchPage", "required": ["accounts"], …}
  json::value missing = json::object{{"newState", nullptr}, {"hasMore", false}};
  auto v = S().check_output("fetch_accounts", missing);
  REQUIRE(v);
  CHECK(v->pointer == "/accounts");
  CHECK(v->message == "required key is missing");
  // …and what the $ref itself requires
  json::value no_has_more = json::object{{"newState", nullptr}, {"accounts", json::array{}}};
  CHECK(pointer_of("fetch_accounts.response", no_has_more) == "/hasMore");
}

TEST_CASE("wrong types and shapes name the key by JSON pointer") {
  auto p = page("accounts", {});
  p.as_object()["hasMore"] = "yes";
  CHECK(pointer_of("fetch_accounts.response", p) == "/hasMore");

  auto a = page("accounts", {account(), account("b")});
  a.at("accounts").as_array()[1].as_object()["defaultAsset"] = "eur/2";
  CHECK(pointer_of("fetch_accounts.response", a) == "/accounts/1/defaultAsset");

  auto pay = page("payments", {payment(0)});
  pay.at("payments").as_array()[0].as_object()["amount"] = "12.50";
  CHECK(pointer_of("fetch_payments.response", pay) == "/payments/0/amount");
  pay.at("payments").as_array()[0].as_object()["amount"] = "1250";
  pay.at("payments").as_array()[0].as_object()["type"] = "PAYIN";
  CHECK(pointer_of("fetch_payments.response", pay) == "/payments/0/type");

  auto bal = page("balances", {json::object{{"accountReference", "a"}, {"createdAt", "2024-01-02 00:00:00"},
                                            {"amount", "1"}, {"asset", "EUR/2"}}});
  CHECK(pointer_of("fetch_balances.response", bal) == "/balances/0/createdAt");
}

TEST_CASE("references into another op's schema resolve, with that schema's requirements") {
  // update_user_link.request.json: {"$ref": "create_user_link.request.json", "required": ["connection"]}
  json::object psu{{"id", "u"}, {"name", "n"}, {"createdAt", "2024-01-02T03:04:05Z"}, {"metadata", json::object{}}};
  json::object fwd{{"psuID", "u"}, {"connectorID", "c"}, {"metadata", json::object{}}};
  json::object req{{"attemptID", "a"}, {"psu", psu}, {"forwardedUser", fwd}, {"clientRedirectURL", "http://c"},
                   {"redirectURL", "http://r"}, {"callbackState", "s"}, {"webhookBaseURL", "http://w"}};
  CHECK_FALSE(S().check("create_user_link.request", req));
  CHECK(pointer_of("update_user_link.request", req) == "/connection");  // its own sibling requirement
  req["connection"] = json::object{{"connectionID", "c"}, {"createdAt", "2024-01-02T03:04:05Z"},
                                   {"metadata", json::object{}}, {"status", "ACTIVE"}};
  CHECK_FALSE(S().check("update_user_link.request", req));
  req.erase("callbackState");  // required by the referenced file
  CHECK(pointer_of("update_user_link.request", req) == "/callbackState");
}

TEST_CASE("header names are checked through a $ref with a sibling propertyNames") {
  json::object webhook{{"path", "/"}, {"fullURL", "http://h/x"}, {"method", "POST"},
                       {"headers", {{"x-sig", json::array{"good"}}}}, {"queryValues", json::object{}}, {"body", ""}};
  json::object req{{"webhook", webhook},
                   {"config", {{"name", "w"}, {"urlPath", "/x"}, {"fullURL", "http://h/x"}, {"metadata", json::object{}}}}};
  auto base = S().check("verify_webhook.request", req);
  INFO((base ? base->text() : "valid"));
  REQUIRE_FALSE(base);
  req["webhook"].as_object()["headers"] = json::object{{"X-Sig", json::array{"good"}}};
  auto v = S().check("verify_webhook.request", req);
  REQUIRE(v);
  INFO(v->text());
  CHECK(v->pointer == "/webhook/headers");
  CHECK(v->pointer.starts_with("/webhook/headers"));
}

TEST_CASE("a long string under a pattern fails without reaching the regex engine") {
  // libstdc++'s std::regex recurses per character: 10^6 digits would overflow the stack.
  auto pay = page("payments", {payment(0)});
  pay.at("payments").as_array()[0].as_object()["amount"] = std::string(1'000'000, '1');
  auto v = S().check_output("fetch_payments", pay);
  REQUIRE(v);
  CHECK(v->pointer == "/payments/0/amount");
  pay.at("payments").as_array()[0].as_object()["amount"] = std::string(cx::schema::kMaxPatternInput, '1');
  CHECK_FALSE(S().check_output("fetch_payments", pay));
}

TEST_CASE("schemas the validator cannot apply are refused at load, naming the place") {
  auto compile = [](std::string op_schema) {
    return OpSchemas::compile({{"common.json", R"({"$defs": {"A": {"type": "string"}}})"}, {"x.response.json", op_schema}});
  };
  CHECK_NOTHROW(compile(R"({"$ref": "common.json#/$defs/A", "minLength": 2})"));
  CHECK(compile(R"({"$ref": "common.json#/$defs/A", "minLength": 2})")->check("x.response", "a"));
  CHECK_THROWS_WITH(compile(R"({"properties": {"a": {"prefixItems": [true]}}})"),
                    Catch::Contains("x.response.json") && Catch::Contains("/properties/a/prefixItems"));
  CHECK_THROWS_WITH(compile(R"({"$ref": "common.json#/$defs/Missing"})"), Catch::Contains("x.response.json"));
  CHECK_THROWS_WITH(compile(R"({"$ref": "other.json#/x"})"), Catch::Contains("other.json"));
  CHECK_THROWS_WITH(compile(R"({"type": )"), Catch::Contains("invalid JSON"));
}

TEST_CASE("the directory loader reads the same schemas as the embedded set") {
  auto dir = OpSchemas::load(CX_SCHEMA_DIR);
  CHECK(dir->names() == S().names());
  json::value bad = json::object{{"newState", nullptr}, {"hasMore", false}};
  auto a = dir->check_output("fetch_accounts", bad), b = S().check_output("fetch_accounts", bad);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->text() == b->text());
}

TEST_CASE("checks from several threads at once") {
  auto good = page("payments", {payment(1), payment(2)});
  auto bad = good;
  bad.as_object()["hasMore"] = "yes";
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (S().check_output("fetch_payments", good) || !S().check_output("fetch_payments", bad)) ++wrong;
    });
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
}
