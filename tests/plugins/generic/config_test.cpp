// Config validation, descriptor, install tree and request shape of the generic connector.
#include "fake_service.hpp"

using cx::testing::Driver;
using cx::testing::FakeHost;

namespace {

boost::json::object err_of(const Driver& d) { return boost::json::parse(d.create_error()).as_object(); }

std::string field_of(const Driver& d) {
  auto e = err_of(d);
  return e.contains("field") ? std::string(e.at("field").as_string()) : std::string{};
}

}  // namespace

TEST_CASE("descriptor: id, capabilities and the slots they promise") {
  const cx_connector* c = cx_connector_entry(CX_ABI_VERSION);
  REQUIRE(c != nullptr);
  CHECK(std::string(c->id) == "generic");
  CHECK(c->capabilities == (CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS |
                            CX_CAP_FETCH_PAYMENTS | CX_CAP_ALLOW_ACCOUNT_CREATION | CX_CAP_ALLOW_PAYMENT_CREATION));
  CHECK(c->install != nullptr);
  CHECK(c->fetch_accounts != nullptr);
  CHECK(c->fetch_balances != nullptr);
  CHECK(c->fetch_external_accounts != nullptr);
  CHECK(c->fetch_payments != nullptr);
  CHECK(c->create_webhooks == nullptr);
  CHECK(c->create_user == nullptr);
  CHECK(c->create_payout == nullptr);
  REQUIRE(c->config_schema_json != nullptr);
  auto schema = boost::json::parse(c->config_schema_json).as_object();
  CHECK(boost::json::serialize(schema.at("required")) == R"(["apiKey","endpoint"])");
  CHECK(schema.at("properties").as_object().contains("pollingPeriod"));
  CHECK(cx_connector_entry((2u << 16) | 0u) == nullptr);
}

TEST_CASE("config: a valid config creates an instance") {
  FakeHost host;
  const char* cfg = GENERATE(R"({"name":"g","apiKey":"k","endpoint":"https://svc.example.com"})",
                             R"({"apiKey":"k","endpoint":"http://127.0.0.1:8080/prefix/","pollingPeriod":"2m"})",
                             R"({"apiKey":"k","endpoint":"http://[::1]:9000","pollingPeriod":"1h30m"})",
                             R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":"1.5s","provider":"Generic"})");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, cfg);
  INFO(cfg << " -> " << d.create_error());
  CHECK(d.created());
}

TEST_CASE("config: each missing or invalid field is named") {
  FakeHost host;
  struct Case {
    const char* config;
    const char* field;
  };
  auto c = GENERATE(Case{R"({"endpoint":"http://h"})", "apiKey"},
                    Case{R"({"apiKey":"","endpoint":"http://h"})", "apiKey"},
                    Case{R"({"apiKey":123,"endpoint":"http://h"})", "apiKey"},
                    Case{R"({"apiKey":"k"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"svc.test"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"ftp://svc.test"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://a b"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://h/x?q=1"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://user:pw@h"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://h:99x"})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":42})", "endpoint"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":"soon"})", "pollingPeriod"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":""})", "pollingPeriod"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":"0s"})", "pollingPeriod"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":"5"})", "pollingPeriod"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":"-2m"})", "pollingPeriod"},
                    Case{R"({"apiKey":"k","endpoint":"http://h","pollingPeriod":120})", "pollingPeriod"});
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, c.config);
  INFO(c.config << " -> " << d.create_error());
  CHECK_FALSE(d.created());
  CHECK(d.create_code() == CX_ERR_INVALID_ARGUMENT);
  CHECK(field_of(d) == c.field);
}

TEST_CASE("config: several problems are all named, the first in field") {
  FakeHost host;
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, R"({"pollingPeriod":"often"})");
  CHECK(d.create_code() == CX_ERR_INVALID_ARGUMENT);
  CHECK(field_of(d) == "apiKey");
  std::string message(err_of(d).at("message").as_string());
  CHECK(message.find("apiKey") != std::string::npos);
  CHECK(message.find("endpoint") != std::string::npos);
  CHECK(message.find("pollingPeriod") != std::string::npos);
}

TEST_CASE("install returns the reference task tree, all periodic") {
  FakeHost host;
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  auto out = d.call_ok(&cx_connector::install, R"({"connectorID":"c1"})"sv);
  auto expected = boost::json::parse(R"({"workflow":[
    {"taskType":"FETCH_ACCOUNTS","name":"fetch_accounts","periodically":true,"nextTasks":[
      {"taskType":"FETCH_BALANCES","name":"fetch_balances","periodically":true,"nextTasks":[]}]},
    {"taskType":"FETCH_EXTERNAL_ACCOUNTS","name":"fetch_external_accounts","periodically":true,"nextTasks":[]},
    {"taskType":"FETCH_PAYMENTS","name":"fetch_payments","periodically":true,"nextTasks":[]}]})");
  CHECK(out == expected);
}

TEST_CASE("requests: endpoint without a doubled slash, bearer key, JSON accepted") {
  FakeHost host;
  host.push_response(200, "[]");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  d.call_ok(&cx_connector::fetch_accounts, R"({"state":null,"fromPayload":null,"pageSize":25})"sv);
  REQUIRE(host.requests().size() == 1);
  const auto& r = host.requests()[0];
  CHECK(r.method == "GET");
  CHECK(r.url == "http://svc.test/api/accounts?page=1&pageSize=25&sort=createdAt%3Aasc");
  std::map<std::string, std::string> headers(r.headers.begin(), r.headers.end());
  CHECK(headers["Authorization"] == "Bearer secret-key");
  CHECK(headers["Accept"] == "application/json");
}

TEST_CASE("requests: pageSize defaults to 100 and is capped at 1000") {
  FakeHost host;
  host.push_response(200, "[]");
  host.push_response(200, "[]");
  host.push_response(200, "[]");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  d.call_ok(&cx_connector::fetch_payments, R"({"state":null})"sv);
  d.call_ok(&cx_connector::fetch_payments, R"({"state":null,"pageSize":0})"sv);
  d.call_ok(&cx_connector::fetch_payments, R"({"state":null,"pageSize":5000})"sv);
  CHECK(gtest::query_param(host.requests()[0].url, "pageSize") == "100");
  CHECK(gtest::query_param(host.requests()[1].url, "pageSize") == "100");
  CHECK(gtest::query_param(host.requests()[2].url, "pageSize") == "1000");
}
