// The connector through the C ABI: config, headers, errors, link, webhooks translation, fetches.
#include "config.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace plaid_test;
namespace json = cx::json;

namespace {
const cx_connector* entry() { return cx_connector_entry(CX_ABI_VERSION); }

std::string field_of(const std::string& err) {
  auto v = boost::json::parse(err).as_object();
  auto* f = v.if_contains("field");
  return f && f->is_string() ? std::string(f->get_string()) : "";
}

boost::json::object psu(const char* locale = "fr-FR", const char* country = "FR") {
  boost::json::object p{{"id", "00000000-0000-4000-8000-000000000001"}, {"name", "Ada"}, {"createdAt", "2024-01-01T00:00:00Z"},
                        {"metadata", boost::json::object{}}};
  if (locale) p["contactDetails"] = boost::json::object{{"locale", locale}};
  if (country) p["address"] = boost::json::object{{"country", country}};
  return p;
}

boost::json::object link_request(boost::json::object p) {
  return boost::json::object{{"attemptID", "att-1"}, {"psu", std::move(p)},
                             {"forwardedUser", boost::json::object{{"psuID", "x"}, {"connectorID", "c"}, {"providerUserID", "usr-1"},
                                                                   {"accessToken", boost::json::object{{"token", "user-token-1"}}},
                                                                   {"metadata", boost::json::object{}}}},
                             {"applicationName", "Acme"}, {"clientRedirectURL", "https://app.example/done"},
                             {"redirectURL", "http://h/redirect"}, {"callbackState", "st"},
                             {"webhookBaseURL", "http://h/api/payments/v3/connectors/webhooks/cid"}};
}

boost::json::object fetch_request(boost::json::value state, boost::json::value parent = nullptr) {
  return boost::json::object{
      {"state", std::move(state)}, {"pageSize", 2},
      {"fromPayload", boost::json::object{{"psuID", "psu-1"},
                                          {"forwardedUser", boost::json::object{{"providerUserID", "usr-1"}}},
                                          {"connection", boost::json::object{{"connectionID", "item-1"},
                                                                             {"accessToken", boost::json::object{{"token", "access-1"}}}}},
                                          {"fromPayload", std::move(parent)}}}};
}

boost::json::object sync_txn(const char* id, double amount, bool pending, const char* pending_id = nullptr) {
  return boost::json::object{{"transaction_id", id}, {"account_id", "acc-1"}, {"amount", amount},
                             {"iso_currency_code", "USD"}, {"unofficial_currency_code", nullptr},
                             {"date", "2024-05-02"}, {"authorized_date", nullptr}, {"datetime", nullptr},
                             {"authorized_datetime", nullptr}, {"name", "Shop"}, {"pending", pending},
                             {"pending_transaction_id", pending_id ? boost::json::value(pending_id) : boost::json::value(nullptr)},
                             {"payment_channel", "online"}};
}
}  // namespace

TEST_CASE("config: each bad field is named", "[config]") {
  cx::testing::FakeHost host;
  auto create = [&](const char* cfg) {
    cx::testing::Driver d(entry(), host, cfg);
    return std::pair{d.create_code(), d.created() ? std::string() : field_of(d.create_error())};
  };
  CHECK(create(R"({"clientSecret":"s"})") == std::pair{CX_ERR_INVALID_ARGUMENT, std::string("clientID")});
  CHECK(create(R"({"clientID":"c","clientSecret":"  "})") == std::pair{CX_ERR_INVALID_ARGUMENT, std::string("clientSecret")});
  CHECK(create(R"({"clientID":"c","clientSecret":"s","isSandbox":"yes"})") ==
        std::pair{CX_ERR_INVALID_ARGUMENT, std::string("isSandbox")});
  CHECK(create(R"({"clientID":"c","clientSecret":"s","baseURL":"ftp://x"})") ==
        std::pair{CX_ERR_INVALID_ARGUMENT, std::string("baseURL")});
  CHECK(create(R"({"clientID":"c","clientSecret":"s","pollingPeriod":"soon"})") ==
        std::pair{CX_ERR_INVALID_ARGUMENT, std::string("pollingPeriod")});
  CHECK(create(R"({"clientID":"c","clientSecret":"s","pollingPeriod":"1h30m","isSandbox":true})").first == CX_OK);
  CHECK((entry()->capabilities & CX_CAP_OPEN_BANKING) != 0);
  CHECK((entry()->capabilities & CX_CAP_TRANSLATE_WEBHOOKS) != 0);
  CHECK(std::string(entry()->id) == "plaid");
}

TEST_CASE("config schema: Plaid's fixed hosts are on the egress allowlist", "[config]") {
  // Without baseURL the connector calls sandbox/production.plaid.com, which no config value names:
  // the host admits them only through x-cx-egress-hosts (host/net/http_client.cpp).
  auto schema = boost::json::parse(entry()->config_schema_json).as_object();
  auto* hosts = schema.if_contains("x-cx-egress-hosts");
  REQUIRE(hosts);
  REQUIRE(hosts->is_array());
  std::vector<std::string> list;
  for (auto& h : hosts->as_array()) list.emplace_back(h.as_string());
  CHECK(std::find(list.begin(), list.end(), "sandbox.plaid.com:443") != list.end());
  CHECK(std::find(list.begin(), list.end(), "production.plaid.com:443") != list.end());
  CHECK(std::string(cx::plaid::kSandboxHost) == "https://sandbox.plaid.com");
  CHECK(std::string(cx::plaid::kProductionHost) == "https://production.plaid.com");
}

TEST_CASE("requests carry Plaid's credentials and version; the host is chosen by isSandbox/baseURL", "[client]") {
  cx::testing::FakeHost host;
  host.on_http([](const cx::HttpRequest&) { return ok(boost::json::object{{"user_id", "usr-1"}, {"user_token", "tok-1"}, {"request_id", "r"}}); });
  {
    cx::testing::Driver d(entry(), host, R"({"clientID":"cid","clientSecret":"sec","isSandbox":true})");
    auto out = d.call_ok(&cx_connector::create_user, boost::json::object{{"psu", psu()}}).as_object();
    CHECK(out.at("providerUserID") == "usr-1");
    CHECK(out.at("permanentToken").at("token") == "tok-1");
  }
  REQUIRE(host.requests().size() == 1);
  const auto& r = host.requests()[0];
  CHECK(r.method == "POST");
  CHECK(r.url == "https://sandbox.plaid.com/user/create");
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  CHECK(h.at("PLAID-CLIENT-ID") == "cid");
  CHECK(h.at("PLAID-SECRET") == "sec");
  CHECK(h.at("Plaid-Version") == "2020-09-14");
  CHECK(boost::json::parse(r.body).at("client_user_id") == "00000000-0000-4000-8000-000000000001");
}

TEST_CASE("Plaid errors are classified", "[client]") {
  cx::testing::FakeHost host;
  cx::testing::Driver d(entry(), host, kConfig);
  auto req = boost::json::object{{"psu", psu()}};
  host.push_response(429, R"({"error_type":"RATE_LIMIT_EXCEEDED","error_code":"RATE_LIMIT","error_message":"slow down","display_message":null})",
                     {{"retry-after", "3"}});
  auto rl = d.call(&cx_connector::create_user, req);
  CHECK(rl.code == CX_ERR_RATE_LIMITED);
  CHECK(boost::json::parse(rl.err).at("retryAfterMs") == 3000);
  host.push_response(500, plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR").body);
  CHECK(d.call(&cx_connector::create_user, req).code == CX_ERR_UPSTREAM);
  host.push_response(503, plaid_error(503, "API_ERROR", "PLANNED_MAINTENANCE").body);
  CHECK(d.call(&cx_connector::create_user, req).code == CX_ERR_UPSTREAM);
  host.push_response(400, plaid_error(400, "INVALID_INPUT", "INVALID_API_KEYS").body);
  CHECK(d.call(&cx_connector::create_user, req).code == CX_ERR_AUTH);
  host.push_response(401, "not json");
  CHECK(d.call(&cx_connector::create_user, req).code == CX_ERR_AUTH);
  host.push_response(400, plaid_error(400, "INVALID_REQUEST", "INVALID_FIELD", "client_user_id is too long").body);
  auto bad = d.call(&cx_connector::create_user, req);
  CHECK(bad.code == CX_ERR_INVALID_ARGUMENT);
  CHECK_THAT(bad.message(), Catch::Contains("client_user_id is too long") && Catch::Contains("INVALID_FIELD"));
  host.fail_next_http(CX_ERR_TIMEOUT);
  CHECK(d.call(&cx_connector::create_user, req).code == CX_ERR_TIMEOUT);
}

TEST_CASE("create_user_link: hosted link token with language, country and the attempt webhook", "[link]") {
  cx::testing::FakeHost host;
  Router router;
  boost::json::object sent;
  router.routes["/link/token/create"] = [&](const boost::json::object& body) {
    sent = body;
    return ok(boost::json::object{{"link_token", "link-sandbox-1"}, {"expiration", "2024-06-01T04:00:00Z"},
                                  {"request_id", "r"}, {"hosted_link_url", "https://hosted.plaid.test/hl/abc"}});
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  auto out = d.call_ok(&cx_connector::create_user_link, link_request(psu("fr-FR", "fr"))).as_object();
  CHECK(out.at("link") == "https://hosted.plaid.test/hl/abc");
  CHECK(out.at("temporaryToken").at("token") == "link-sandbox-1");
  CHECK(out.at("temporaryToken").at("expiresAt") == "2024-06-01T04:00:00Z");
  CHECK(sent.at("language") == "fr");
  CHECK(sent.at("country_codes") == boost::json::array{"FR"});
  CHECK(sent.at("client_name") == "Acme");
  CHECK(sent.at("products") == boost::json::array{"transactions"});
  CHECK(sent.at("webhook") == "http://h/api/payments/v3/connectors/webhooks/cid/all?attemptID=att-1");
  CHECK(sent.at("hosted_link").at("completion_redirect_uri") == "https://app.example/done");
  CHECK(sent.at("user").at("client_user_id") == "00000000-0000-4000-8000-000000000001");
  CHECK(sent.at("user_token") == "user-token-1");
  CHECK_FALSE(sent.contains("access_token"));

  auto bad_lang = d.call(&cx_connector::create_user_link, link_request(psu("ja-JP", "FR")));
  CHECK(bad_lang.code == CX_ERR_INVALID_ARGUMENT);
  CHECK(field_of(bad_lang.err) == "psu.contactDetails.locale");
  auto bad_country = d.call(&cx_connector::create_user_link, link_request(psu("en", "JP")));
  CHECK(bad_country.code == CX_ERR_INVALID_ARGUMENT);
  CHECK(field_of(bad_country.err) == "psu.address.country");
  CHECK(field_of(d.call(&cx_connector::create_user_link, link_request(psu("en", nullptr))).err) == "psu.address.country");

  auto update = link_request(psu("en-GB", "GB"));
  update["connection"] = boost::json::object{{"connectionID", "item-1"}, {"accessToken", boost::json::object{{"token", "access-1"}}}};
  d.call_ok(&cx_connector::update_user_link, update);
  CHECK(sent.at("access_token") == "access-1");
  CHECK(sent.at("update").at("user") == false);
  CHECK_FALSE(sent.contains("products"));
}

TEST_CASE("SESSION_FINISHED exchanges every public token and reports connections first", "[translate]") {
  cx::testing::FakeHost host;
  Router router;
  int exchanges = 0;
  router.routes["/item/public_token/exchange"] = [&](const boost::json::object& body) {
    ++exchanges;
    std::string pt(body.at("public_token").as_string());
    return ok(boost::json::object{{"access_token", "access-" + pt}, {"item_id", "item-" + pt}, {"request_id", "r"}});
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  std::string body = R"({"webhook_type":"LINK","webhook_code":"SESSION_FINISHED","status":"SUCCESS","link_session_id":"s",
    "link_token":"link-1","public_tokens":["pt1","pt2"],"environment":"sandbox"})";
  auto out = d.call_ok(&cx_connector::translate_webhook, webhook_request(body, std::nullopt, "att-9")).as_object();
  auto& responses = out.at("responses").as_array();
  REQUIRE(responses.size() == 2);
  auto& conns = responses[0].at("userLinkConnections").as_object();
  CHECK(conns.at("attemptID") == "att-9");
  REQUIRE(conns.at("connections").as_array().size() == 2);
  CHECK(conns.at("connections").as_array()[1].at("connectionID") == "item-pt2");
  CHECK(conns.at("connections").as_array()[1].at("accessToken").at("token") == "access-pt2");
  CHECK(responses[1].at("userLinkSessionFinished").at("status") == "completed");
  CHECK(exchanges == 2);
  // A retried translation reuses the exchanged Items instead of spending the tokens again.
  auto again = d.call_ok(&cx_connector::translate_webhook, webhook_request(body, std::nullopt, "att-9")).as_object();
  CHECK(exchanges == 2);
  CHECK(again.at("responses").as_array()[0].at("userLinkConnections").at("connections").as_array()[0].at("connectionID") == "item-pt1");

  std::string exited = R"({"webhook_type":"LINK","webhook_code":"SESSION_FINISHED","status":"EXITED","public_tokens":[]})";
  auto ex = d.call_ok(&cx_connector::translate_webhook, webhook_request(exited, std::nullopt, "att-9")).as_object();
  REQUIRE(ex.at("responses").as_array().size() == 1);
  CHECK(ex.at("responses").as_array()[0].at("userLinkSessionFinished").at("status") == "exited");
  CHECK(d.call(&cx_connector::translate_webhook, webhook_request(exited, std::nullopt, "")).code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("TRANSACTIONS and ITEM webhooks", "[translate]") {
  cx::testing::FakeHost host;
  cx::testing::Driver d(entry(), host, kConfig);
  auto translate = [&](const std::string& body) {
    return d.call_ok(&cx_connector::translate_webhook, webhook_request(body, std::nullopt)).at("responses").as_array();
  };
  for (const char* code : {"SYNC_UPDATES_AVAILABLE", "HISTORICAL_UPDATE"}) {
    auto r = translate(std::string(R"({"webhook_type":"TRANSACTIONS","webhook_code":")") + code + R"(","item_id":"item-1"})");
    REQUIRE(r.size() == 1);
    CHECK(r[0].at("dataReadyToFetch").at("connectionID") == "item-1");
    CHECK(r[0].at("dataReadyToFetch").at("dataToFetch") == boost::json::array{"accounts_and_balances", "payments"});
  }
  CHECK(translate(R"({"webhook_type":"TRANSACTIONS","webhook_code":"DEFAULT_UPDATE","item_id":"i"})").empty());

  auto login = translate(R"({"webhook_type":"ITEM","webhook_code":"ERROR","item_id":"item-1",
    "error":{"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED","error_message":"login details changed"}})");
  REQUIRE(login.size() == 1);
  auto& dis = login[0].at("userConnectionDisconnected").as_object();
  CHECK(dis.at("connectionID") == "item-1");
  CHECK(dis.at("errorType") == "USER_ACTION_NEEDED");
  CHECK(dis.at("at") == "2023-11-14T22:13:20Z");
  CHECK_THAT(std::string(dis.at("reason").as_string()), Catch::Contains("login details changed"));
  for (const char* code : {"USER_PERMISSION_REVOKED", "USER_ACCOUNT_REVOKED"})
    CHECK(translate(std::string(R"({"webhook_type":"ITEM","webhook_code":")") + code + R"(","item_id":"item-1"})")[0]
              .at("userConnectionDisconnected").at("errorType") == "USER_ACTION_NEEDED");
  CHECK(translate(R"({"webhook_type":"ITEM","webhook_code":"LOGIN_REPAIRED","item_id":"item-1"})")[0]
            .at("userConnectionReconnected").at("connectionID") == "item-1");
  auto pd = translate(R"({"webhook_type":"ITEM","webhook_code":"PENDING_DISCONNECT","item_id":"item-1",
    "reason":"INSTITUTION_TOKEN_EXPIRATION","disconnect_time":"2024-07-01T12:00:00Z"})");
  CHECK(pd[0].at("userConnectionPendingDisconnect").at("at") == "2024-07-01T12:00:00Z");
  CHECK(pd[0].at("userConnectionPendingDisconnect").at("reason") == "INSTITUTION_TOKEN_EXPIRATION");
  auto pe = translate(R"({"webhook_type":"ITEM","webhook_code":"PENDING_EXPIRATION","item_id":"item-1",
    "consent_expiration_time":"2024-08-01T00:00:00+02:00"})");
  CHECK(pe[0].at("userConnectionPendingDisconnect").at("at") == "2024-07-31T22:00:00Z");
  CHECK(translate(R"({"webhook_type":"ITEM","webhook_code":"ERROR","item_id":"i","error":{"error_code":"INSTITUTION_DOWN"}})").empty());
  CHECK(d.call(&cx_connector::translate_webhook, webhook_request(R"({"webhook_type":"WHAT","webhook_code":"X"})", std::nullopt)).code ==
        CX_ERR_INVALID_ARGUMENT);
  CHECK(d.call(&cx_connector::translate_webhook, webhook_request("not json", std::nullopt)).code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("fetch_payments pages /transactions/sync and keeps the cursor in the state", "[fetch]") {
  cx::testing::FakeHost host;
  Router router;
  std::vector<boost::json::object> calls;
  router.routes["/transactions/sync"] = [&](const boost::json::object& body) {
    calls.push_back(body);
    std::string cursor = json::string_or_none(body, "cursor").value_or("");
    boost::json::object r{{"transactions_update_status", "HISTORICAL_UPDATE_COMPLETE"}, {"accounts", boost::json::array{}},
                          {"modified", boost::json::array{}}, {"request_id", "r"}};
    if (cursor.empty()) {
      r["added"] = boost::json::array{sync_txn("P", 20.5, true), sync_txn("A", -100, false)};
      r["removed"] = boost::json::array{};
      r["next_cursor"] = "c1";
      r["has_more"] = true;
    } else {
      r["added"] = boost::json::array{sync_txn("Q", 20.5, false, "P")};
      r["removed"] = boost::json::array{boost::json::object{{"transaction_id", "P"}, {"account_id", "acc-1"}}};
      r["next_cursor"] = "c2";
      r["has_more"] = false;
    }
    return ok(r);
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  auto p1 = d.call_ok(&cx_connector::fetch_payments, fetch_request(nullptr)).as_object();
  CHECK(p1.at("hasMore") == true);
  REQUIRE(p1.at("payments").as_array().size() == 2);
  CHECK(p1.at("payments").as_array()[0].at("status") == "PENDING");
  CHECK(p1.at("payments").as_array()[0].at("connectionID") == "item-1");
  CHECK(p1.at("payments").as_array()[0].at("providerUserID") == "usr-1");
  CHECK(calls[0].at("access_token") == "access-1");
  CHECK(calls[0].at("count") == 2);
  CHECK_FALSE(calls[0].contains("cursor"));
  auto p2 = d.call_ok(&cx_connector::fetch_payments, fetch_request(p1.at("newState"))).as_object();
  CHECK(calls[1].at("cursor") == "c1");
  CHECK(p2.at("hasMore") == false);
  CHECK(p2.at("newState").at("cursor") == "c2");
  CHECK(p2.at("newState").at("loopStartCursor") == "c2");
  REQUIRE(p2.at("payments").as_array().size() == 1);
  CHECK(p2.at("payments").as_array()[0].at("status") == "SUCCEEDED");
  CHECK(p2.at("paymentsToDelete") == boost::json::array{boost::json::object{{"reference", "P"}}});
}

TEST_CASE("mutation during pagination restarts from the loop's first cursor", "[fetch]") {
  cx::testing::FakeHost host;
  Router router;
  std::vector<std::string> cursors;
  router.routes["/transactions/sync"] = [&](const boost::json::object& body) {
    std::string cursor = json::string_or_none(body, "cursor").value_or("");
    cursors.push_back(cursor);
    if (cursor == "mid-2" && cursors.size() == 1)
      return plaid_error(400, "TRANSACTIONS_ERROR", "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION");
    boost::json::object r{{"transactions_update_status", "HISTORICAL_UPDATE_COMPLETE"}, {"accounts", boost::json::array{}},
                          {"added", boost::json::array{sync_txn("T1", 5, false)}}, {"modified", boost::json::array{}},
                          {"removed", boost::json::array{}}, {"next_cursor", "after-restart"}, {"has_more", true},
                          {"request_id", "r"}};
    return ok(r);
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  auto state = boost::json::object{{"cursor", "mid-2"}, {"loopStartCursor", "loop-start"}};
  auto out = d.call_ok(&cx_connector::fetch_payments, fetch_request(state)).as_object();
  CHECK(cursors == std::vector<std::string>{"mid-2", "loop-start"});
  CHECK(out.at("newState").at("cursor") == "after-restart");
  CHECK(out.at("newState").at("loopStartCursor") == "loop-start");
  CHECK(out.at("payments").as_array().size() == 1);

  // A persistent mutation error surfaces after a bounded number of restarts, state untouched.
  router.routes["/transactions/sync"] = [&](const boost::json::object&) {
    return plaid_error(400, "TRANSACTIONS_ERROR", "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION");
  };
  CHECK(d.call(&cx_connector::fetch_payments, fetch_request(state)).code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("fetch_accounts then fetch_balances from the stored payload", "[fetch]") {
  cx::testing::FakeHost host;
  Router router;
  int account_calls = 0;
  router.routes["/accounts/get"] = [&](const boost::json::object& body) {
    ++account_calls;
    CHECK(body.at("access_token") == "access-1");
    return ok(json::parse_exact(R"({"accounts":[
      {"account_id":"acc-1","name":"Checking","official_name":null,"mask":"0000","type":"depository","subtype":"checking",
       "balances":{"available":null,"current":1234.56,"limit":null,"iso_currency_code":"USD","unofficial_currency_code":null}},
      {"account_id":"acc-2","name":"Yen","official_name":null,"mask":null,"type":"depository","subtype":"savings",
       "balances":{"available":null,"current":null,"limit":null,"iso_currency_code":"JPY","unofficial_currency_code":null}}],
      "item":{"item_id":"item-1"},"request_id":"r"})", json::Numbers::rounded).value());
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  auto accounts = d.call_ok(&cx_connector::fetch_accounts, fetch_request(nullptr)).as_object();
  REQUIRE(accounts.at("accounts").as_array().size() == 2);
  CHECK(accounts.at("hasMore") == false);
  auto first = accounts.at("accounts").as_array()[0];
  CHECK(first.at("defaultAsset") == "USD/2");
  CHECK(first.at("connectionID") == "item-1");
  auto bal = d.call_ok(&cx_connector::fetch_balances, fetch_request(nullptr, first)).as_object();
  CHECK(account_calls == 1);  // read from the payload
  REQUIRE(bal.at("balances").as_array().size() == 1);
  CHECK(bal.at("balances").as_array()[0].at("amount") == "123456");
  auto none = d.call_ok(&cx_connector::fetch_balances, fetch_request(nullptr, accounts.at("accounts").as_array()[1])).as_object();
  CHECK(none.at("balances").as_array().empty());  // null current: skipped and logged
  bool logged = false;
  for (auto& [lvl, msg] : host.logs()) logged |= lvl == CX_LOG_WARN && msg.find("acc-2") != std::string::npos;
  CHECK(logged);
  auto missing = d.call(&cx_connector::fetch_accounts, boost::json::object{{"state", nullptr}, {"fromPayload", nullptr}});
  CHECK(missing.code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("fetch_balances uses the latest /accounts/get, not a stale parent payload", "[fetch]") {
  // A host may hand fetch_balances the account as it was first stored; the balance must still be
  // the one of the latest fetch_accounts.
  cx::testing::FakeHost host;
  Router router;
  int account_calls = 0;
  double current = 100.25;
  router.routes["/accounts/get"] = [&](const boost::json::object&) {
    ++account_calls;
    boost::json::object acc{{"account_id", "acc-1"}, {"name", "Checking"}, {"official_name", nullptr}, {"mask", "0000"},
                            {"type", "depository"}, {"subtype", "checking"},
                            {"balances", boost::json::object{{"available", nullptr}, {"current", current}, {"limit", nullptr},
                                                             {"iso_currency_code", "USD"}, {"unofficial_currency_code", nullptr}}}};
    return ok(boost::json::object{{"accounts", boost::json::array{acc}}, {"item", boost::json::object{{"item_id", "item-1"}}},
                                  {"request_id", "r"}});
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  auto first = d.call_ok(&cx_connector::fetch_accounts, fetch_request(nullptr)).as_object().at("accounts").as_array()[0];
  auto amount = [&](const boost::json::value& parent) {
    auto bal = d.call_ok(&cx_connector::fetch_balances, fetch_request(nullptr, parent)).as_object();
    REQUIRE(bal.at("balances").as_array().size() == 1);
    return std::string(bal.at("balances").as_array()[0].at("amount").as_string());
  };
  CHECK(amount(first) == "10025");
  current = 74.5;  // transactions posted: Plaid's current balance moved
  d.call_ok(&cx_connector::fetch_accounts, fetch_request(nullptr));
  CHECK(amount(first) == "7450");  // the stale payload says 100.25
  CHECK(account_calls == 2);       // still no call per balance
}

TEST_CASE("deletes call /item/remove and /user/remove and are idempotent", "[delete]") {
  cx::testing::FakeHost host;
  Router router;
  int item_removes = 0;
  boost::json::object user_body;
  router.routes["/item/remove"] = [&](const boost::json::object& body) {
    CHECK(body.at("access_token") == "access-1");
    return ++item_removes == 1 ? ok(boost::json::object{{"request_id", "r"}})
                               : plaid_error(400, "ITEM_ERROR", "ITEM_NOT_FOUND");
  };
  router.routes["/user/remove"] = [&](const boost::json::object& body) {
    user_body = body;
    return ok(boost::json::object{{"request_id", "r"}});
  };
  router.install(host);
  cx::testing::Driver d(entry(), host, kConfig);
  boost::json::object req{{"psu", psu()},
                          {"forwardedUser", boost::json::object{{"providerUserID", "usr-1"}, {"accessToken", boost::json::object{{"token", "user-tok"}}}}},
                          {"connection", boost::json::object{{"connectionID", "item-1"}, {"accessToken", boost::json::object{{"token", "access-1"}}}}}};
  CHECK(d.call(&cx_connector::delete_user_connection, req).code == CX_OK);
  CHECK(d.call(&cx_connector::delete_user_connection, req).code == CX_OK);
  CHECK(d.call(&cx_connector::delete_user, req).code == CX_OK);
  CHECK(user_body.at("user_token") == "user-tok");
  auto complete = d.call_ok(&cx_connector::complete_user_link, boost::json::object{{"httpCall", boost::json::object{}}}).as_object();
  CHECK(complete.at("success").at("connections").as_array().empty());
  auto hooks = d.call_ok(&cx_connector::create_webhooks, boost::json::object{{"connectorID", "c"}, {"webhookBaseURL", "http://h"}});
  CHECK(hooks.at("configs").as_array()[0].at("urlPath") == "/all");
  CHECK(hooks.at("configs").as_array()[0].at("name") == "all");
}
