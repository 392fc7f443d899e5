#include "handler_fixture.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

TEST_CASE("install: 202 {data: connectorID}, provider lower-cased, body passed through") {
  Fixture f;
  f.backend.installed_id = "new-id";
  auto r = f.post("/api/payments/v3/connectors/install/Powens",
                  R"({"provider":"Powens","name":"main","clientID":"x","pageSize":25,"pollingPeriod":"30m"})");
  REQUIRE(r.status == 202);
  CHECK(r.body == R"({"data":"new-id"})");
  CHECK(r.content_type == "application/json");
  CHECK(f.backend.calls.back() == "install powens");
  CHECK(f.backend.last_config.at("provider").as_string() == "Powens");

  CHECK(f.post("/api/payments/v3/connectors/install/powens", "").code() == "MISSING_OR_INVALID_BODY");
  CHECK(f.post("/api/payments/v3/connectors/install/powens", "[1]").code() == "MISSING_OR_INVALID_BODY");
  auto big = f.post("/api/payments/v3/connectors/install/powens", "{\"name\":\"" + std::string(500001, 'a') + "\"}");
  CHECK(big.status == 413);
  f.backend.fail_next = Failure{400, "VALIDATION", "unknown provider \"nope\""};
  auto refused = f.post("/api/payments/v3/connectors/install/nope", "{}");
  CHECK(refused.status == 400);
  CHECK(refused.message() == "unknown provider \"nope\"");
  CHECK(f.call("POST", "/api/payments/v3/connectors/install/powens", "{}", false).status == 401);
}

TEST_CASE("connectors list: cursor of connectors with capabilities, filter and paging") {
  Fixture f;
  std::string a = f.add_connector("powens", "alpha");
  std::string b = f.add_connector("generic", "beta");
  auto r = f.get("/api/payments/v3/connectors");
  REQUIRE(r.status == 200);
  auto cur = r.json().at("cursor");
  CHECK(cur.at("pageSize").as_int64() == 15);
  CHECK(cur.at("hasMore").as_bool() == false);
  CHECK_FALSE(cur.as_object().contains("next"));
  auto data = cur.at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("id").as_string() == b);  // newest first
  CHECK(data[0].at("provider").as_string() == "generic");
  CHECK(data[1].at("capabilities").as_array() == json::array{"FETCH_ACCOUNTS", "FETCH_BALANCES", "CREATE_WEBHOOKS"});
  CHECK(data[1].at("config").at("clientID").as_string() == "id-1");
  CHECK(data[1].at("scheduledForDeletion").as_bool() == false);

  auto filtered = f.get("/api/payments/v3/connectors?query=" +
                        std::string("%7B%22%24match%22%3A%7B%22provider%22%3A%22powens%22%7D%7D"));
  REQUIRE(filtered.status == 200);
  CHECK(filtered.json().at("cursor").at("data").as_array().size() == 1);

  auto page1 = f.get("/api/payments/v3/connectors?pageSize=1");
  CHECK(page1.json().at("cursor").at("hasMore").as_bool());
  std::string next(page1.json().at("cursor").at("next").as_string());
  auto page2 = f.get("/api/payments/v3/connectors?cursor=" + next);
  REQUIRE(page2.status == 200);
  CHECK(page2.json().at("cursor").at("data").at(0).at("id").as_string() == a);
  CHECK(page2.json().at("cursor").as_object().contains("previous"));
  CHECK_FALSE(page2.json().at("cursor").at("hasMore").as_bool());
}

TEST_CASE("configs and capabilities catalogues") {
  Fixture f;
  auto cfg = f.get("/api/payments/v3/connectors/configs");
  REQUIRE(cfg.status == 200);
  auto powens = cfg.json().at("data").at("powens");
  CHECK(powens.at("clientID").at("dataType").as_string() == "string");
  CHECK(powens.at("clientID").at("required").as_bool());
  CHECK(powens.at("pollingPeriod").at("dataType").as_string() == "string");
  CHECK(powens.at("pollingPeriod").at("format").as_string() == "duration");
  CHECK(powens.at("pollingPeriod").at("defaultValue").as_string() == "30m");
  CHECK(powens.at("name").at("required").as_bool());
  auto generic = cfg.json().at("data").at("generic");
  CHECK(generic.at("pageSize").at("dataType").as_string() == "integer");
  CHECK(generic.at("pageSize").at("defaultValue").as_string() == "100");
  CHECK(generic.at("pollingPeriod").at("defaultValue").as_string() == "30m");

  auto caps = f.get("/api/payments/v3/connectors/capabilities");
  REQUIRE(caps.status == 200);
  CHECK(caps.json().at("data").at("generic").as_array() ==
        json::array{"FETCH_ACCOUNTS", "FETCH_PAYMENTS", "ALLOW_FORMANCE_ACCOUNT_CREATION"});
  std::string etag = caps.header("ETag");
  CHECK(etag.size() == 34);
  CHECK(caps.header("Cache-Control") == "public, max-age=3600, must-revalidate");
  auto again = f.call("GET", "/api/payments/v3/connectors/capabilities", "", true, {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("ETag") == etag);
  auto other = f.call("GET", "/api/payments/v3/connectors/capabilities", "", true, {{"If-None-Match", "\"x\""}});
  CHECK(other.status == 200);
}

TEST_CASE("per-connector capabilities and config") {
  Fixture f;
  std::string id = f.add_connector("powens", "main");
  auto caps = f.get("/api/payments/v3/connectors/" + id + "/capabilities");
  REQUIRE(caps.status == 200);
  CHECK(caps.json().at("data").as_array() == json::array{"FETCH_ACCOUNTS", "FETCH_BALANCES", "CREATE_WEBHOOKS"});

  auto cfg = f.get("/api/payments/v3/connectors/" + id + "/config");
  REQUIRE(cfg.status == 200);
  CHECK(cfg.json().at("data").at("provider").as_string() == "Powens");
  CHECK(cfg.json().at("data").at("name").as_string() == "main");
  CHECK(cfg.json().at("data").at("clientID").as_string() == "id-1");

  CHECK(f.get("/api/payments/v3/connectors/not-an-id/config").code() == "INVALID_ID");
  std::string unknown = cx::ids::encode(cx::ids::ConnectorID{"powens", cx::util::uuid_v4()});
  auto missing = f.get("/api/payments/v3/connectors/" + unknown + "/config");
  CHECK(missing.status == 404);
  CHECK(missing.code() == "NOT_FOUND");
  CHECK(f.get("/api/payments/v3/connectors/" + unknown + "/capabilities").status == 404);
}

TEST_CASE("patch config, uninstall, reset") {
  Fixture f;
  std::string id = f.add_connector();
  auto patch = f.call("PATCH", "/api/payments/v3/connectors/" + id + "/config", R"({"name":"main","clientID":"y"})");
  CHECK(patch.status == 204);
  CHECK(patch.body.empty());
  CHECK(f.backend.calls.back() == "update_config " + id);
  CHECK(f.call("PATCH", "/api/payments/v3/connectors/" + id + "/config", "{bad").code() == "MISSING_OR_INVALID_BODY");

  auto del = f.call("DELETE", "/api/payments/v3/connectors/" + id);
  REQUIRE(del.status == 202);
  CHECK(del.body == R"({"data":{"taskID":"task-u"}})");

  auto reset = f.post("/api/payments/v3/connectors/" + id + "/reset");
  REQUIRE(reset.status == 202);
  CHECK(reset.body == R"({"data":"task-r"})");

  std::string unknown = cx::ids::encode(cx::ids::ConnectorID{"powens", cx::util::uuid_v4()});
  CHECK(f.call("DELETE", "/api/payments/v3/connectors/" + unknown).status == 404);
  CHECK(f.post("/api/payments/v3/connectors/" + unknown + "/reset").status == 404);
  CHECK(f.call("DELETE", "/api/payments/v3/connectors/%%%").code() == "INVALID_ID");
  CHECK(f.call("DELETE", "/api/payments/v3/connectors/" + id, "", false).status == 401);
}

TEST_CASE("a path ID that is a non-canonical encoding of a known connector still resolves") {
  Fixture f;
  std::string id = f.add_connector();
  auto cid = *cx::ids::decode_connector_id(id);
  std::string spaced = b64("{ \"Reference\": \"" + cid.reference + "\", \"Provider\": \"powens\" }");
  CHECK(f.get("/api/payments/v3/connectors/" + spaced + "/config").status == 200);
}

TEST_CASE("per-connector webhooks: the URLs to register at the provider, without secrets") {
  Fixture f;
  std::string id = f.add_connector("powens", "main");
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::webhook_configs::put(tx, {{id, "CONNECTION_SYNCED", "/connection-synced", {{"secret", "hush-123"}}, 0},
                                         {id, "CONNECTION_DELETED", "/connection-deleted", {{"secret", "hush-123"}}, 0}});
  });
  auto r = f.get("/api/payments/v3/connectors/" + id + "/webhooks");
  REQUIRE(r.status == 200);
  std::map<std::string, std::string> urls;
  auto body = r.json();
  for (auto& h : body.at("data").as_array())
    urls[std::string(h.at("name").as_string())] = std::string(h.at("url").as_string());
  CHECK(urls.size() == 2);
  CHECK(urls.at("CONNECTION_SYNCED") == "https://cx.example/api/payments/v3/connectors/webhooks/" + id + "/connection-synced");
  CHECK(urls.at("CONNECTION_DELETED") == "https://cx.example/api/payments/v3/connectors/webhooks/" + id + "/connection-deleted");
  CHECK(r.body.find("hush-123") == std::string::npos);
  std::string unknown = cx::ids::encode(cx::ids::ConnectorID{"powens", cx::util::uuid_v4()});
  CHECK(f.get("/api/payments/v3/connectors/" + unknown + "/webhooks").status == 404);
}
