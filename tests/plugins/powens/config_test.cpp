// Config validation, descriptor and task tree of the Powens connector.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using namespace powens_test;
using namespace std::string_view_literals;

namespace {
std::string field_of(const std::string& err_json) {
  auto v = json::parse(err_json).as_object();
  auto* f = v.if_contains("field");
  return f && f->is_string() ? std::string(f->get_string()) : std::string{};
}
}  // namespace

TEST_CASE("descriptor: id, capabilities and every op slot the capabilities promise") {
  auto* d = descriptor();
  REQUIRE(d != nullptr);
  CHECK(std::string(d->id) == "powens");
  CHECK(d->capabilities == (CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS |
                            CX_CAP_FETCH_PAYMENTS | CX_CAP_CREATE_WEBHOOKS | CX_CAP_TRANSLATE_WEBHOOKS |
                            CX_CAP_OPEN_BANKING));
  for (cx_op_fn f : {d->install, d->create_webhooks, d->verify_webhook, d->translate_webhook, d->fetch_accounts,
                     d->fetch_balances, d->fetch_external_accounts, d->fetch_payments, d->create_user,
                     d->create_user_link, d->update_user_link, d->complete_user_link, d->delete_user,
                     d->delete_user_connection})
    CHECK(f != nullptr);
  CHECK(d->create_transfer == nullptr);
  CHECK(d->create_payout == nullptr);
  REQUIRE(d->config_schema_json != nullptr);
  auto schema = json::parse(d->config_schema_json).as_object();
  CHECK(schema.at("required").as_array().size() == 6);
  CHECK(schema.at("properties").as_object().contains("webviewURL"));
  CHECK(cx_connector_entry(CX_ABI_VERSION + (1u << 16)) == nullptr);
}

TEST_CASE("config: a valid config creates an instance") {
  Fixture f;
  CHECK(f.d().created());
  CHECK(f.d().create_code() == CX_OK);
}

TEST_CASE("config: each missing required field is named") {
  for (const char* field : {"clientID", "clientSecret", "configurationToken", "domain", "endpoint", "maxConnectionsPerLink"}) {
    auto cfg = valid_config();
    cfg.erase(field);
    Fixture f(cfg);
    INFO(field);
    CHECK_FALSE(f.d().created());
    CHECK(f.d().create_code() == CX_ERR_INVALID_ARGUMENT);
    CHECK(field_of(f.d().create_error()) == field);
  }
}

TEST_CASE("config: invalid values are named, with every problem in the message") {
  struct Case {
    const char* field;
    json::value value;
  };
  std::vector<Case> cases{{"clientID", ""},
                          {"clientSecret", 12},
                          {"configurationToken", "   "},
                          {"domain", "acme/evil"},
                          {"endpoint", "ftp://acme"},
                          {"endpoint", "https:///2.0"},
                          {"maxConnectionsPerLink", 0},
                          {"maxConnectionsPerLink", "two"},
                          {"pageSize", 0},
                          {"pageSize", 1001},
                          {"pollingPeriod", "soon"},
                          {"pollingPeriod", "0m"},
                          {"webviewURL", "webview.powens.com"}};
  for (auto& c : cases) {
    auto cfg = valid_config();
    cfg[c.field] = c.value;
    Fixture f(cfg);
    INFO(c.field << " = " << json::serialize(c.value));
    CHECK(f.d().create_code() == CX_ERR_INVALID_ARGUMENT);
    CHECK(field_of(f.d().create_error()) == c.field);
  }
  auto cfg = valid_config();
  cfg.erase("clientID");
  cfg["pageSize"] = 5000;
  Fixture f(cfg);
  auto msg = json::parse(f.d().create_error()).as_object().at("message").as_string();
  CHECK(std::string(msg).find("clientID") != std::string::npos);
  CHECK(std::string(msg).find("pageSize") != std::string::npos);
}

TEST_CASE("config: optional fields accept their documented forms") {
  auto cfg = valid_config();
  cfg["pageSize"] = 1000;
  cfg["pollingPeriod"] = "1h30m";
  cfg["maxConnectionsPerLink"] = "3";
  cfg["webviewURL"] = "http://127.0.0.1:8080/";
  Fixture f(cfg);
  CHECK(f.d().created());
}

TEST_CASE("install: accounts per connection with balances, payments and counterparties below; webhooks once") {
  Fixture f;
  auto out = f.d().call_ok(&cx_connector::install, R"({"connectorID":"c1"})"sv).as_object();
  auto& wf = out.at("workflow").as_array();
  REQUIRE(wf.size() == 2);
  auto& accounts = wf[0].as_object();
  CHECK(accounts.at("taskType") == "FETCH_ACCOUNTS");
  CHECK(accounts.at("periodically") == true);
  std::vector<std::string> children;
  for (auto& c : accounts.at("nextTasks").as_array()) children.emplace_back(c.as_object().at("taskType").as_string());
  CHECK(children == std::vector<std::string>{"FETCH_BALANCES", "FETCH_PAYMENTS", "FETCH_EXTERNAL_ACCOUNTS"});
  CHECK(wf[1].as_object().at("taskType") == "CREATE_WEBHOOKS");
  CHECK(wf[1].as_object().at("periodically") == false);
}

TEST_CASE("config: the endpoint is accepted as the API base (.../2.0) and as the bare root") {
  for (const char* endpoint : {"https://acme.biapi.pro/2.0", "https://acme.biapi.pro/2.0/", "https://acme.biapi.pro",
                               "https://acme.biapi.pro/"}) {
    INFO(endpoint);
    auto cfg = valid_config();
    cfg["endpoint"] = endpoint;
    Fixture f(cfg);
    REQUIRE(f.d().create_code() == CX_OK);
    f.host.push_response(200, R"({"auth_token":"perm-abc","type":"permanent","id_user":42,"expires_in":null})");
    f.d().call_ok(&cx_connector::create_user, R"({"psu":{"id":"psu-1","name":"Jeanne"}})"sv);
    CHECK(f.host.requests().at(0).url == "https://acme.biapi.pro/2.0/auth/init");
  }
}
