// Open-banking ops: forward (create_user), link URLs, redirect completion and deletions.
#include "helpers.hpp"
#include <connectivity/http.hpp>

#include <catch2/catch.hpp>

using namespace powens_test;
using namespace std::string_view_literals;

namespace {

json::object link_request() {
  return {{"attemptID", "a-1"},
          {"psu", json::object{{"id", "psu-1"}, {"name", "Jeanne"}, {"createdAt", "2024-01-01T00:00:00Z"}}},
          {"forwardedUser", json::object{{"psuID", "psu-1"},
                                         {"connectorID", "c1"},
                                         {"providerUserID", "42"},
                                         {"accessToken", json::object{{"token", "user-token-42"}}},
                                         {"metadata", json::object{}}}},
          {"clientRedirectURL", "https://app.example.com/done"},
          {"redirectURL", "https://cx.example.com/api/payments/v3/connectors/open-banking/c1/redirect?x=1&y=a b"},
          {"callbackState", "eyJhdHRlbXB0SUQiOiJhLTEifQ+/="},
          {"webhookBaseURL", "https://cx.example.com/w"}};
}

std::string query_of(const std::string& url, const std::string& name) {
  return cx::query_param(url, name).value_or("<absent>");
}

}  // namespace

TEST_CASE("percent_encode keeps only RFC 3986 unreserved characters") {
  CHECK(cx::percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(cx::percent_encode("a b&c=d/e?f#g+h%") == "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  CHECK(cx::percent_encode("é") == "%C3%A9");
}

TEST_CASE("create_user: /auth/init with client credentials -> permanent token, user id, metadata") {
  Fixture f;
  f.host.now_ms = 1700000000000;
  f.host.push_response(200, R"({"auth_token":"perm-abc","type":"permanent","id_user":42,"expires_in":3600})");
  auto out = f.d().call_ok(&cx_connector::create_user, R"({"psu":{"id":"psu-1","name":"Jeanne"}})"sv).as_object();
  auto& req = f.host.requests().at(0);
  CHECK(req.method == "POST");
  CHECK(req.url == "https://acme.biapi.pro/2.0/auth/init");
  auto body = json::parse(req.body).as_object();
  CHECK(body.at("client_id") == "client-1");
  CHECK(body.at("client_secret") == "secret-1");
  CHECK(out.at("providerUserID") == "42");
  CHECK(out.at("permanentToken").at("token") == "perm-abc");
  CHECK(out.at("permanentToken").at("expiresAt") == "2023-11-14T23:13:20Z");
  CHECK(out.at("metadata").at("user_id") == "42");
  CHECK(out.at("metadata").at("expires_in") == "3600");
  // Shown on the PSU, as the Powens page says.
  CHECK(out.at("psuMetadata").at("user_id") == "42");
  CHECK(out.at("psuMetadata").at("expires_in") == "3600");

  f.host.push_response(200, R"({"auth_token":"perm-def","type":"permanent","id_user":43,"expires_in":null})");
  auto out2 = f.d().call_ok(&cx_connector::create_user, R"({"psu":{"id":"psu-2"}})"sv).as_object();
  CHECK_FALSE(out2.at("permanentToken").as_object().contains("expiresAt"));
  CHECK(out2.at("metadata").at("expires_in") == "0");
}

TEST_CASE("create_user_link: temporary code, then a webview URL with every parameter encoded") {
  Fixture f;
  f.host.push_response(200, R"({"code":"c0de/+=","type":"temporary","access":"standard","expires_in":1800})");
  auto out = f.d().call_ok(&cx_connector::create_user_link, link_request()).as_object();
  auto& req = f.host.requests().at(0);
  CHECK(req.url == "https://acme.biapi.pro/2.0/auth/token/code");
  std::string link(out.at("link").as_string());
  CHECK(link.rfind("https://webview.powens.com/connect?", 0) == 0);
  CHECK(query_of(link, "domain") == "acme.biapi.pro");
  CHECK(query_of(link, "client_id") == "client-1");
  CHECK(link.find("&code=c0de%2F%2B%3D&") != std::string::npos);
  CHECK(query_of(link, "code") == "c0de/+=");
  CHECK(link.find("&state=eyJhdHRlbXB0SUQiOiJhLTEifQ%2B%2F%3D") != std::string::npos);
  CHECK(query_of(link, "state") == "eyJhdHRlbXB0SUQiOiJhLTEifQ+/=");
  CHECK(query_of(link, "max_connections") == "2");
  CHECK(link.find("&redirect_uri=https%3A%2F%2Fcx.example.com%2Fapi%2Fpayments%2Fv3%2Fconnectors%2Fopen-banking%2Fc1%2F"
                  "redirect%3Fx%3D1%26y%3Da%20b") != std::string::npos);
  CHECK(query_of(link, "redirect_uri") == "https://cx.example.com/api/payments/v3/connectors/open-banking/c1/redirect?x=1&y=a b");
  CHECK(query_of(link, "x") == "<absent>");  // the redirect's own query did not leak into the link
  CHECK(out.at("temporaryToken").at("token") == "c0de/+=");
  CHECK(out.at("temporaryToken").as_object().contains("expiresAt"));
}

TEST_CASE("create_user_link: the webview base URL is configurable") {
  auto cfg = valid_config();
  cfg["webviewURL"] = "http://127.0.0.1:9999/";
  Fixture f(cfg);
  f.host.push_response(200, R"({"code":"x","expires_in":1800})");
  auto out = f.d().call_ok(&cx_connector::create_user_link, link_request()).as_object();
  CHECK(std::string(out.at("link").as_string()).rfind("http://127.0.0.1:9999/connect?", 0) == 0);
}

TEST_CASE("create_user_link: missing token, state or redirect are invalid arguments naming the field") {
  Fixture f;
  auto req = link_request();
  req.at("forwardedUser").as_object().erase("accessToken");
  auto o = f.d().call(&cx_connector::create_user_link, req);
  CHECK(o.code == CX_ERR_INVALID_ARGUMENT);
  CHECK(json::parse(o.err).at("field") == "forwardedUser.accessToken");
  auto req2 = link_request();
  req2.erase("callbackState");
  CHECK(json::parse(f.d().call(&cx_connector::create_user_link, req2).err).at("field") == "callbackState");
  CHECK(f.host.requests().empty());
}

TEST_CASE("update_user_link: /reconnect with the connection id") {
  Fixture f;
  f.host.push_response(200, R"({"code":"abc","expires_in":1800})");
  auto req = link_request();
  req["connection"] = json::object{{"connectionID", "7"}, {"createdAt", "2024-01-01T00:00:00Z"}, {"metadata", json::object{}}};
  auto out = f.d().call_ok(&cx_connector::update_user_link, req).as_object();
  std::string link(out.at("link").as_string());
  CHECK(link.rfind("https://webview.powens.com/reconnect?", 0) == 0);
  CHECK(query_of(link, "connection_id") == "7");
  CHECK(query_of(link, "code") == "abc");
  req.erase("connection");
  CHECK(f.d().call(&cx_connector::update_user_link, req).code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("complete_user_link: connection_id -> success; error -> error_description") {
  Fixture f;
  auto ok = f.d().call_ok(&cx_connector::complete_user_link,
                          R"({"httpCall":{"queryValues":{"state":["s"],"connection_id":["7"]}},"attempt":{"id":"a-1"}})"sv);
  auto& conns = ok.at("success").at("connections").as_array();
  REQUIRE(conns.size() == 1);
  CHECK(conns[0].at("connectionID") == "7");

  auto multi = f.d().call_ok(&cx_connector::complete_user_link,
                             R"({"httpCall":{"queryValues":{"connection_ids":["7,8","9"]}}})"sv);
  CHECK(multi.at("success").at("connections").as_array().size() == 3);

  auto err = f.d().call_ok(&cx_connector::complete_user_link,
                           R"({"httpCall":{"queryValues":{"state":["s"],"error":["access_denied"],"error_description":["User cancelled"]}}})"sv);
  CHECK(err.at("error").at("error") == "User cancelled");
  auto err2 = f.d().call_ok(&cx_connector::complete_user_link,
                            R"({"httpCall":{"queryValues":{"error":["server_error"]}}})"sv);
  CHECK(err2.at("error").at("error") == "server_error");

  auto none = f.d().call(&cx_connector::complete_user_link, R"({"httpCall":{"queryValues":{"state":["s"]}}})"sv);
  CHECK(none.code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("delete_user and delete_user_connection use the user token; 404 counts as already deleted") {
  Fixture f;
  auto req = link_request();
  f.host.push_response(204, "");
  f.d().call_ok(&cx_connector::delete_user, req);
  CHECK(f.host.requests().back().method == "DELETE");
  CHECK(f.host.requests().back().url == "https://acme.biapi.pro/2.0/users/me");
  req["connection"] = json::object{{"connectionID", "7"}};
  f.host.push_response(404, R"({"code":"notFound","description":"no such connection"})");
  f.d().call_ok(&cx_connector::delete_user_connection, req);
  CHECK(f.host.requests().back().url == "https://acme.biapi.pro/2.0/users/me/connections/7");
  f.host.push_response(500, R"({"code":"bug","description":"boom"})");
  CHECK(f.d().call(&cx_connector::delete_user, req).code == CX_ERR_UPSTREAM);
}
