// Classification of the service's HTTP errors into CX_ERR_* codes (retried or not).
#include "fake_service.hpp"

using cx::testing::Driver;
using cx::testing::FakeHost;

namespace {

cx::testing::Outcome fetch_with(FakeHost& host, int status, std::string body, std::map<std::string, std::string> headers = {}) {
  host.push_response(status, std::move(body), std::move(headers));
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  return d.call(&cx_connector::fetch_payments, R"({"state":null,"pageSize":10})"sv);
}

boost::json::object err(const cx::testing::Outcome& o) { return boost::json::parse(o.err).as_object(); }

}  // namespace

TEST_CASE("errors: 401/403 are AUTH (not retried) and carry the service's Title and Detail") {
  FakeHost host;
  SECTION("capitalised keys, as the spec writes them") {
    auto o = fetch_with(host, 401, R"({"Title":"Unauthorized","Detail":"API key revoked"})");
    CHECK(o.code == CX_ERR_AUTH);
    CHECK(o.message().find("Unauthorized: API key revoked") != std::string::npos);
    CHECK(o.message().find("401") != std::string::npos);
  }
  SECTION("lower-case keys") {
    auto o = fetch_with(host, 403, R"({"title":"Forbidden","detail":"wrong tenant"})");
    CHECK(o.code == CX_ERR_AUTH);
    CHECK(o.message().find("Forbidden: wrong tenant") != std::string::npos);
  }
  SECTION("not JSON: the raw text") {
    auto o = fetch_with(host, 401, "<html><body>Access denied</body></html>\n");
    CHECK(o.code == CX_ERR_AUTH);
    CHECK(o.message().find("<html><body>Access denied</body></html>") != std::string::npos);
  }
}

TEST_CASE("errors: 429 is RATE_LIMITED with retryAfterMs from Retry-After") {
  FakeHost host;
  SECTION("delta seconds") {
    auto o = fetch_with(host, 429, R"({"Title":"Too Many Requests","Detail":"slow down"})", {{"retry-after", "7"}});
    CHECK(o.code == CX_ERR_RATE_LIMITED);
    CHECK(err(o).at("retryAfterMs") == 7000);
    CHECK(o.message().find("slow down") != std::string::npos);
  }
  SECTION("HTTP date, relative to the host clock") {
    host.now_ms = 1700000000000;  // 2023-11-14T22:13:20Z
    auto o = fetch_with(host, 429, "", {{"retry-after", "Tue, 14 Nov 2023 22:13:50 GMT"}});
    CHECK(o.code == CX_ERR_RATE_LIMITED);
    CHECK(err(o).at("retryAfterMs") == 30000);
  }
  SECTION("absent") {
    auto o = fetch_with(host, 429, "");
    CHECK(o.code == CX_ERR_RATE_LIMITED);
    CHECK_FALSE(err(o).contains("retryAfterMs"));
  }
}

TEST_CASE("errors: 5xx and 408 are UPSTREAM (retried)") {
  int status = GENERATE(500, 502, 503, 504, 408);
  FakeHost host;
  auto o = fetch_with(host, status, R"({"Title":"Oops","Detail":"db down"})");
  CHECK(o.code == CX_ERR_UPSTREAM);
  CHECK(o.message().find("Oops: db down") != std::string::npos);
}

TEST_CASE("errors: other 4xx are INVALID_ARGUMENT, 404 NOT_FOUND (not retried)") {
  FakeHost host;
  CHECK(fetch_with(host, 400, R"({"Title":"Bad Request","Detail":"pageSize"})").code == CX_ERR_INVALID_ARGUMENT);
  CHECK(fetch_with(host, 422, "unprocessable").code == CX_ERR_INVALID_ARGUMENT);
  CHECK(fetch_with(host, 404, "").code == CX_ERR_NOT_FOUND);
}

TEST_CASE("errors: no response at all keeps the host's code") {
  FakeHost host;
  int32_t code = GENERATE(CX_ERR_TIMEOUT, CX_ERR_UPSTREAM, CX_ERR_AUTH);
  host.fail_next_http(code);
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  auto o = d.call(&cx_connector::fetch_accounts, R"({"state":null,"pageSize":10})"sv);
  CHECK(o.code == code);
}

TEST_CASE("errors: a 2xx body that is not a JSON array is UPSTREAM; null is an empty page") {
  FakeHost host;
  auto html = fetch_with(host, 200, "<html>maintenance</html>");
  CHECK(html.code == CX_ERR_UPSTREAM);
  CHECK(html.message().find("not JSON") != std::string::npos);
  CHECK(fetch_with(host, 200, R"({"data":[]})").code == CX_ERR_UPSTREAM);
  auto null_page = fetch_with(host, 200, "null");
  REQUIRE(null_page.code == CX_OK);
  CHECK(null_page.json().at("payments").as_array().empty());
  CHECK_FALSE(null_page.json().at("hasMore").as_bool());
}

TEST_CASE("errors: balances answered with a non-object is UPSTREAM") {
  FakeHost host;
  host.push_response(200, "[]");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  CHECK(d.call(&cx_connector::fetch_balances, R"({"fromPayload":{"reference":"a"}})"sv).code == CX_ERR_UPSTREAM);
}

TEST_CASE("errors: a wrong key is refused by the service and surfaces as AUTH") {
  FakeHost host;
  gtest::FakeService service;
  host.on_http([&](const cx::HttpRequest& r) { return service.handle(r); });
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, R"({"apiKey":"wrong","endpoint":"http://svc.test/api"})");
  auto o = d.call(&cx_connector::fetch_accounts, R"({"state":null,"pageSize":10})"sv);
  CHECK(o.code == CX_ERR_AUTH);
  CHECK(o.message().find("missing or wrong API key") != std::string::npos);
}
