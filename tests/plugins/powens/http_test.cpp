// HTTP error classes and transactions paging with the limit/offset watermark.
#include "helpers.hpp"
#include <connectivity/http.hpp>

#include <catch2/catch.hpp>

using namespace powens_test;

namespace {
cx::testing::Outcome fetch_accounts_with(int status, const std::string& body, std::map<std::string, std::string> headers = {}) {
  Fixture f;
  f.host.push_response(status, body, std::move(headers));
  return f.d().call(&cx_connector::fetch_accounts, fetch_request());
}
json::object err_of(const cx::testing::Outcome& o) { return json::parse(o.err).as_object(); }
}  // namespace

TEST_CASE("HTTP errors: 429 is RATE_LIMITED with Retry-After in milliseconds") {
  auto o = fetch_accounts_with(429, R"({"code":"tooManyRequests","description":"slow down","message":null,"request_id":9})",
                               {{"retry-after", "3"}});
  CHECK(o.code == CX_ERR_RATE_LIMITED);
  CHECK(err_of(o).at("retryAfterMs") == 3000);
  auto no_header = fetch_accounts_with(429, "{}");
  CHECK(no_header.code == CX_ERR_RATE_LIMITED);
  CHECK_FALSE(err_of(no_header).contains("retryAfterMs"));
}

TEST_CASE("HTTP errors: 5xx and 408 are UPSTREAM, 401/403 AUTH, 404 NOT_FOUND, other 4xx INVALID_ARGUMENT") {
  CHECK(fetch_accounts_with(500, R"({"code":"bug"})").code == CX_ERR_UPSTREAM);
  CHECK(fetch_accounts_with(503, "Service Unavailable").code == CX_ERR_UPSTREAM);
  CHECK(fetch_accounts_with(408, "").code == CX_ERR_UPSTREAM);
  CHECK(fetch_accounts_with(401, R"({"code":"unauthorized"})").code == CX_ERR_AUTH);
  CHECK(fetch_accounts_with(403, R"({"code":"forbidden"})").code == CX_ERR_AUTH);
  CHECK(fetch_accounts_with(404, R"({"code":"notFound"})").code == CX_ERR_NOT_FOUND);
  CHECK(fetch_accounts_with(409, R"({"code":"connectionLocked"})").code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("HTTP errors: the message carries Powens' code, description, message and request id (both spellings)") {
  auto o = fetch_accounts_with(400, R"({"code":"invalidValue","description":"limit is too big","message":"Valeur invalide","request_id":"r-1"})");
  CHECK(o.code == CX_ERR_INVALID_ARGUMENT);
  std::string msg(err_of(o).at("message").as_string());
  CHECK(msg.find("HTTP 400") != std::string::npos);
  CHECK(msg.find("invalidValue") != std::string::npos);
  CHECK(msg.find("limit is too big") != std::string::npos);
  CHECK(msg.find("Valeur invalide") != std::string::npos);
  CHECK(msg.find("r-1") != std::string::npos);
  auto camel = fetch_accounts_with(400, R"({"code":"missingParameter","description":"limit","requestId":77})");
  CHECK(std::string(err_of(camel).at("message").as_string()).find("77") != std::string::npos);
}

TEST_CASE("HTTP: a transport failure keeps the host's status; a 2xx without the documented body is UPSTREAM") {
  Fixture f;
  f.host.fail_next_http(CX_ERR_TIMEOUT);
  CHECK(f.d().call(&cx_connector::fetch_accounts, fetch_request()).code == CX_ERR_TIMEOUT);
  f.host.push_response(200, R"({"nothing":true})");
  CHECK(f.d().call(&cx_connector::fetch_accounts, fetch_request()).code == CX_ERR_UPSTREAM);
  f.host.push_response(200, "<html>");
  CHECK(f.d().call(&cx_connector::fetch_accounts, fetch_request()).code == CX_ERR_UPSTREAM);
}

TEST_CASE("fetch ops need the connection and the user token") {
  Fixture f;
  auto req = fetch_request();
  req.at("fromPayload").as_object().at("forwardedUser").as_object().erase("accessToken");
  auto o = f.d().call(&cx_connector::fetch_accounts, req);
  CHECK(o.code == CX_ERR_INVALID_ARGUMENT);
  CHECK(err_of(o).at("field") == "fromPayload.forwardedUser.accessToken");
  CHECK(f.d().call(&cx_connector::fetch_payments, fetch_request()).code == CX_ERR_INVALID_ARGUMENT);  // no parent account
}

TEST_CASE("fetch_payments: limit/offset pages following _links.next, watermark kept in state") {
  Fixture f;
  auto parent = parent_account(5, "EUR/2", json::object{});
  std::string next = "https://acme.biapi.pro/2.0/users/me/accounts/5/transactions?limit=2&offset=2&all=true";

  // Page 1.
  f.host.push_response(200, tx_page(tx_json(1, 5, "-1", false, "") + "," + tx_json(2, 5, "-2"), next));
  auto p1 = f.d().call_ok(&cx_connector::fetch_payments, fetch_request(parent, nullptr, 2)).as_object();
  CHECK(f.host.requests().back().url ==
        "https://acme.biapi.pro/2.0/users/me/accounts/5/transactions?limit=2&offset=0&all=true");
  CHECK(p1.at("hasMore") == true);
  CHECK(p1.at("payments").as_array().size() == 2);
  auto s1 = p1.at("newState");
  CHECK(s1.at("next") == next.c_str());
  CHECK(s1.at("offset") == 2);
  CHECK(s1.at("lastUpdate").is_null());

  // A failed call does not advance: the host retries with the same state.
  f.host.push_response(503, R"({"code":"bug"})");
  CHECK(f.d().call(&cx_connector::fetch_payments, fetch_request(parent, s1, 2)).code == CX_ERR_UPSTREAM);
  CHECK(f.host.requests().back().url == next);

  // Page 2 (last): resumes at the next link; the pass's max last_update becomes the watermark.
  f.host.push_response(200, tx_page(tx_json(3, 5, "-3", false, "").replace(
                                        tx_json(3, 5, "-3").find("2024-07-01 08:00:00"), 19, "2024-07-02 09:30:00")));
  auto p2 = f.d().call_ok(&cx_connector::fetch_payments, fetch_request(parent, s1, 2)).as_object();
  CHECK(f.host.requests().back().url == next);
  CHECK(p2.at("hasMore") == false);
  auto s2 = p2.at("newState");
  CHECK(s2.at("next").is_null());
  CHECK(s2.at("lastUpdate") == "2024-07-02 09:30:00");

  // Next periodic run: only rows updated since the watermark.
  f.host.push_response(200, tx_page(""));
  auto p3 = f.d().call_ok(&cx_connector::fetch_payments, fetch_request(parent, s2, 2)).as_object();
  CHECK(f.host.requests().back().url ==
        "https://acme.biapi.pro/2.0/users/me/accounts/5/transactions?limit=2&offset=0&all=true&last_update=2024-07-02%2009%3A30%3A00");
  CHECK(p3.at("newState").at("lastUpdate") == "2024-07-02 09:30:00");
  CHECK(p3.at("hasMore") == false);
}

TEST_CASE("fetch_payments: a next link outside the configured endpoint is refused") {
  Fixture f;
  json::object state{{"lastUpdate", nullptr}, {"next", "https://evil.example.com/2.0/x?offset=2"}};
  auto o = f.d().call(&cx_connector::fetch_payments, fetch_request(parent_account(5, "EUR/2", json::object{}), state));
  CHECK(o.code == CX_ERR_UPSTREAM);
  CHECK(f.host.requests().empty());
}

TEST_CASE("fetch_payments: the config pageSize wins; else the host's hint capped at 1000; else 25") {
  auto limit_of = [](json::object cfg, int hint) {
    Fixture f(std::move(cfg));
    f.host.push_response(200, tx_page(""));
    f.d().call_ok(&cx_connector::fetch_payments, fetch_request(parent_account(5, "EUR/2", json::object{}), nullptr, hint));
    return cx::query_param(f.host.requests().back().url, "limit").value_or("");
  };
  auto cfg = valid_config();
  cfg["pageSize"] = 7;
  CHECK(limit_of(cfg, 100) == "7");
  CHECK(limit_of(cfg, 0) == "7");
  CHECK(limit_of(valid_config(), 100) == "100");
  CHECK(limit_of(valid_config(), 5000) == "1000");
  CHECK(limit_of(valid_config(), 0) == "25");
}
