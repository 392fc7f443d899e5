// The engine against a real store and the pager fixtures (tests/abi/fixtures/pager.cpp).
#include "harness.hpp"
#include "host/engine/internal.hpp"

#include <catch2/catch.hpp>

using cx::engine::EngineError;
using cx::test::eventually;
using cx::test::Harness;

namespace {
boost::json::object pager_config(boost::json::object extra = {}) {
  boost::json::object c{{"name", "pager-" + cx::util::uuid_v4().substr(0, 8)}, {"pollingPeriod", "1h"}};
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

// Ids of one connector's schedules whose reference ends with "-<connection id>" (roots and
// per-account children).
std::vector<std::string> schedules_of_connection(Harness& h, const std::string& connector_id,
                                                 const std::string& connection_id) {
  return h.db->read([&](cx::store::ReadTx& tx) {
    std::vector<std::string> out;
    const std::string suffix = "-" + connection_id;
    for (auto& s : cx::store::schedules::list(tx, connector_id, {std::nullopt, 0, 1000}).items) {
      auto ref = cx::ids::decode_scoped_id(s.id)->reference;
      if (ref.size() > suffix.size() && ref.compare(ref.size() - suffix.size(), suffix.size(), suffix) == 0)
        out.push_back(s.id);
    }
    return out;
  });
}

// How many of these schedules still keep a parent item in the connector's state.
size_t kept_parents(Harness& h, const std::string& connector_id, const std::vector<std::string>& schedule_ids) {
  return h.db->read([&](cx::store::ReadTx& tx) {
    size_t n = 0;
    for (auto& id : schedule_ids)
      if (cx::store::plugin_state::get(tx, connector_id, cx::engine::schedule_parent_key(id))) ++n;
    return n;
  });
}

std::optional<std::string> schedule_error(Harness& h, const std::string& connector_id) {
  return h.db->read([&](cx::store::ReadTx& tx) -> std::optional<std::string> {
    for (auto& s : cx::store::schedules::list(tx, connector_id, {std::nullopt, 0, 100}).items)
      for (auto& i : cx::store::schedule_instances::list(tx, s.id, {std::nullopt, 0, 100}).items)
        if (i.terminated && i.error) return i.error;
    return std::nullopt;
  });
}
}  // namespace

TEST_CASE("install runs the task tree: accounts, a balance per account, every payment page") {
  Harness h;
  auto id = h.engine->install("pager", pager_config({{"pages", 5}}));
  REQUIRE(eventually([&] { return h.payments().size() == 50; }));
  h.db->read([&](cx::store::ReadTx& tx) {
    auto accounts = cx::store::accounts::list(tx, {std::nullopt, 0, 100});
    CHECK(accounts.items.size() == 2);
  });
  REQUIRE(eventually([&] {
    return h.db->read([&](cx::store::ReadTx& tx) {
      auto acc = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(id), "acc-2"});
      auto latest = cx::store::balances::latest(tx, acc);
      return latest.size() == 1 && latest[0].balance == "-250";
    });
  }));
  // Replaying the same schedule again stores nothing twice.
  CHECK(h.payments().size() == 50);
  // The periodic balances child got one schedule per account, besides the two root fetches.
  h.db->read([&](cx::store::ReadTx& tx) {
    CHECK(cx::store::schedules::list(tx, id, {std::nullopt, 0, 100}).items.size() == 2 + 2);
  });
}

TEST_CASE("a balance child sees its parent account as last fetched, not as first stored") {
  Harness h;
  auto id = h.engine->install("pager", pager_config({{"pages", 0}, {"pollingPeriod", "1s"}}));
  auto acc = cx::ids::encode(cx::ids::AccountID{*cx::ids::decode_connector_id(id), "acc-1"});
  auto latest = [&] {
    return h.db->read([&](cx::store::ReadTx& tx) {
      auto rows = cx::store::balances::latest(tx, acc);
      return rows.empty() ? std::string() : rows[0].balance;
    });
  };
  REQUIRE(eventually([&] { return latest() == "1000"; }));
  // The next scheduled accounts run carries 2000 in acc-1's payload.
  REQUIRE(eventually([&] { return latest() == "2000"; }, std::chrono::seconds(30)));
  // Parent items are kept only until their child ran.
  REQUIRE(eventually([&] {
    return h.db->read([&](cx::store::ReadTx& tx) {
      auto t = cx::store::plugin_state::get(tx, id, "accountRuns");
      return t && *t != "1";
    });
  }));
}

TEST_CASE("a restart between pages resumes from the last committed page and stores each item once") {
  Harness h;
  auto id = h.engine->install("pager", pager_config({{"pages", 10}, {"delayMs", 150}}));
  REQUIRE(eventually([&] { return h.payments().size() >= 30; }));
  h.restart();
  REQUIRE(eventually([&] { return h.payments().size() == 100; }, std::chrono::seconds(30)));
  std::set<std::string> refs;
  for (auto& p : h.payments()) refs.insert(p.reference);
  CHECK(refs.size() == 100);
  // Resumed, not restarted: 10 pages, plus at most the one page in flight at the restart.
  CHECK(std::stoi(h.plugin_state(id, "calls")) <= 11);
}

TEST_CASE("retryable errors retry with growing delays, then succeed") {
  Harness h;
  auto t0 = std::chrono::steady_clock::now();
  auto id = h.engine->install("pager", pager_config({{"pages", 1}, {"retryableFailures", 2}}));
  REQUIRE(eventually([&] { return h.payments().size() == 10; }, std::chrono::seconds(30)));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(h.plugin_state(id, "calls") == "3");
  // Backoff 1 s then 2 s, each with at most 20% jitter below.
  CHECK(elapsed >= std::chrono::milliseconds(2400));
  CHECK_FALSE(schedule_error(h, id).has_value());
}

TEST_CASE("a non-retryable error fails the task with the plugin's message") {
  Harness h;
  auto id = h.engine->install("pager", pager_config({{"pages", 3}, {"fatalAtPage", 0}}));
  REQUIRE(eventually([&] { return schedule_error(h, id).has_value(); }));
  CHECK(*schedule_error(h, id) == "page 0 is malformed");
  CHECK(h.payments().empty());
  CHECK(h.plugin_state(id, "calls") == "1");  // not retried
}

TEST_CASE("a forged webhook is refused and stores nothing; a duplicate is processed once") {
  Harness h;
  auto id = h.engine->install("pager", pager_config({{"pages", 0}}));
  cx::engine::InboundRequest req{"POST", "/hook", {{"x-sig", {"forged"}}}, {}, R"({"payments":["w-1","w-2"]})"};
  try {
    h.engine->handle_webhook(id, req);
    FAIL("a forged webhook was accepted");
  } catch (const EngineError& e) {
    CHECK(e.http_status == 401);
  }
  req.headers["x-sig"] = {"good"};
  h.engine->handle_webhook(id, req);
  h.engine->handle_webhook(id, req);  // the provider delivers it twice
  REQUIRE(eventually([&] { return h.payments().size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(h.payments().size() == 2);
  CHECK(h.engine->stats().succeeded >= 1);
  try {
    h.engine->handle_webhook(id, cx::engine::InboundRequest{"POST", "/nowhere", {}, {}, "{}"});
    FAIL("an unknown path was accepted");
  } catch (const EngineError& e) {
    CHECK(e.http_status == 404);
  }
}

namespace {
std::string make_psu(Harness& h) {
  cx::store::PsuRecord p;
  p.id = cx::util::uuid_v4();
  p.name = "Jeanne Martin";
  p.created_at = cx::util::now_ms();
  h.db->write([&](cx::store::WriteTx& tx) { cx::store::psus::insert(tx, p); });
  return p.id;
}

std::string query_param(const std::string& url, const std::string& key) {
  auto pos = url.find(key + "=");
  auto end = url.find('&', pos);
  return url.substr(pos + key.size() + 1, end == std::string::npos ? std::string::npos : end - pos - key.size() - 1);
}
}  // namespace

TEST_CASE("link completion: forged and replayed states get 400, a good one completes the attempt") {
  Harness h;
  auto cid = h.engine->install("pager_ob", pager_config({{"pages", 1}}));
  auto psu = make_psu(h);
  h.engine->forward(psu, cid);
  CHECK_THROWS_AS(h.engine->forward(psu, cid), EngineError);  // already forwarded
  auto link = h.engine->create_link(psu, cid, {{"clientRedirectURL", "https://app.example/done"}}, std::nullopt);
  std::string state = query_param(link.link, "state");

  auto redirect = [&](std::map<std::string, std::vector<std::string>> q) {
    return h.engine->handle_redirect(cid, cx::engine::InboundRequest{"GET", "", {}, std::move(q), ""});
  };
  auto status_of = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (const EngineError& e) {
      return e.http_status;
    }
    return 0;
  };
  CHECK(status_of([&] { redirect({}); }) == 400);
  CHECK(status_of([&] { redirect({{"state", {"bm90LWEtc3RhdGU"}}}); }) == 400);
  auto forged = cx::ids::encode(cx::ids::CallbackState{link.attempt_id, cx::util::uuid_v4()});
  CHECK(status_of([&] { redirect({{"state", {forged}}, {"connection_id", {"c1"}}}); }) == 400);

  auto r = redirect({{"state", {state}}, {"connection_id", {"c1"}}});
  REQUIRE(r.location);
  CHECK(*r.location == "https://app.example/done");
  h.db->read([&](cx::store::ReadTx& tx) {
    CHECK(cx::store::link_attempts::get(tx, link.attempt_id)->status == "completed");
    auto conn = cx::store::connections::get(tx, psu, cid, "c1");
    REQUIRE(conn);
    CHECK(conn->status == "ACTIVE");
    CHECK(conn->access_token->token == "conn-token");
  });
  CHECK(status_of([&] { redirect({{"state", {state}}, {"connection_id", {"c1"}}}); }) == 400);  // replay
  // The ACTIVE connection gets its own schedules: its data is fetched.
  REQUIRE(eventually([&] { return h.payments().size() == 10; }));
  for (auto& p : h.payments()) CHECK(p.psu_id == psu);
}

TEST_CASE("an exited link records the provider's error") {
  Harness h;
  auto cid = h.engine->install("pager_ob", pager_config({{"pages", 0}}));
  auto psu = make_psu(h);
  h.engine->forward(psu, cid);
  auto link = h.engine->create_link(psu, cid, {{"clientRedirectURL", "https://app.example/done"}}, std::nullopt);
  auto r = h.engine->handle_redirect(
      cid, {"GET", "", {}, {{"state", {query_param(link.link, "state")}}, {"error", {"access_denied"}}, {"noRedirect", {"true"}}}, ""});
  CHECK_FALSE(r.location);
  h.db->read([&](cx::store::ReadTx& tx) {
    auto a = cx::store::link_attempts::get(tx, link.attempt_id);
    CHECK(a->status == "exited");
    CHECK(a->error == "access_denied");
  });
}

TEST_CASE("deleting a connection removes exactly what it owns") {
  Harness h;
  auto cid = h.engine->install("pager_ob", pager_config({{"pages", 1}}));
  std::vector<std::string> psus;
  for (int i = 0; i < 2; ++i) {
    auto psu = make_psu(h);
    psus.push_back(psu);
    h.engine->forward(psu, cid);
    auto link = h.engine->create_link(psu, cid, {{"clientRedirectURL", "https://app.example/done"}}, std::nullopt);
    h.engine->handle_redirect(cid, {"GET", "", {}, {{"state", {query_param(link.link, "state")}}, {"connection_id", {"conn-" + std::to_string(i)}}}, ""});
  }
  // Both PSUs' connections sync the same provider references (account ids derive from connector
  // and reference, so the first sighting owns the account).
  REQUIRE(eventually([&] {
    return h.db->read([&](cx::store::ReadTx& tx) { return cx::store::accounts::list(tx, {std::nullopt, 0, 100}).items.size(); }) >= 2;
  }));
  // Each connection has its two root fetch schedules plus one balances schedule per account (the
  // fixture has two), each of those keeping the account as last fetched.
  REQUIRE(eventually([&] {
    return schedules_of_connection(h, cid, "conn-0").size() == 4 && schedules_of_connection(h, cid, "conn-1").size() == 4;
  }));
  const auto conn0_schedules = schedules_of_connection(h, cid, "conn-0");
  const auto conn1_schedules = schedules_of_connection(h, cid, "conn-1");
  CHECK(kept_parents(h, cid, conn0_schedules) == 2);
  h.engine->delete_connection(psus[0], cid, "conn-0");
  REQUIRE(eventually([&] {
    return h.db->read([&](cx::store::ReadTx& tx) { return !cx::store::connections::get(tx, psus[0], cid, "conn-0"); });
  }));
  h.db->read([&](cx::store::ReadTx& tx) {
    CHECK(cx::store::connections::get(tx, psus[1], cid, "conn-1"));
    CHECK(cx::store::psus::get(tx, psus[0]));
  });
  CHECK(schedules_of_connection(h, cid, "conn-0").empty());
  CHECK(kept_parents(h, cid, conn0_schedules) == 0);
  CHECK(schedules_of_connection(h, cid, "conn-1") == conn1_schedules);
  h.engine->delete_psu(psus[1]);
  REQUIRE(eventually([&] { return h.db->read([&](cx::store::ReadTx& tx) { return !cx::store::psus::get(tx, psus[1]); }); }));
  h.db->read([&](cx::store::ReadTx& tx) { CHECK(cx::store::psus::get(tx, psus[0])); });
  CHECK(schedules_of_connection(h, cid, "conn-1").empty());
  CHECK(kept_parents(h, cid, conn1_schedules) == 0);
}
