#include "handler_fixture.hpp"

#include "host/engine/workers.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;
using namespace cx::api::test;
namespace json = boost::json;

TEST_CASE("bank accounts: create, get masked, list, metadata, forward") {
  Fixture f;
  auto r = f.post("/api/payments/v3/bank-accounts",
                  R"({"name":"Main","accountNumber":"1234567890","iban":"FR1420041010050500013M02606",
                      "swiftBicCode":"BNPAFRPP","country":"FR","metadata":{"a":"b"}})");
  REQUIRE(r.status == 201);
  std::string id(r.json().at("data").as_string());
  auto g = f.get("/api/payments/v3/bank-accounts/" + id);
  REQUIRE(g.status == 200);
  auto d = g.json().at("data");
  CHECK(d.at("iban").as_string() == "FR14*******************2606");
  CHECK(d.at("accountNumber").as_string() == "12*****890");
  CHECK(d.at("swiftBicCode").as_string() == "BNPAFRPP");
  CHECK(d.at("relatedAccounts").as_array().empty());
  CHECK(f.get("/api/payments/v3/bank-accounts").json().at("cursor").at("data").as_array().size() == 1);
  CHECK(f.get("/api/payments/v3/bank-accounts", R"({"$match":{"iban":"x"}})").code() == "VALIDATION");

  CHECK(f.post("/api/payments/v3/bank-accounts", R"({"name":"x","iban":"FR1420041010050500013M02607"})").message() ==
        "iban is invalid");
  CHECK(f.post("/api/payments/v3/bank-accounts", "").code() == "MISSING_OR_INVALID_BODY");

  CHECK(f.call("PATCH", "/api/payments/v3/bank-accounts/" + id + "/metadata", R"({"metadata":{"c":"d"}})").status ==
        204);
  CHECK(f.get("/api/payments/v3/bank-accounts/" + id).json().at("data").at("metadata").at("c").as_string() == "d");
  CHECK(f.call("PATCH", "/api/payments/v3/bank-accounts/" + id + "/metadata", "{}").code() == "VALIDATION");
  CHECK(f.get("/api/payments/v3/bank-accounts/00000000-0000-4000-8000-000000000000").status == 404);
  CHECK(f.get("/api/payments/v3/bank-accounts/nope").code() == "INVALID_ID");

  std::string cid = f.add_connector();
  auto fwd = f.post("/api/payments/v3/bank-accounts/" + id + "/forward", R"({"connectorID":")" + cid + "\"}");
  REQUIRE(fwd.status == 202);
  CHECK(fwd.body == R"({"data":{"taskID":"task-ba"}})");
  f.backend.fail_next = Failure{400, "CONNECTOR_CAPABILITY_NOT_SUPPORTED", "not supported"};
  auto unsupported = f.post("/api/payments/v3/bank-accounts/" + id + "/forward", R"({"connectorID":")" + cid + "\"}");
  CHECK(unsupported.code() == "CONNECTOR_CAPABILITY_NOT_SUPPORTED");
}

TEST_CASE("tasks and schedules") {
  Fixture f;
  std::string cid = f.add_connector();
  auto connector = *cx::ids::decode_connector_id(cid);
  std::string task_id = cx::ids::encode(cx::ids::TaskID{connector, "uninstall-1"});
  std::string sched_id = cx::ids::encode(cx::ids::ScopedID{connector, "FETCH_ACCOUNTS"});
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::TaskRecord t;
    t.id = task_id;
    t.type = "UNINSTALL";
    t.connector_id = cid;
    cx::store::tasks::enqueue(tx, t);
    cx::store::tasks::fail(tx, task_id, "", json::object{{"message", "provider said no"}});
    cx::store::ScheduleRecord s;
    s.id = sched_id;
    s.connector_id = cid;
    s.period_ms = 60000;
    cx::store::schedules::upsert(tx, s);
    cx::store::ScheduleInstanceRecord i;
    i.id = "run-1";
    i.schedule_id = sched_id;
    i.connector_id = cid;
    cx::store::schedule_instances::insert(tx, i);
  });

  auto t = f.get("/api/payments/v3/tasks/" + task_id);
  REQUIRE(t.status == 200);
  auto td = t.json().at("data");
  CHECK(td.at("status").as_string() == "FAILED");
  CHECK(td.at("error").as_string() == "provider said no");
  CHECK(td.at("connectorID").as_string() == cid);
  CHECK(f.get("/api/payments/v3/tasks/nope").code() == "INVALID_ID");
  CHECK(f.get("/api/payments/v3/tasks/" + cx::ids::encode(cx::ids::TaskID{connector, "other"})).status == 404);

  auto list = f.get("/api/payments/v3/connectors/" + cid + "/schedules");
  REQUIRE(list.status == 200);
  CHECK(list.json().at("cursor").at("data").at(0).at("id").as_string() == sched_id);
  auto one = f.get("/api/payments/v3/connectors/" + cid + "/schedules/" + sched_id);
  REQUIRE(one.status == 200);
  CHECK(one.json().at("data").at("connectorID").as_string() == cid);
  auto inst = f.get("/api/payments/v3/connectors/" + cid + "/schedules/" + sched_id + "/instances");
  REQUIRE(inst.status == 200);
  auto i0 = inst.json().at("cursor").at("data").at(0);
  CHECK(i0.at("id").as_string() == "run-1");
  CHECK(i0.at("terminated").as_bool() == false);
  CHECK_FALSE(i0.as_object().contains("taskID"));  // this schedule has no task spec

  // A run whose task is retrying shows the task's progress (additive fields).
  std::string sched2 = cx::ids::encode(cx::ids::ScopedID{connector, "FETCH_PAYMENTS"});
  cx::store::ScheduleRecord s2;
  s2.id = sched2;
  s2.connector_id = cid;
  s2.period_ms = 60000;
  s2.task = json::object{{"type", "FETCH"}, {"reference", "fetch-p"}, {"payload", json::object{}}};
  std::string run_task;
  f.db->write([&](cx::store::WriteTx& tx) {
    cx::store::schedules::upsert(tx, s2);
    cx::store::ScheduleInstanceRecord i;
    i.id = "run-2";
    i.schedule_id = sched2;
    i.connector_id = cid;
    cx::store::schedule_instances::insert(tx, i);
    cx::store::TaskRecord t;
    t.id = run_task = cx::engine::schedule_task_id(s2, "run-2");
    t.type = "FETCH";
    t.connector_id = cid;
    cx::store::tasks::enqueue(tx, t);
    REQUIRE(cx::store::tasks::lease_due(tx, "w", tx.now(), 1000, 1).size() == 1);
    cx::store::tasks::retry_at(tx, run_task, "w", 1893456000000, json::object{{"message", "provider answered 500"}});
  });
  auto i2 = f.get("/api/payments/v3/connectors/" + cid + "/schedules/" + sched2 + "/instances").json().at("cursor").at("data").at(0);
  CHECK(i2.at("taskID").as_string() == run_task);
  CHECK(i2.at("attempts").as_int64() == 1);
  CHECK(i2.at("nextAttemptAt").as_string() == "2030-01-01T00:00:00Z");
  CHECK(i2.at("lastError").as_string() == "provider answered 500");
  CHECK_FALSE(i2.as_object().contains("error"));  // the run has not ended
  auto t2 = f.get("/api/payments/v3/tasks/" + run_task).json().at("data");
  CHECK(t2.at("status").as_string() == "PROCESSING");
  CHECK(t2.at("attempts").as_int64() == 1);
  CHECK(t2.at("nextAttemptAt").as_string() == "2030-01-01T00:00:00Z");
  CHECK(t2.at("error").as_string() == "provider answered 500");
  CHECK(f.get("/api/payments/v3/connectors/" + cid + "/schedules/unknown").status == 404);
  std::string other = f.add_connector("generic", "other");
  CHECK(f.get("/api/payments/v3/connectors/" + other + "/schedules/" + sched_id).status == 404);
  CHECK(f.get("/api/payments/v3/connectors/bad/schedules").code() == "INVALID_ID");
  CHECK(f.get("/api/payments/v3/connectors/" + cid + "/schedules?cursor=" + b64("{}")).code() == "VALIDATION");
}

TEST_CASE("public webhook and redirect routes need no token") {
  Fixture f;
  std::string cid = f.add_connector();
  auto hook = f.call("POST", "/api/payments/v3/connectors/webhooks/" + cid + "/user/synced?x=1", R"({"a":1})", false,
                     {{"X-Signature", "abc"}});
  CHECK(hook.status == 200);
  CHECK(f.backend.last_inbound.path == "/user/synced");
  CHECK(f.backend.last_inbound.headers.at("x-signature").at(0) == "abc");
  CHECK(f.backend.last_inbound.query.at("x").at(0) == "1");
  CHECK(f.backend.last_inbound.body == R"({"a":1})");
  f.backend.fail_next = Failure{404, "NOT_FOUND", "no webhook config matches"};
  CHECK(f.call("POST", "/api/payments/v3/connectors/webhooks/" + cid + "/x", "", false).status == 404);
  CHECK(f.call("POST", "/api/payments/v3/connectors/webhooks/bad/x", "", false).code() == "INVALID_ID");

  std::string state = cx::ids::encode(cx::ids::CallbackState{cx::util::uuid_v4(), cx::util::uuid_v4()});
  std::string redirect = "/api/payments/v3/connectors/open-banking/" + cid + "/redirect";
  auto r = f.call("GET", redirect + "?state=" + state, "", false);
  CHECK(r.status == 307);
  CHECK(r.header("Location") == "https://app.example/done");
  CHECK(f.call("GET", redirect + "?state=" + state + "&noRedirect=true", "", false).status == 204);
  CHECK(f.call("GET", redirect, "", false).code() == "VALIDATION");
  CHECK(f.call("GET", redirect + "?state=junk", "", false).code() == "VALIDATION");
  f.backend.fail_next = Failure{404, "NOT_FOUND", "attempt not found"};
  CHECK(f.call("GET", redirect + "?state=" + state, "", false).status == 404);
}

TEST_CASE("webhook routes take bodies up to 16 MiB; every other route keeps 1 MiB") {
  Fixture f;
  std::string cid = f.add_connector();
  std::string hook = "/api/payments/v3/connectors/webhooks/" + cid + "/connection-synced";
  std::string two_mib(2 * kMaxBodyBytes, ' ');
  auto big = f.call("POST", hook, two_mib, false);
  CHECK(big.status == 200);
  CHECK(f.backend.last_inbound.body.size() == two_mib.size());
  CHECK(f.call("POST", hook, std::string(kMaxWebhookBodyBytes, ' '), false).status == 200);
  auto over = f.call("POST", hook, std::string(kMaxWebhookBodyBytes + 1, ' '), false);
  CHECK(over.status == 413);
  CHECK(over.code() == "MISSING_OR_INVALID_BODY");
  // The other public route and the private ones: still 1 MiB.
  std::string state = cx::ids::encode(cx::ids::CallbackState{cx::util::uuid_v4(), cx::util::uuid_v4()});
  CHECK(f.call("POST", "/api/payments/v3/connectors/open-banking/" + cid + "/redirect?state=" + state, two_mib, false)
            .status == 413);
  CHECK(f.post("/api/payments/v3/payment-service-users", two_mib).status == 413);
  CHECK(f.post("/api/payments/v3/connectors/install/powens", two_mib).status == 413);
}

TEST_CASE("system routes") {
  Fixture f;
  auto h = f.call("GET", "/_healthcheck", "", false);
  CHECK(h.status == 200);
  CHECK(h.content_type == "application/json");
  CHECK(f.call("GET", "/_info", "", false).status == 401);
  auto info = f.get("/_info");
  REQUIRE(info.status == 200);
  CHECK(info.json().at("version").as_string() == "1.2.3");
  CHECK(info.json().at("abiVersion").as_string() == "1.0");
  CHECK(info.json().at("plugins").at(1).at("id").as_string() == "powens");
  CHECK(info.json().at("plugins").at(1).at("openBanking").as_bool());
  f.get("/api/payments/v3/accounts");
  auto m = f.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.content_type == "text/plain; version=0.0.4");
  CHECK_THAT(m.body, Catch::Contains(R"(cx_http_requests_total{route="/api/payments/v3/accounts",method="GET",status="200"} 1)"));
  CHECK_THAT(m.body, Catch::Contains(R"(cx_tasks{state="running"} 2)"));
}

TEST_CASE("backend failures keep their status; internal ones hide details") {
  Fixture f;
  f.backend.fail_next = Failure{502, "INTERNAL", "Powens: invalid client secret"};
  auto up = f.post("/api/payments/v3/connectors/install/powens", "{}");
  CHECK(up.status == 502);
  CHECK(up.message() == "Powens: invalid client secret");
  CHECK(f.get("/api/payments/v3/nowhere").status == 404);
  CHECK(f.call("PUT", "/api/payments/v3/accounts").status == 405);
}
