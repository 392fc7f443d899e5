#include "handler_fixture.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

namespace {
const std::string kPsus = "/api/payments/v3/payment-service-users";
}

TEST_CASE("create PSU: 201 {data: uuid}; get shows what was stored, absent parts omitted") {
  Fixture f;
  auto r = f.post(kPsus, R"({"name":"Ada Lovelace","contactDetails":{"email":"ada@example.com","locale":"en-GB"},
    "address":{"streetNumber":"12","city":"London","country":"GB"},"metadata":{"team":"a"}})");
  REQUIRE(r.status == 201);
  std::string id(r.json().at("data").as_string());
  CHECK(cx::ids::normalize_uuid(id) == id);

  auto g = f.get(kPsus + "/" + id);
  REQUIRE(g.status == 200);
  auto d = g.json().at("data").as_object();
  CHECK(d.at("name").as_string() == "Ada Lovelace");
  CHECK(d.at("contactDetails").at("email").as_string() == "ada@example.com");
  CHECK(d.at("contactDetails").at("locale").as_string() == "en-GB");
  CHECK_FALSE(d.at("contactDetails").as_object().contains("phoneNumber"));
  CHECK(d.at("address").at("country").as_string() == "GB");
  CHECK(d.at("metadata").at("team").as_string() == "a");
  CHECK_FALSE(d.contains("bankAccountIDs"));

  auto bare = f.post(kPsus, R"({"name":"B"})");
  auto b = f.get(kPsus + "/" + std::string(bare.json().at("data").as_string())).json().at("data").as_object();
  CHECK_FALSE(b.contains("contactDetails"));
  CHECK_FALSE(b.contains("address"));
}

TEST_CASE("create PSU errors") {
  Fixture f;
  CHECK(f.post(kPsus, "").code() == "MISSING_OR_INVALID_BODY");
  CHECK(f.post(kPsus, "{").code() == "MISSING_OR_INVALID_BODY");
  auto v = f.post(kPsus, R"({"contactDetails":{"email":"x@y.zz"}})");
  CHECK(v.status == 400);
  CHECK(v.code() == "VALIDATION");
  CHECK(v.message() == "name is a required field");
  CHECK(f.post(kPsus, R"({"name":"a","contactDetails":{"email":"nope"}})").message() ==
        "contactDetails.email is invalid");
  auto unknown_ba = f.post(kPsus, R"({"name":"a","bankAccountIDs":["00000000-0000-4000-8000-000000000009"]})");
  CHECK(unknown_ba.status == 404);
  CHECK(f.post(kPsus, std::string(cx::api::kMaxBodyBytes + 1, ' ')).status == 413);
  CHECK(f.call("POST", kPsus, R"({"name":"a"})", false).status == 401);
}

TEST_CASE("get / list / delete PSU") {
  Fixture f;
  std::string a = f.add_psu("A", {{"tier", "gold"}});
  std::string b = f.add_psu("B", {{"tier", "silver"}});
  CHECK(f.get(kPsus + "/not-a-uuid").code() == "INVALID_ID");
  CHECK(f.get(kPsus + "/00000000-0000-4000-8000-000000000000").status == 404);
  CHECK(f.get(kPsus + "/" + a).json().at("data").at("id").as_string() == a);

  auto list = f.get(kPsus);
  REQUIRE(list.status == 200);
  CHECK(list.json().at("cursor").at("data").as_array().size() == 2);
  auto gold = f.get(kPsus, R"({"$match":{"metadata[tier]":"gold"}})");
  REQUIRE(gold.status == 200);
  REQUIRE(gold.json().at("cursor").at("data").as_array().size() == 1);
  CHECK(gold.json().at("cursor").at("data").at(0).at("id").as_string() == a);
  auto bad_key = f.get(kPsus, R"({"$match":{"nickname":"x"}})");
  CHECK(bad_key.status == 400);
  CHECK(bad_key.code() == "VALIDATION");
  CHECK_THAT(bad_key.message(), Catch::Contains("nickname"));
  auto bad_op = f.get(kPsus, R"({"$lt":{"id":"x"}})");
  CHECK(bad_op.status == 400);
  CHECK(f.get(kPsus, R"({"$near":{"id":"x"}})").message().find("$near") != std::string::npos);
  CHECK(f.get(kPsus + "?cursor=" + b64("garbage")).code() == "VALIDATION");
  CHECK(f.get(kPsus + "?pageSize=abc").code() == "VALIDATION");

  auto del = f.call("DELETE", kPsus + "/" + b);
  REQUIRE(del.status == 202);
  CHECK(del.body == R"({"data":{"taskID":"task-d"}})");
  CHECK(f.call("DELETE", kPsus + "/00000000-0000-4000-8000-000000000000").status == 404);
  CHECK(f.call("DELETE", kPsus + "/x").code() == "INVALID_ID");
}

TEST_CASE("forward, create-link, update-link") {
  Fixture f;
  std::string psu = f.add_psu();
  std::string cid = f.add_connector();
  std::string base = kPsus + "/" + psu + "/connectors/" + cid;

  auto fwd = f.post(base + "/forward");
  CHECK(fwd.status == 204);
  CHECK(fwd.body.empty());
  CHECK(f.backend.calls.back() == "forward " + psu + " " + cid);
  f.backend.fail_next = Failure{400, "VALIDATION", "user already exists on this connector"};
  auto twice = f.post(base + "/forward");
  CHECK(twice.status == 400);
  CHECK(twice.message() == "user already exists on this connector");

  auto link = f.post(base + "/create-link?Idempotency-Key=AAAAAAAA-0000-4000-8000-000000000001",
                     R"({"clientRedirectURL":"https://app.example/cb"})");
  REQUIRE(link.status == 201);
  CHECK(link.body == R"({"attemptID":"attempt-1","link":"https://provider.example/webview?x=<&>"})");
  CHECK(f.backend.last_link.idempotency_key == "aaaaaaaa-0000-4000-8000-000000000001");
  CHECK_FALSE(f.backend.last_link.application_name);
  CHECK(f.post(base + "/create-link?Idempotency-Key=nope", R"({"clientRedirectURL":"https://a.b/c"})").code() ==
        "INVALID_ID");
  CHECK(f.post(base + "/create-link", R"({"applicationName":"x"})").code() == "VALIDATION");
  CHECK(f.post(base + "/create-link", "nope").code() == "MISSING_OR_INVALID_BODY");

  auto upd = f.post(base + "/connections/conn-7/update-link",
                    R"({"applicationName":"App","clientRedirectURL":"https://app.example/cb"})");
  REQUIRE(upd.status == 201);
  CHECK(upd.json().at("attemptID").as_string() == "attempt-2");
  CHECK(f.backend.last_link.connection_id == "conn-7");
  CHECK(f.backend.last_link.application_name == "App");

  std::string unknown_cid = cx::ids::encode(cx::ids::ConnectorID{"powens", cx::util::uuid_v4()});
  CHECK(f.post(kPsus + "/" + psu + "/connectors/" + unknown_cid + "/forward").status == 404);
  CHECK(f.post(kPsus + "/00000000-0000-4000-8000-000000000000/connectors/" + cid + "/forward").status == 404);
  CHECK(f.post(kPsus + "/" + psu + "/connectors/bad/forward").code() == "INVALID_ID");
  CHECK(f.call("POST", base + "/forward", "", false).status == 401);
}

TEST_CASE("connections and link attempts, listing and deleting") {
  Fixture f;
  std::string psu = f.add_psu();
  std::string cid = f.add_connector();
  std::string base = kPsus + "/" + psu + "/connectors/" + cid;
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::ConnectionRecord c;
    c.psu_id = psu;
    c.connector_id = cid;
    c.connection_id = "conn-1";
    c.metadata = {{"bank", "demo"}};
    cx::store::connections::upsert(tx, c);
    cx::store::LinkAttemptRecord a;
    a.id = "11111111-0000-4000-8000-000000000001";
    a.psu_id = psu;
    a.connector_id = cid;
    a.randomized = cx::util::uuid_v4();
    a.client_redirect_url = "https://app.example/cb";
    cx::store::link_attempts::upsert(tx, a);
  });

  for (const std::string& path : {kPsus + "/" + psu + "/connections", base + "/connections"}) {
    auto r = f.get(path);
    REQUIRE(r.status == 200);
    auto c = r.json().at("cursor").at("data").at(0).as_object();
    CHECK(c.at("connectionID").as_string() == "conn-1");
    CHECK(c.at("connectorID").as_string() == cid);
    CHECK(c.at("status").as_string() == "ACTIVE");
    CHECK(c.at("dataUpdatedAt").as_string() == "0001-01-01T00:00:00Z");
    CHECK(c.at("error").is_null());
    CHECK_FALSE(c.contains("accessToken"));
    CHECK(f.get(path, R"({"$match":{"status":"ERROR"}})").json().at("cursor").at("data").as_array().empty());
    CHECK(f.get(path, R"({"$match":{"token":"x"}})").status == 400);
  }
  CHECK(f.get(kPsus + "/00000000-0000-4000-8000-000000000000/connections").status == 404);

  auto attempts = f.get(base + "/link-attempts");
  REQUIRE(attempts.status == 200);
  auto a = attempts.json().at("cursor").at("data").at(0).as_object();
  CHECK(a.at("status").as_string() == "pending");
  CHECK(a.at("clientRedirectURL").as_string() == "https://app.example/cb");
  CHECK(a.at("psuID").as_string() == psu);
  auto one = f.get(base + "/link-attempts/11111111-0000-4000-8000-000000000001");
  REQUIRE(one.status == 200);
  CHECK(one.json().at("data").at("id").as_string() == "11111111-0000-4000-8000-000000000001");
  CHECK(f.get(base + "/link-attempts/11111111-0000-4000-8000-000000000002").status == 404);
  CHECK(f.get(base + "/link-attempts/zzz").code() == "INVALID_ID");

  auto del = f.call("DELETE", base + "/connections/conn-1");
  REQUIRE(del.status == 202);
  CHECK(del.body == R"({"data":{"taskID":"task-conn"}})");
  CHECK(f.call("DELETE", base + "/connections/conn-404").status == 404);

  auto from_connector = f.call("DELETE", base);
  REQUIRE(from_connector.status == 202);
  CHECK(from_connector.body == R"({"data":{"taskID":"task-dc"}})");
}

TEST_CASE("bank account linked to a PSU") {
  Fixture f;
  std::string psu = f.add_psu();
  auto ba = f.post("/api/payments/v3/bank-accounts", R"({"name":"Main","iban":"FR1420041010050500013M02606"})");
  REQUIRE(ba.status == 201);
  std::string ba_id(ba.json().at("data").as_string());
  auto link = f.post(kPsus + "/" + psu + "/bank-accounts/" + ba_id);
  CHECK(link.status == 204);
  auto g = f.get(kPsus + "/" + psu).json().at("data");
  CHECK(g.at("bankAccountIDs").as_array() == json::array{json::value(ba_id)});
  CHECK(f.post(kPsus + "/" + psu + "/bank-accounts/00000000-0000-4000-8000-000000000000").status == 404);
  CHECK(f.post(kPsus + "/00000000-0000-4000-8000-000000000000/bank-accounts/" + ba_id).status == 404);

  std::string cid = f.add_connector();
  auto fwd = f.post(kPsus + "/" + psu + "/bank-accounts/" + ba_id + "/forward", R"({"connectorID":")" + cid + "\"}");
  REQUIRE(fwd.status == 202);
  CHECK(fwd.body == R"({"data":{"taskID":"task-ba"}})");
  CHECK(f.post(kPsus + "/" + psu + "/bank-accounts/" + ba_id + "/forward", R"({"connectorID":"x"})").code() ==
        "INVALID_ID");
  CHECK(f.post(kPsus + "/" + psu + "/bank-accounts/" + ba_id + "/forward", "{}").code() == "VALIDATION");
}
