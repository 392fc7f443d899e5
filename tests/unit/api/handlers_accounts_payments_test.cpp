#include "host/api/cursor.hpp"

#include "handler_fixture.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

TEST_CASE("accounts: list with the embedded connector, raw always an object, filter by PSU") {
  Fixture f;
  std::string cid = f.add_connector("powens", "main");
  std::string psu = f.add_psu();
  std::string a1 = f.add_account(cid, "acc-1", psu);
  std::string a2 = f.add_account(cid, "acc-2", std::nullopt, "[1,2]");

  auto r = f.get("/api/payments/v3/accounts");
  REQUIRE(r.status == 200);
  auto data = r.json().at("cursor").at("data").as_array();
  REQUIRE(data.size() == 2);
  auto first = data[0].as_object();  // newest first
  CHECK(first.at("id").as_string() == a2);
  CHECK(first.at("raw").as_object().empty());
  CHECK_FALSE(first.contains("psuID"));
  auto second = data[1].as_object();
  CHECK(second.at("provider").as_string() == "powens");
  CHECK(second.at("connector").at("name").as_string() == "main");
  CHECK(second.at("connector").at("id").as_string() == cid);
  CHECK(second.at("raw").at("iban").as_string() == "FR76");
  CHECK(second.at("psuID").as_string() == psu);
  CHECK(second.at("type").as_string() == "INTERNAL");
  CHECK(second.at("defaultAsset").as_string() == "EUR/2");

  auto by_psu = f.get("/api/payments/v3/accounts", R"({"$match":{"psu_id":")" + psu + "\"}}");
  REQUIRE(by_psu.status == 200);
  REQUIRE(by_psu.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(by_psu.json().at("cursor").at("data").at(0).at("id").as_string() == a1);

  auto via_param = f.get("/api/payments/v3/accounts?query=" +
                         std::string(R"(%7B%22%24match%22%3A%7B%22reference%22%3A%22acc-2%22%7D%7D)"));
  REQUIRE(via_param.json().at("cursor").at("data").as_array().size() == 1);

  CHECK(f.get("/api/payments/v3/accounts", R"({"$match":{"colour":"red"}})").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/accounts", R"({"$match":{"psu_id":1.5}})").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/accounts", R"({"$regex":{"psu_id":"x"}})").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/accounts", R"({"$match":{"metadata[k]":"v"},"$lt":{}})").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/accounts?cursor=!!!").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/accounts?pageSize=-1").code() == "VALIDATION");
  CHECK(f.call("GET", "/api/payments/v3/accounts", "", false).status == 401);
}

TEST_CASE("accounts: get by id") {
  Fixture f;
  std::string cid = f.add_connector();
  std::string a = f.add_account(cid, "acc-1");
  auto r = f.get("/api/payments/v3/accounts/" + a);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("data").at("reference").as_string() == "acc-1");
  CHECK(f.get("/api/payments/v3/accounts/" + cid).code() == "INVALID_ID");  // a ConnectorID is not an AccountID
  auto missing = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(cid), "nope"});
  CHECK(f.get("/api/payments/v3/accounts/" + missing).status == 404);
}

TEST_CASE("balances: psuID always present, big amounts exact, asset and time window") {
  Fixture f;
  std::string cid = f.add_connector();
  std::string a = f.add_account(cid, "acc-1");
  int64_t t0 = f.clock->load();
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::BalanceRecord b;
    b.account_id = a;
    b.asset = "EUR/2";
    b.balance = "123456789012345678901234567890";
    b.created_at = t0;
    cx::store::balances::record(tx, b);
    b.asset = "USD/2";
    b.balance = "-42";
    b.created_at = t0 + 10;
    cx::store::balances::record(tx, b);
  });
  f.tick(100000);
  auto r = f.get("/api/payments/v3/accounts/" + a + "/balances");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(R"("balance":123456789012345678901234567890)") != std::string::npos);
  auto data = r.json().at("cursor").at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("psuID").as_string() == "");
  CHECK(data[0].at("accountID").as_string() == a);

  auto eur = f.get("/api/payments/v3/accounts/" + a + "/balances?asset=EUR%2F2&pageSize=1");
  REQUIRE(eur.status == 200);
  CHECK(eur.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(eur.json().at("cursor").at("data").at(0).at("asset").as_string() == "EUR/2");

  auto before = f.get("/api/payments/v3/accounts/" + a + "/balances?toTimestamp=2000-01-01T00:00:00Z");
  CHECK(before.json().at("cursor").at("data").as_array().empty());
  CHECK(f.get("/api/payments/v3/accounts/" + a + "/balances?from=yesterday").code() == "VALIDATION");
  auto missing = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(cid), "nope"});
  CHECK(f.get("/api/payments/v3/accounts/" + missing + "/balances").status == 404);
  CHECK(f.get("/api/payments/v3/accounts/xyz/balances").code() == "INVALID_ID");
}

TEST_CASE("balances: the cursor keeps asset and window") {
  Fixture f;
  std::string cid = f.add_connector();
  std::string a = f.add_account(cid, "acc-1");
  int64_t t0 = f.clock->load();
  f.db->write([&](cx::store::WriteTx& tx) {
    for (int i = 0; i < 3; ++i) {
      cx::store::BalanceRecord b;
      b.account_id = a;
      b.asset = "EUR/2";
      b.balance = std::to_string(i + 1);
      b.created_at = t0 + i * 10;
      cx::store::balances::record(tx, b);
    }
  });
  f.tick(100000);
  auto p1 = f.get("/api/payments/v3/accounts/" + a + "/balances?asset=EUR%2F2&pageSize=2");
  REQUIRE(p1.json().at("cursor").at("hasMore").as_bool());
  std::string next(p1.json().at("cursor").at("next").as_string());
  auto decoded = decode_cursor(next);
  CHECK(decoded.options.at("asset").as_string() == "EUR/2");
  auto p2 = f.get("/api/payments/v3/accounts/" + a + "/balances?cursor=" + next);
  REQUIRE(p2.status == 200);
  CHECK(p2.json().at("cursor").at("data").as_array().size() == 1);
}

TEST_CASE("payments: list without adjustments, get with them, amounts as integers, metadata patch") {
  Fixture f;
  std::string cid = f.add_connector();
  std::string psu = f.add_psu();
  std::string p = f.add_payment(cid, "tx-1", "99999999999999999999999", psu);
  f.add_payment(cid, "tx-2", "250");

  auto list = f.get("/api/payments/v3/payments");
  REQUIRE(list.status == 200);
  CHECK(list.body.find(R"("amount":99999999999999999999999)") != std::string::npos);
  auto data = list.json().at("cursor").at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("amount").as_int64() == 250);
  CHECK(data[0].at("adjustments").is_null());
  CHECK(data[0].at("sourceAccountID").is_null());
  CHECK(data[0].at("provider").as_string() == "powens");
  CHECK(data[1].at("psuID").as_string() == psu);

  auto big = f.get("/api/payments/v3/payments", R"({"$gt":{"amount":1000}})");
  REQUIRE(big.status == 200);
  REQUIRE(big.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(big.json().at("cursor").at("data").at(0).at("id").as_string() == p);
  CHECK(f.get("/api/payments/v3/payments", R"({"$gt":{"reference":"a"}})").code() == "VALIDATION");

  auto one = f.get("/api/payments/v3/payments/" + p);
  REQUIRE(one.status == 200);
  auto adj = one.json().at("data").at("adjustments").as_array();
  REQUIRE(adj.size() == 1);
  CHECK(adj[0].at("status").as_string() == "SUCCEEDED");
  CHECK(one.body.find(R"("big":123456789012345678901234567890)") != std::string::npos);

  auto patch = f.call("PATCH", "/api/payments/v3/payments/" + p + "/metadata", R"({"metadata":{"k":"v"}})");
  CHECK(patch.status == 204);
  CHECK(f.get("/api/payments/v3/payments/" + p).json().at("data").at("metadata").at("k").as_string() == "v");
  CHECK(f.call("PATCH", "/api/payments/v3/payments/" + p + "/metadata", R"({"metadata":{"k":1}})").code() ==
        "MISSING_OR_INVALID_BODY");
  auto missing = cx::ids::encode(cx::ids::PaymentID{*cx::ids::decode_connector_id(cid), "nope", "PAYOUT"});
  CHECK(f.get("/api/payments/v3/payments/" + missing).status == 404);
  CHECK(f.call("PATCH", "/api/payments/v3/payments/" + missing + "/metadata", R"({"metadata":{}})").status == 404);
  CHECK(f.get("/api/payments/v3/payments/abc").code() == "INVALID_ID");
}
