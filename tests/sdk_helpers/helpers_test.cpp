// HTTP classification, Retry-After, the JSON call, query building, JSON accessors, exact numbers,
// Go durations, typed pages and the Botan-backed crypto helpers.
#include <connectivity/crypto.hpp>
#include <connectivity/duration.hpp>
#include <connectivity/http.hpp>
#include <connectivity/json.hpp>
#include <connectivity/pages.hpp>
#include <connectivity/testing/fake_host.hpp>

#include <catch2/catch.hpp>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {
cx::HttpResponse response(int status, std::string body = {}, std::string retry_after = {}) {
  cx::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!retry_after.empty()) r.headers["retry-after"] = retry_after;
  return r;
}
constexpr int64_t kNow = 784111777000;  // Sun, 06 Nov 1994 08:49:37 GMT
cx::JsonCall spec_of(std::string what, cx::Shape shape = cx::Shape::any) {
  cx::JsonCall spec;
  spec.what = std::move(what);
  spec.shape = shape;
  return spec;
}
}  // namespace

TEST_CASE("classify: every status class has one CX status") {
  CHECK(cx::classify(response(200), kNow).code == CX_OK);
  CHECK(cx::classify(response(204), kNow).code == CX_OK);
  CHECK(cx::classify(response(401), kNow).code == CX_ERR_AUTH);
  CHECK(cx::classify(response(403), kNow).code == CX_ERR_AUTH);
  CHECK(cx::classify(response(404), kNow).code == CX_ERR_NOT_FOUND);
  CHECK(cx::classify(response(408), kNow).code == CX_ERR_UPSTREAM);
  CHECK(cx::classify(response(400), kNow).code == CX_ERR_INVALID_ARGUMENT);
  CHECK(cx::classify(response(422), kNow).code == CX_ERR_INVALID_ARGUMENT);
  CHECK(cx::classify(response(500), kNow).code == CX_ERR_UPSTREAM);
  CHECK(cx::classify(response(503), kNow).code == CX_ERR_UPSTREAM);
  auto limited = cx::classify(response(429, "", "7"), kNow);
  CHECK(limited.code == CX_ERR_RATE_LIMITED);
  CHECK(limited.retry_after_ms == 7000);
  CHECK(cx::classify(response(503, "", "Sun, 06 Nov 1994 08:50:07 GMT"), kNow).retry_after_ms == 30000);
  CHECK(cx::classify(response(400, "", "7"), kNow).retry_after_ms == 0);  // only 429 and 503 ask for a pause
}

TEST_CASE("retry_after_ms: delta-seconds and the three HTTP-date forms (RFC 9110 §10.2.3, §5.6.7)") {
  CHECK(cx::retry_after_ms("120", kNow) == 120000);
  CHECK(cx::retry_after_ms(" 0 ", kNow) == 0);
  CHECK(cx::retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", kNow) == 10000);
  CHECK(cx::retry_after_ms("Sunday, 06-Nov-94 08:49:47 GMT", kNow) == 10000);
  CHECK(cx::retry_after_ms("Sun Nov  6 08:49:47 1994", kNow) == 10000);
  CHECK(cx::retry_after_ms("Sun, 06 Nov 1994 08:00:00 GMT", kNow) == 0);  // in the past
  CHECK_FALSE(cx::retry_after_ms("", kNow));
  CHECK_FALSE(cx::retry_after_ms("soon", kNow));
  CHECK_FALSE(cx::retry_after_ms("12s", kNow));
  CHECK_FALSE(cx::retry_after_ms("-5", kNow));
  CHECK(cx::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == kNow);
}

TEST_CASE("json_of: a garbage or wrong-shaped 2xx is UPSTREAM (retried), an error status is classified") {
  cx::JsonCall spec = spec_of("acme GET /accounts", cx::Shape::array);
  CHECK(cx::json_of(response(200, "[1,2]"), spec, kNow).as_array().size() == 2);
  auto code_of = [&](const cx::HttpResponse& r) {
    try {
      cx::json_of(r, spec, kNow);
    } catch (const cx::Failure& f) {
      return f.code();
    }
    return CX_OK;
  };
  CHECK(code_of(response(200, "<html>oops</html>")) == CX_ERR_UPSTREAM);
  CHECK(code_of(response(200, "")) == CX_ERR_UPSTREAM);
  CHECK(code_of(response(200, R"({"accounts": []})")) == CX_ERR_UPSTREAM);
  CHECK(code_of(response(401, R"({"error": "bad key"})")) == CX_ERR_AUTH);
  try {
    cx::json_of(response(429, "slow down", "3"), spec, kNow);
    FAIL("no throw");
  } catch (const cx::Failure& f) {
    CHECK(f.code() == CX_ERR_RATE_LIMITED);
    CHECK(f.retry_after_ms() == 3000);
    CHECK(std::string(f.what()) == "acme GET /accounts: HTTP 429: slow down");
  }
  cx::JsonCall exact = spec_of("x", cx::Shape::object);
  exact.exact = cx::json::Numbers::text;
  CHECK(cx::json_of(response(200, R"({"amount": 12.50})"), exact, kNow).at("amount") == "12.50");
}

TEST_CASE("call_json goes through the host with the call's deadline") {
  cx::testing::FakeHost host;
  host.push_response(503, "down", {{"retry-after", "2"}});
  cx_call raw{};
  cx::Call call(&raw);
  cx::HttpRequest req;
  req.url = "https://api.acme.example/accounts";
  try {
    cx::call_json(cx::Host(host.api()), req, call, spec_of("acme GET /accounts"));
    FAIL("no throw");
  } catch (const cx::Failure& f) {
    CHECK(f.code() == CX_ERR_UPSTREAM);
    CHECK(f.retry_after_ms() == 2000);
  }
  REQUIRE(host.requests().size() == 1);
}

TEST_CASE("percent_encode and with_query keep only RFC 3986 unreserved bytes") {
  CHECK(cx::percent_encode("a b/c&d=e~f.g_h-i") == "a%20b%2Fc%26d%3De~f.g_h-i");
  CHECK(cx::percent_encode("é") == "%C3%A9");
  CHECK(cx::with_query("https://a.example/v1/items", {{"from", "2024-01-01T00:00:00+01:00"}, {"q", "x y"}}) ==
        "https://a.example/v1/items?from=2024-01-01T00%3A00%3A00%2B01%3A00&q=x%20y");
  CHECK(cx::with_query("https://a.example/p?limit=5", {{"page", "2"}}) == "https://a.example/p?limit=5&page=2");
  CHECK(cx::with_query("https://a.example/p", {}) == "https://a.example/p");
  CHECK(cx::query_param("https://a.example/cb?code=a%2Fb&state=s", "code") == "a/b");
  CHECK_FALSE(cx::query_param("https://a.example/cb?state=s", "code"));
}

TEST_CASE("json accessors throw BadItem naming the field") {
  json::object item{{"id", "a1"}, {"n", 3}, {"empty", ""}, {"nul", nullptr}};
  CHECK(cx::json::required_string(item, "id") == "a1");
  auto why = [&](auto f) {
    try {
      f();
    } catch (const cx::BadItem& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  CHECK(why([&] { cx::json::required_string(item, "name"); }) == "name is missing");
  CHECK(why([&] { cx::json::required_string(item, "nul"); }) == "nul is missing");
  CHECK(why([&] { cx::json::required_string(item, "n"); }) == "n 3 is not a string");
  CHECK(why([&] { cx::json::required_string(item, "empty"); }) == "empty is empty");
  CHECK(why([&] { cx::json::required_object(item, "id"); }) == "id \"a1\" is not an object");
  CHECK(cx::json::optional_string(item, "empty") == std::nullopt);
  CHECK(why([&] { cx::json::optional_string(item, "n"); }) == "n 3 is not a string");
  CHECK(cx::json::id_text(item.if_contains("n")) == "3");
}

TEST_CASE("parse_exact keeps numbers exact") {
  auto v = cx::json::parse_exact(R"({"a": 1981.3000000000002, "b": -12, "c": 18446744073709551616, "d": 1e3})");
  REQUIRE(v);
  CHECK(v->at("a") == "1981.3000000000002");
  CHECK(v->at("b") == -12);
  CHECK(v->at("c") == "18446744073709551616");
  CHECK(v->at("d") == "1e3");
  auto r = cx::json::parse_exact(R"([1981.3000000000002, 0.1])", cx::json::Numbers::rounded);
  REQUIRE(r);
  CHECK(r->at(0).as_double() == 1981.3000000000002);
  CHECK(cx::json::number_text(r->at(1)) == "0.1");
  CHECK_FALSE(cx::json::parse_exact("{\"a\": }"));
  CHECK_FALSE(cx::json::parse_exact("{} x"));
  CHECK(cx::json::parse_exact("{} \n"));
  auto powens = cx::json::parse_exact(R"({"a":-12.5,"b":1234.56,"d":1e-2,"f":[3.30]})");
  CHECK(powens->at("a") == "-12.5");
  CHECK(powens->at("b") == "1234.56");
  CHECK(powens->at("d") == "1e-2");
  CHECK(powens->at("f").at(0) == "3.30");
  CHECK(cx::json::decimal_text(&v->at("b")) == "-12");
}

TEST_CASE("parse_go_duration follows Go's time.ParseDuration") {
  CHECK(cx::parse_go_duration("30m") == 30min);
  CHECK(cx::parse_go_duration("1h30m") == 90min);
  CHECK(cx::parse_go_duration("1.5s") == 1500ms);
  CHECK(cx::parse_go_duration("500ms") == 500ms);
  CHECK(cx::parse_go_duration("2\xC2\xB5s") == 2us);
  CHECK(cx::parse_go_duration("3ns") == 3ns);
  CHECK(cx::parse_go_duration(".5h") == 30min);
  CHECK(cx::parse_go_duration("-1m") == -1min);
  CHECK(cx::parse_go_duration("0") == 0ns);
  CHECK(cx::parse_go_duration("1h0m0s") == 1h);
  for (const char* bad : {"", "m", "30", "30 m", "1d", ".s", "1.2.3s", "9999999999h", "+", "30mm"})
    CHECK_FALSE(cx::parse_go_duration(bad));
  CHECK_FALSE(cx::is_positive_duration("0s"));
  CHECK(cx::is_positive_duration("1ms"));
}

TEST_CASE("FetchRequest clamps the page size and types the parent item") {
  cx_call raw{};
  std::string body = R"({"state": {"cursor": "c"}, "fromPayload": {"reference": "acc-1", "createdAt": "2024-01-01T00:00:00Z"}, "pageSize": 5000})";
  raw.request_json = {body.data(), body.size()};
  cx::Call call(&raw);
  auto req = cx::FetchRequest::of(call, {.default_size = 25, .max_size = 1000});
  CHECK(req.page_size == 1000);
  CHECK(req.state_object()->at("cursor") == "c");
  CHECK(req.parent<cx::Account>().reference == "acc-1");
  std::string none = R"({"pageSize": 0})";
  raw.request_json = {none.data(), none.size()};
  cx::Call call2(&raw);
  auto req2 = cx::FetchRequest::of(call2, {.default_size = 25, .max_size = 1000});
  CHECK(req2.page_size == 25);
  CHECK_THROWS_AS(req2.parent<cx::Account>(), cx::Failure);
}

TEST_CASE("OpenBankingScope reads the connection of an open-banking fetch") {
  cx_call raw{};
  std::string body = R"({"fromPayload": {"psuID": "p1", "forwardedUser": {"providerUserID": "u1", "accessToken": {"token": "ut"}},
    "connection": {"connectionID": "c1", "accessToken": {"token": ""}}, "fromPayload": {"reference": "acc-1"}}})";
  raw.request_json = {body.data(), body.size()};
  cx::Call call(&raw);
  auto s = cx::OpenBankingScope::of(call);
  CHECK(s.psu_id == "p1");
  CHECK(s.provider_user_id == "u1");
  CHECK(s.user_token == "ut");
  CHECK(s.connection_id == "c1");
  CHECK(s.connection_token == std::nullopt);  // empty is none
  REQUIRE(s.parent);
  CHECK(s.parent->at("reference") == "acc-1");
  std::string none = R"({"fromPayload": null})";
  raw.request_json = {none.data(), none.size()};
  cx::Call call2(&raw);
  try {
    cx::OpenBankingScope::of(call2);
    FAIL("no fromPayload was accepted");
  } catch (const cx::Failure& f) {
    CHECK(f.code() == CX_ERR_INVALID_ARGUMENT);
    CHECK(f.field() == "fromPayload");
  }
}

TEST_CASE("pages serialise to the op's response keys") {
  cx::AccountsPage a;
  cx::Account& acc = a.accounts.emplace_back();
  acc.reference = "r";
  acc.created_at = "2024-01-01T00:00:00Z";
  a.new_state = json::object{{"page", 2}};
  a.has_more = true;
  json::value v = a;
  CHECK(v.at("accounts").as_array().size() == 1);
  CHECK(v.at("newState").at("page") == 2);
  CHECK(v.at("hasMore") == true);
  json::value e = cx::ExternalAccountsPage{};
  CHECK(e.as_object().contains("externalAccounts"));
  json::value b = cx::BalancesPage{};
  CHECK(b.at("newState").is_null());
  cx::PaymentsPage p;
  CHECK(json::value(p).at("paymentsToDelete") == json::array{});
  p.payments_to_delete.push_back({"gone"});
  CHECK(json::value(p).at("paymentsToDelete").at(0).at("reference") == "gone");
}

TEST_CASE("crypto: Botan-backed digests, HMAC and base64url") {
  CHECK(cx::crypto::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  std::string mac = cx::crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(Botan::hex_encode(reinterpret_cast<const uint8_t*>(mac.data()), mac.size(), false) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(cx::crypto::base64url_encode("\xfb\xff") == "-_8");
  CHECK(cx::crypto::base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK_FALSE(cx::crypto::base64url_decode("+/8"));
  CHECK_FALSE(cx::crypto::base64_decode("not base64!"));
  CHECK(cx::crypto::equal_constant_time("abc", "abc"));
  CHECK_FALSE(cx::crypto::equal_constant_time("abc", "abd"));
  CHECK_FALSE(cx::crypto::equal_constant_time("abc", "ab"));
}
