// Webhook creation, BI-Signature verification and translation of Powens events.
#include "helpers.hpp"
#include "signature.hpp"

#include <catch2/catch.hpp>

using namespace powens_test;
using namespace std::string_view_literals;

namespace {

const std::string kSecret = "s3cr3t-key";
const std::string kURL = "https://cx.example.com/api/payments/v3/connectors/webhooks/c1/connection-synced";
const std::string kPath = "/api/payments/v3/connectors/webhooks/c1/connection-synced";

json::object config(const std::string& name = "CONNECTION_SYNCED", const std::string& path = "/connection-synced") {
  return {{"name", name}, {"urlPath", path}, {"fullURL", kURL}, {"metadata", json::object{{"secret", kSecret}}}};
}

json::object webhook(const std::string& body, json::object headers, const std::string& url = kURL) {
  return {{"path", "/connection-synced"}, {"fullURL", url},     {"method", "POST"},
          {"headers", std::move(headers)}, {"queryValues", json::object{}}, {"body", body}};
}

json::object signed_headers(const std::string& body, const std::string& date = "2024-07-01T10:00:00Z",
                            const std::string& path = kPath, const std::string& secret = kSecret) {
  return {{"bi-signature", json::array{powens::sign_webhook(secret, path, date, body)}},
          {"bi-signature-date", json::array{date}}};
}

json::object verify_req(const std::string& body, json::object headers, const std::string& url = kURL) {
  return {{"webhook", webhook(body, std::move(headers), url)}, {"config", config()}};
}

json::object translate_req(const std::string& name, const std::string& body) {
  return {{"name", name}, {"webhook", webhook(body, json::object{})}, {"config", config(name)}};
}

std::string synced_body(const std::string& state_json, const std::string& last_update, const std::string& txs,
                        const std::string& extra = "") {
  return R"({"user":{"id":42},"connection":{"id":7,"id_user":42,"state":)" + state_json +
         R"(,"error_message":null,"last_update":")" + last_update + R"(","active":true)" + extra +
         R"(,"accounts":[)" + account_json(5, "100.10", currency("EUR", 2), R"(,"transactions":[)" + txs + "]") + "]}}";
}

}  // namespace

TEST_CASE("create_webhooks: HMAC auth with the configuration token, one config per event carrying the secret") {
  Fixture f;
  f.host.push_response(200, R"({"id":3,"type":"hmac_signature","name":"powenstest","config":{"secret_key":"k-123"}})");
  auto out = f.d().call_ok(&cx_connector::create_webhooks,
                           R"({"connectorID":"c1","webhookBaseURL":"https://cx.example.com/x"})"sv).as_object();
  auto& req = f.host.requests().at(0);
  CHECK(req.method == "POST");
  CHECK(req.url == "https://acme.biapi.pro/webhooks/auth?type=hmac_signature&name=powenstest");
  bool bearer = false;
  for (auto& [k, v] : req.headers) bearer |= k == "Authorization" && v == "Bearer config-token";
  CHECK(bearer);
  std::map<std::string, std::string> paths;
  for (auto& c : out.at("configs").as_array()) {
    paths[std::string(c.at("name").as_string())] = std::string(c.at("urlPath").as_string());
    CHECK(c.at("metadata").at("secret") == "k-123");
  }
  CHECK(paths.at("USER_DELETED") == "/user-deleted");
  CHECK(paths.at("CONNECTION_SYNCED") == "/connection-synced");
  CHECK(paths.at("CONNECTION_DELETED") == "/connection-deleted");
  CHECK(paths.at("CONNECTION_PENDING_DISCONNECT") == "/connection-pending-disconnect");
}

TEST_CASE("CONNECTION_PENDING_DISCONNECT is a pending disconnect at the consent's expiry, else a week ahead") {
  Fixture f;
  f.host.now_ms = 1719835200000;  // 2024-07-01T12:00:00Z
  auto nested = f.d().call_ok(&cx_connector::translate_webhook,
                              translate_req("CONNECTION_PENDING_DISCONNECT",
                                            R"({"user":{"id":42},"connection":{"id":7,"id_user":42,"state":null,)"
                                            R"("expire":"2024-07-05 10:00:00","error_message":"consent ends"}})"));
  REQUIRE(nested.at("responses").as_array().size() == 1);
  auto* p = response_with(nested, "userConnectionPendingDisconnect");
  REQUIRE(p != nullptr);
  CHECK(p->at("connectionID") == "7");
  CHECK(p->at("providerUserID") == "42");
  CHECK(p->at("at") == "2024-07-05T08:00:00Z");
  CHECK(p->at("reason") == "consent ends");
  // The connection at the root, no expiry: a week from now. Chosen by the URL path alone too.
  json::object by_path{{"webhook", webhook(R"({"id":8,"id_user":42})", json::object{})},
                       {"config", config("", "/connection-pending-disconnect")}};
  by_path.at("config").as_object().erase("name");
  auto root = f.d().call_ok(&cx_connector::translate_webhook, by_path);
  auto* q = response_with(root, "userConnectionPendingDisconnect");
  REQUIRE(q != nullptr);
  CHECK(q->at("connectionID") == "8");
  CHECK(q->at("at") == "2024-07-08T12:00:00Z");
  auto bad = f.d().call(&cx_connector::translate_webhook, translate_req("CONNECTION_PENDING_DISCONNECT", R"({"user":{"id":42}})"));
  CHECK(bad.code == CX_ERR_INVALID_ARGUMENT);
}

TEST_CASE("verify_webhook: a valid signature passes and yields an idempotency key") {
  Fixture f;
  std::string body = R"({"user":{"id":42}})";
  auto o = f.d().call(&cx_connector::verify_webhook, verify_req(body, signed_headers(body)));
  REQUIRE(o.code == CX_OK);
  auto key = o.json().at("idempotencyKey");
  // Same body delivered again with a new signature date: same key, so it is stored once.
  auto again = f.d().call(&cx_connector::verify_webhook, verify_req(body, signed_headers(body, "2024-07-01T10:05:00Z")));
  REQUIRE(again.code == CX_OK);
  CHECK(again.json().at("idempotencyKey") == key);
  // Headers may arrive as plain strings and in any case.
  const std::string date = "2024-07-01T10:00:00Z";
  json::object h{{"BI-Signature", powens::sign_webhook(kSecret, kPath, date, body)}, {"Bi-Signature-Date", date}};
  CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_OK);
}

TEST_CASE("verify_webhook: the signature date is reported to the host, and a date that is not one is refused") {
  Fixture f;
  std::string body = R"({"user":{"id":42}})";
  auto signed_at = [&](const std::string& date) {
    auto o = f.d().call(&cx_connector::verify_webhook, verify_req(body, signed_headers(body, date)));
    return o.code == CX_OK ? std::string(o.json().at("signedAt").as_string()) : "refused " + std::to_string(o.code);
  };
  CHECK(signed_at("2001-01-01T00:00:00Z") == "2001-01-01T00:00:00Z");
  CHECK(signed_at("2099-12-31T23:59:59+01:00") == "2099-12-31T22:59:59Z");
  CHECK(signed_at("Mon, 01 Jan 2001 00:00:00 GMT") == "2001-01-01T00:00:00Z");
  for (const char* bad : {"not-a-date", "d", "2024-13-01T00:00:00Z", "Mon, 01 Jan 2001 00:00:00 CET", "1700000000"})
    CHECK(signed_at(bad) == "refused " + std::to_string(CX_ERR_AUTH));
}

TEST_CASE("verify_webhook: bad, missing or misplaced signatures are refused") {
  Fixture f;
  std::string body = R"({"user":{"id":42}})";
  SECTION("tampered body") {
    auto h = signed_headers(body);
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(R"({"user":{"id":43}})", h)).code == CX_ERR_AUTH);
  }
  SECTION("wrong secret") {
    CHECK(f.d().call(&cx_connector::verify_webhook,
                     verify_req(body, signed_headers(body, "d", kPath, "other"))).code == CX_ERR_AUTH);
  }
  SECTION("signature over another path") {
    CHECK(f.d().call(&cx_connector::verify_webhook,
                     verify_req(body, signed_headers(body, "d", "/api/payments/v3/connectors/webhooks/c1/user-deleted")))
              .code == CX_ERR_AUTH);
  }
  SECTION("date changed after signing") {
    auto h = signed_headers(body, "2024-07-01T10:00:00Z");
    h["bi-signature-date"] = json::array{"2024-07-01T11:00:00Z"};
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_ERR_AUTH);
  }
  SECTION("missing signature header") {
    auto h = signed_headers(body);
    h.erase("bi-signature");
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_ERR_AUTH);
  }
  SECTION("missing date header") {
    auto h = signed_headers(body);
    h.erase("bi-signature-date");
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_ERR_AUTH);
  }
  SECTION("repeated signature header") {
    auto h = signed_headers(body);
    auto sig = h.at("bi-signature").as_array()[0];
    h["bi-signature"] = json::array{sig, sig};
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_ERR_AUTH);
  }
  SECTION("not base64") {
    auto h = signed_headers(body);
    h["bi-signature"] = json::array{"%%%not-base64%%%"};
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, h)).code == CX_ERR_AUTH);
  }
  SECTION("query string is not part of the signed path") {
    CHECK(f.d().call(&cx_connector::verify_webhook, verify_req(body, signed_headers(body), kURL + "?x=1")).code == CX_OK);
  }
}

TEST_CASE("CONNECTION_SYNCED with state null: reconnected, accounts, payments, deletions, balances in order") {
  Fixture f;
  f.host.now_ms = 1719835200000;  // 2024-07-01T12:00:00Z
  std::string body = synced_body("null", "2024-07-01 12:00:00",
                                 tx_json(1, 5, "-12.34", true) + "," + tx_json(2, 5, "100") + "," +
                                     tx_json(3, 5, "-1", true, R"(,"deleted":"2024-07-01 11:00:00")") + "," +
                                     tx_json(4, 5, "1.999"));
  auto out = f.d().call_ok(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", body));
  std::vector<std::string> keys;
  for (auto& r : out.at("responses").as_array()) keys.emplace_back(r.as_object().begin()->key());
  CHECK(keys == std::vector<std::string>{"userConnectionReconnected", "accounts", "payments", "paymentsToDelete", "balances"});
  auto& rec = response_with(out, "userConnectionReconnected")->as_object();
  CHECK(rec.at("connectionID") == "7");
  CHECK(rec.at("providerUserID") == "42");
  CHECK(rec.at("at") == "2024-07-01T10:00:00Z");
  auto& payments = response_with(out, "payments")->as_array();
  REQUIRE(payments.size() == 2);  // 3 deleted, 4 rejected (3 decimals in EUR)
  CHECK(payments[0].at("status") == "PENDING");
  CHECK(payments[0].at("amount") == "1234");
  CHECK(payments[0].at("providerUserID") == "42");
  CHECK(payments[0].at("connectionID") == "7");
  CHECK(response_with(out, "paymentsToDelete")->as_array()[0].at("reference") == "3");
  CHECK(response_with(out, "balances")->as_array()[0].at("amount") == "10010");
  CHECK_FALSE(response_with(out, "accounts")->as_array()[0].at("raw").as_object().contains("transactions"));
}

TEST_CASE("CONNECTION_SYNCED: connection states become connection events") {
  struct Case {
    const char* state;
    const char* error_type;
  };
  for (auto c : {Case{"SCARequired", "USER_ACTION_NEEDED"}, Case{"webauthRequired", "USER_ACTION_NEEDED"},
                 Case{"additionalInformationNeeded", "USER_ACTION_NEEDED"}, Case{"decoupled", "USER_ACTION_NEEDED"},
                 Case{"actionNeeded", "USER_ACTION_NEEDED"}, Case{"wrongpass", "USER_ACTION_NEEDED"},
                 Case{"passwordExpired", "USER_ACTION_NEEDED"}, Case{"validating", "USER_ACTION_NEEDED"},
                 Case{"rateLimiting", "TEMPORARY_ERROR"}, Case{"websiteUnavailable", "TEMPORARY_ERROR"},
                 Case{"bug", "NON_RECOVERABLE"}, Case{"somethingNew", "NON_RECOVERABLE"}}) {
    Fixture f;
    INFO(c.state);
    auto out = f.d().call_ok(&cx_connector::translate_webhook,
                             translate_req("CONNECTION_SYNCED", synced_body(std::string("\"") + c.state + "\"",
                                                                            "2024-07-01 12:00:00", tx_json(1, 5, "-1"))));
    auto& responses = out.at("responses").as_array();
    REQUIRE(responses.size() == 1);  // no data is taken from a connection in error
    auto& d = responses[0].at("userConnectionDisconnected").as_object();
    CHECK(d.at("errorType") == c.error_type);
    CHECK(d.at("connectionID") == "7");
    CHECK(d.at("providerUserID") == "42");
  }
}

TEST_CASE("CONNECTION_SYNCED: consent close to expiry adds a pending disconnect at the expiry") {
  Fixture f;
  f.host.now_ms = 1719835200000;  // 2024-07-01T12:00:00Z
  auto soon = f.d().call_ok(&cx_connector::translate_webhook,
                            translate_req("CONNECTION_SYNCED", synced_body("null", "2024-07-01 12:00:00", "",
                                                                           R"(,"expire":"2024-07-05 10:00:00")")));
  auto* pending = response_with(soon, "userConnectionPendingDisconnect");
  REQUIRE(pending != nullptr);
  CHECK(pending->at("at") == "2024-07-05T08:00:00Z");
  Fixture g;
  g.host.now_ms = 1719835200000;
  auto later = g.d().call_ok(&cx_connector::translate_webhook,
                             translate_req("CONNECTION_SYNCED", synced_body("null", "2024-07-01 12:00:00", "",
                                                                            R"(,"expire":"2024-12-25 10:00:00")")));
  CHECK(response_with(later, "userConnectionPendingDisconnect") == nullptr);
}

TEST_CASE("CONNECTION_SYNCED: the consent's remaining time counts from Powens' last_update when it is ahead") {
  // Our clock: 2024-07-01; the consent ends 2024-07-15 (14 days away by our clock).
  auto pending_with = [](const char* last_update, const char* expire = "2024-07-15 10:00:00") {
    Fixture f;
    f.host.now_ms = 1719835200000;  // 2024-07-01T12:00:00Z
    auto out = f.d().call_ok(&cx_connector::translate_webhook,
                             translate_req("CONNECTION_SYNCED", synced_body("null", last_update, "",
                                                                            std::string(R"(,"expire":")") + expire + "\"")));
    return response_with(out, "userConnectionPendingDisconnect") != nullptr;
  };
  CHECK_FALSE(pending_with("2024-07-01 12:00:00"));
  CHECK(pending_with("2024-07-10 12:00:00"));   // Powens reports from 5 days before the end
  // An old report does not push the end away: 4 days by our clock, 34 by that report's.
  CHECK(pending_with("2024-06-01 12:00:00", "2024-07-05 10:00:00"));
}

TEST_CASE("CONNECTION_SYNCED delivered out of order keeps booked rows but cannot resurrect a provisional one") {
  Fixture f;
  auto newer = synced_body("null", "2024-07-03 09:00:00",
                           tx_json(100, 5, "-5", true, R"(,"deleted":"2024-07-03 09:00:00")") + "," + tx_json(101, 5, "-5"));
  auto older = synced_body("\"SCARequired\"", "2024-07-01 09:00:00", "");
  auto older_active = synced_body("null", "2024-07-01 09:00:00",
                                  tx_json(99, 5, "-7") + "," + tx_json(100, 5, "-5", true) + "," +
                                      tx_json(98, 5, "-1", true, R"(,"deleted":"2024-07-01 08:00:00")"));
  auto o1 = f.d().call_ok(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", newer));
  CHECK(response_with(o1, "paymentsToDelete") != nullptr);
  CHECK(response_with(o1, "balances") != nullptr);

  // The older delivery arrives late: its booked row 99 and deletion of 98 are kept; the pending
  // 100, the outdated balance and the outdated state are not.
  auto o2 = f.d().call_ok(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", older_active));
  auto* payments = response_with(o2, "payments");
  REQUIRE(payments != nullptr);
  REQUIRE(payments->as_array().size() == 1);
  CHECK(payments->as_array()[0].at("reference") == "99");
  CHECK(response_with(o2, "paymentsToDelete")->as_array()[0].at("reference") == "98");
  CHECK(response_with(o2, "balances") == nullptr);
  CHECK(response_with(o2, "userConnectionReconnected") == nullptr);
  CHECK(response_with(o2, "accounts") != nullptr);
  // An outdated error state does not disconnect a connection that is healthy since.
  auto o3 = f.d().call_ok(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", older));
  CHECK(o3.at("responses").as_array().empty());
  // A duplicate of the newer delivery is applied again in full (idempotent in the host).
  auto o4 = f.d().call_ok(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", newer));
  CHECK(response_with(o4, "payments") != nullptr);
  CHECK(response_with(o4, "balances") != nullptr);
  CHECK(response_with(o4, "userConnectionReconnected") != nullptr);
}

TEST_CASE("CONNECTION_DELETED, USER_DELETED and USER_SYNCED") {
  Fixture f;
  auto del = f.d().call_ok(&cx_connector::translate_webhook,
                           translate_req("CONNECTION_DELETED", R"({"id":7,"id_user":42,"state":null})"));
  // Deleted at Powens: the host deletes it with its data, it is not merely disconnected.
  CHECK(response_with(del, "userConnectionDisconnected") == nullptr);
  auto& d = response_with(del, "userConnectionDeleted")->as_object();
  CHECK(d.at("connectionID") == "7");
  CHECK(d.at("providerUserID") == "42");
  // A late CONNECTION_SYNCED for the deleted connection is ignored.
  auto late = f.d().call_ok(&cx_connector::translate_webhook,
                            translate_req("CONNECTION_SYNCED", synced_body("null", "2030-01-01 00:00:00", "")));
  CHECK(late.at("responses").as_array().empty());

  auto user = f.d().call_ok(&cx_connector::translate_webhook, translate_req("USER_DELETED", R"({"id":42})"));
  CHECK(response_with(user, "userDisconnected")->at("providerUserID") == "42");

  std::string synced = R"({"id":43,"connections":[{"id":9,"id_user":43,"state":null,"last_update":"2024-07-01 12:00:00","accounts":[)" +
                       account_json(11, "5", currency("EUR", 2), R"(,"transactions":[)" + tx_json(77, 11, "-3") + "]") + "]}]}";
  auto us = f.d().call_ok(&cx_connector::translate_webhook, translate_req("USER_SYNCED", synced));
  CHECK(response_with(us, "userConnectionReconnected")->at("connectionID") == "9");
  CHECK(response_with(us, "payments")->as_array()[0].at("reference") == "77");
  CHECK(response_with(us, "payments")->as_array()[0].at("providerUserID") == "43");

  auto unknown = f.d().call(&cx_connector::translate_webhook, translate_req("ACCOUNT_SYNCED", "{}"));
  CHECK(unknown.code == CX_ERR_INVALID_ARGUMENT);
  auto garbage = f.d().call(&cx_connector::translate_webhook, translate_req("CONNECTION_SYNCED", "{not json"));
  CHECK(garbage.code != CX_OK);
}
