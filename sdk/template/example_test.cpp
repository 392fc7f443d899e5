// Unit tests of the example connector through the C ABI, with the SDK's scripted FakeHost.
#include <connectivity/testing/fake_host.hpp>

#include <catch2/catch.hpp>

extern "C" const cx_connector* cx_connector_entry(uint32_t);  // defined by CX_CONNECTOR in example.cpp

namespace {
const char* kConfig = R"({"name": "ex", "apiKey": "k-123456"})";
}

TEST_CASE("fetch_accounts maps a page and keeps the last id as state") {
  cx::testing::FakeHost host;
  host.push_response(200, R"({"data": [{"id": "acc_1", "name": "Main", "currency": "EUR",
                                        "createdAt": "2024-01-02T03:04:05Z"}]})");
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, kConfig);
  auto out = d.call_ok(&cx_connector::fetch_accounts, R"({"state": null, "pageSize": 2})");
  REQUIRE(out.at("accounts").as_array().size() == 1);
  CHECK(out.at("accounts").at(0).at("reference") == "acc_1");
  CHECK(out.at("accounts").at(0).at("defaultAsset") == "EUR/2");
  CHECK(out.at("newState").at("after") == "acc_1");
  CHECK(out.at("hasMore") == false);  // 1 item < pageSize 2
  REQUIRE(host.requests().size() == 1);
  CHECK(host.requests()[0].url == "https://api.example.com/accounts?limit=2");
}

TEST_CASE("the next call asks for the items after the state's id") {
  cx::testing::FakeHost host;
  host.push_response(200, R"({"data": []})");
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, kConfig);
  auto out = d.call_ok(&cx_connector::fetch_accounts, R"({"state": {"after": "acc_9"}, "pageSize": 5})");
  CHECK(out.at("accounts").as_array().empty());
  CHECK(out.at("newState").at("after") == "acc_9");
  CHECK(host.requests()[0].url == "https://api.example.com/accounts?limit=5&after=acc_9");
}

TEST_CASE("a 429 is RATE_LIMITED with the provider's Retry-After") {
  cx::testing::FakeHost host;
  host.push_response(429, "{}", {{"retry-after", "30"}});
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, kConfig);
  auto o = d.call(&cx_connector::fetch_payments, R"({"state": null, "pageSize": 10})");
  CHECK(o.code == CX_ERR_RATE_LIMITED);
  CHECK(boost::json::parse(o.err).at("retryAfterMs") == 30000);
}

TEST_CASE("a missing apiKey is refused naming the field") {
  cx::testing::FakeHost host;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, R"({"name": "ex"})");
  CHECK(d.create_code() == CX_ERR_INVALID_ARGUMENT);
  CHECK(boost::json::parse(d.create_error()).at("field") == "apiKey");
}

TEST_CASE("an item without a required field is skipped, the rest of the page is kept") {
  cx::testing::FakeHost host;
  host.push_response(200, R"({"data": [{"id": "acc_1", "currency": "EUR", "createdAt": "2024-01-02T03:04:05Z"},
                                       {"id": "acc_2", "name": "Ops", "currency": "EUR", "createdAt": "2024-01-02T03:04:05Z"}]})");
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, kConfig);
  auto out = d.call_ok(&cx_connector::fetch_accounts, R"({"state": null, "pageSize": 5})");
  REQUIRE(out.at("accounts").as_array().size() == 1);
  CHECK(out.at("accounts").at(0).at("reference") == "acc_2");
  CHECK(out.at("newState").at("after") == "acc_2");
}

TEST_CASE("a 2xx whose body is not JSON is UPSTREAM, retried by the host") {
  cx::testing::FakeHost host;
  host.push_response(200, "<html>maintenance</html>");
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, kConfig);
  CHECK(d.call(&cx_connector::fetch_accounts, R"({"state": null, "pageSize": 5})").code == CX_ERR_UPSTREAM);
}
