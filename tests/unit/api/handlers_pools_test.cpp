#include "handler_fixture.hpp"

#include <connectivity/time.hpp>

#include <catch2/catch.hpp>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

namespace {

void record_balance(Fixture& f, const std::string& account, const std::string& asset, const std::string& amount,
                    int64_t at) {
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::BalanceRecord b;
    b.account_id = account;
    b.asset = asset;
    b.balance = amount;
    b.created_at = at;
    cx::store::balances::record(tx, b);
  });
}

std::string create_pool(Fixture& f, const std::string& body) {
  auto r = f.post("/api/payments/v3/pools", body);
  REQUIRE(r.status == 201);
  return std::string(r.json().at("data").as_string());
}

// The first amount of a balances body as raw text (big integers do not survive a JSON parse).
std::string first_amount(const Reply& r) {
  auto at = r.body.find("\"amount\":");
  REQUIRE(at != std::string::npos);
  auto start = at + 9;
  return r.body.substr(start, r.body.find_first_of(",}", start) - start);
}

json::array balances(const Reply& r) {
  REQUIRE(r.status == 200);
  return r.json().at("data").as_array();
}

}  // namespace

TEST_CASE("pools: create static, get, list with filters, delete") {
  Fixture f;
  std::string cid = f.add_connector("generic", "main");
  std::string a1 = f.add_account(cid, "acc-1");
  std::string a2 = f.add_account(cid, "acc-2");
  std::string p1 = create_pool(f, R"({"name":"treasury","accountIDs":[")" + a1 + R"(",")" + a2 + R"("]})");
  f.tick();
  std::string p2 = create_pool(f, R"({"name":"empty","accountIDs":[]})");

  auto got = f.get("/api/payments/v3/pools/" + p1);
  REQUIRE(got.status == 200);
  auto d = got.json().at("data").as_object();
  CHECK(d.at("id").as_string() == p1);
  CHECK(d.at("name").as_string() == "treasury");
  CHECK(d.at("type").as_string() == "STATIC");
  CHECK_FALSE(d.contains("query"));
  CHECK(cx::time::parse_rfc3339(d.at("createdAt").as_string()).has_value());
  REQUIRE(d.at("poolAccounts").as_array().size() == 2);
  CHECK(d.at("poolAccounts").at(0).as_string() == a1);

  auto all = f.get("/api/payments/v3/pools");
  REQUIRE(all.status == 200);
  auto items = all.json().at("cursor").at("data").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("id").as_string() == p2);  // newest first
  CHECK(items[1].at("poolAccounts").as_array().size() == 2);

  auto by_account = f.get("/api/payments/v3/pools", R"({"$match":{"account_id":")" + a2 + "\"}}");
  REQUIRE(by_account.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(by_account.json().at("cursor").at("data").at(0).at("id").as_string() == p1);
  auto by_name = f.get("/api/payments/v3/pools?query=%7B%22%24match%22%3A%7B%22name%22%3A%22empty%22%7D%7D");
  REQUIRE(by_name.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(by_name.json().at("cursor").at("data").at(0).at("id").as_string() == p2);
  CHECK(f.get("/api/payments/v3/pools", R"({"$match":{"colour":"red"}})").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/pools", R"({"$lt":{"account_id":"x"}})").code() == "VALIDATION");

  // A filtered list keeps its filter across pages.
  auto page1 = f.get("/api/payments/v3/pools?pageSize=1", R"({"$match":{"account_id":")" + a1 + "\"}}");
  REQUIRE(page1.json().at("cursor").at("data").as_array().size() == 1);
  CHECK_FALSE(page1.json().at("cursor").at("hasMore").as_bool());

  CHECK(f.call("DELETE", "/api/payments/v3/pools/" + p1).status == 204);
  CHECK(f.get("/api/payments/v3/pools/" + p1).status == 404);
  CHECK(f.call("DELETE", "/api/payments/v3/pools/" + p1).status == 204);  // unknown: 204 like the reference
  CHECK(f.get("/api/payments/v3/pools/not-a-uuid").code() == "INVALID_ID");
  CHECK(f.call("GET", "/api/payments/v3/pools", "", false).status == 401);
}

TEST_CASE("pools: create refuses bad input with the field named") {
  Fixture f;
  std::string cid = f.add_connector("generic", "main");
  std::string a1 = f.add_account(cid, "acc-1");
  CHECK(f.post("/api/payments/v3/pools", "").code() == "MISSING_OR_INVALID_BODY");
  CHECK(f.post("/api/payments/v3/pools", R"({"accountIDs":[]})").message() == "name is a required field");
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x"})").code() == "VALIDATION");
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x","accountIDs":"a"})").code() == "MISSING_OR_INVALID_BODY");
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x","accountIDs":["nope"]})").code() == "VALIDATION");
  auto missing = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(cid), "ghost"});
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x","accountIDs":[")" + missing + "\"]}").status == 404);
  // An external account cannot join a pool.
  cx::store::AccountRecord ext;
  ext.id = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(cid), "ext"});
  ext.connector_id = cid;
  ext.reference = "ext";
  ext.type = "EXTERNAL";
  ext.raw_json = "{}";
  ext.created_at = f.clock->load();
  f.db->write([&](cx::store::WriteTx& tx) { cx::store::accounts::insert(tx, ext); });
  auto r = f.post("/api/payments/v3/pools", R"({"name":"x","accountIDs":[")" + ext.id + "\"]}");
  CHECK(r.code() == "VALIDATION");
  CHECK(r.message().find("not an internal account") != std::string::npos);
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x","query":{"$match":{"colour":"red"}}})").code() == "VALIDATION");

  create_pool(f, R"({"name":"x","accountIDs":[")" + a1 + "\"]}");
  CHECK(f.post("/api/payments/v3/pools", R"({"name":"x","accountIDs":[]})").code() == "CONFLICT");
  CHECK(f.get("/api/payments/v3/pools").json().at("cursor").at("data").as_array().size() == 1);  // nothing half-written
}

TEST_CASE("pools: add and remove accounts; dynamic pools follow their query") {
  Fixture f;
  std::string cid = f.add_connector("generic", "main");
  std::string a1 = f.add_account(cid, "acc-1");
  std::string a2 = f.add_account(cid, "acc-2");
  std::string p = create_pool(f, R"({"name":"p","accountIDs":[")" + a1 + "\"]}");
  CHECK(f.post("/api/payments/v3/pools/" + p + "/accounts/" + a2).status == 204);
  CHECK(f.post("/api/payments/v3/pools/" + p + "/accounts/" + a2).status == 204);  // idempotent
  CHECK(f.get("/api/payments/v3/pools/" + p).json().at("data").at("poolAccounts").as_array().size() == 2);
  CHECK(f.call("DELETE", "/api/payments/v3/pools/" + p + "/accounts/" + a1).status == 204);
  auto accounts = f.get("/api/payments/v3/pools/" + p).json().at("data").at("poolAccounts").as_array();
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0].as_string() == a2);
  CHECK(f.post("/api/payments/v3/pools/" + p + "/accounts/garbage").code() == "INVALID_ID");
  auto ghost = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(cid), "ghost"});
  CHECK(f.post("/api/payments/v3/pools/" + p + "/accounts/" + ghost).status == 404);
  CHECK(f.post("/api/payments/v3/pools/6f0c2c0e-3c8a-4d0c-9d43-0e1b2c3d4e5f/accounts/" + a1).status == 404);
  CHECK(f.call("PATCH", "/api/payments/v3/pools/" + p + "/query", R"({"query":{"$match":{"reference":"acc-1"}}})")
            .code() == "VALIDATION");  // static

  std::string d = create_pool(f, R"({"name":"dyn","query":{"$match":{"reference":"acc-1"}}})");
  auto got = f.get("/api/payments/v3/pools/" + d).json().at("data");
  CHECK(got.at("type").as_string() == "DYNAMIC");
  CHECK(got.at("query").at("$match").at("reference").as_string() == "acc-1");
  REQUIRE(got.at("poolAccounts").as_array().size() == 1);
  CHECK(got.at("poolAccounts").at(0).as_string() == a1);
  CHECK(f.post("/api/payments/v3/pools/" + d + "/accounts/" + a2).code() == "VALIDATION");
  CHECK(f.call("PATCH", "/api/payments/v3/pools/" + d + "/query", R"({"query":{"$match":{"reference":"acc-2"}}})")
            .status == 204);
  CHECK(f.get("/api/payments/v3/pools/" + d).json().at("data").at("poolAccounts").at(0).as_string() == a2);
  CHECK(f.call("PATCH", "/api/payments/v3/pools/" + d + "/query", R"({})").code() == "VALIDATION");
}

TEST_CASE("pools: balances latest and at past instants from the balance history") {
  Fixture f;
  std::string cid = f.add_connector("generic", "main");
  std::string a1 = f.add_account(cid, "acc-1");
  std::string a2 = f.add_account(cid, "acc-2");
  const int64_t t0 = f.clock->load();
  record_balance(f, a1, "EUR/2", "100", t0);
  record_balance(f, a2, "EUR/2", "99999999999999999999", t0);
  record_balance(f, a2, "USD/2", "-5", t0);
  record_balance(f, a1, "EUR/2", "100", t0 + 5'000);   // same amount: only last_updated_at moves
  record_balance(f, a1, "EUR/2", "250", t0 + 10'000);  // a new amount from t0+10s
  f.clock->store(t0 + 20'000);
  std::string p = create_pool(f, R"({"name":"p","accountIDs":[")" + a1 + R"(",")" + a2 + R"("]})");
  const std::string base = "/api/payments/v3/pools/" + p + "/balances";

  auto latest_reply = f.get(base + "/latest");
  auto latest = balances(latest_reply);
  REQUIRE(latest.size() == 2);
  CHECK(latest[0].at("asset").as_string() == "EUR/2");
  CHECK(first_amount(latest_reply) == "100000000000000000249");  // exact, a bare number
  CHECK(latest[0].at("relatedAccounts").as_array().size() == 2);
  CHECK(latest[1].at("asset").as_string() == "USD/2");
  CHECK(latest[1].at("amount").as_int64() == -5);

  auto at = [&](int64_t ms) { return f.get(base + "?at=" + cx::time::format_rfc3339(ms)); };
  CHECK(balances(at(t0 - 1)).empty());
  CHECK(first_amount(at(t0 + 7'000)) == "100000000000000000099");
  CHECK(first_amount(at(t0 + 10'000)) == "100000000000000000249");  // the newer row wins at its own instant
  CHECK(first_amount(at(t0 + 15'000)) == "100000000000000000249");  // after the last observation: still in force

  CHECK(f.get(base).message() == "query param 'at' is missing");
  CHECK(f.get(base + "?at=yesterday").code() == "VALIDATION");
  CHECK(f.get(base + "?at=" + cx::time::format_rfc3339(t0 + 60'000)).message() ==
        "query param 'at' cannot be in the future");
  CHECK(f.get("/api/payments/v3/pools/6f0c2c0e-3c8a-4d0c-9d43-0e1b2c3d4e5f/balances/latest").status == 404);
  std::string empty = create_pool(f, R"({"name":"e","accountIDs":[]})");
  CHECK(balances(f.get("/api/payments/v3/pools/" + empty + "/balances/latest")).empty());
}
