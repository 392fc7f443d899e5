// The durable task queue, schedules and the outbox, as the engine uses them.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace cx::store;
using namespace cx::store::test;

namespace {
TaskRecord task(const std::string& id, int64_t next_run_at) {
  TaskRecord t;
  t.id = id;
  t.type = "FETCH_PAYMENTS";
  t.connector_id = "c1";
  t.payload = boost::json::object{{"connectorID", "c1"}};
  t.next_run_at = next_run_at;
  return t;
}
}  // namespace

TEST_CASE("due tasks are leased once; expired leases come back; ends need the lease") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    CHECK(tasks::enqueue(tx, task("t1", 100)));
    CHECK(tasks::enqueue(tx, task("t2", 200)));
    CHECK(tasks::enqueue(tx, task("t3", 5000)));
    CHECK_FALSE(tasks::enqueue(tx, task("t1", 0)));  // same id: harmless
  });
  auto lease = [&](const std::string& owner, int64_t now) {
    return db->write([&](WriteTx& tx) { return tasks::lease_due(tx, owner, now, 1000, 10); });
  };
  auto a = lease("w1", 300);
  REQUIRE(a.size() == 2);
  CHECK(a[0].id == "t1");
  CHECK(a[1].id == "t2");
  CHECK(a[0].attempts == 1);
  CHECK(a[0].lease_owner == "w1");
  CHECK(a[0].lease_expires_at == 1300);
  CHECK(lease("w2", 400).empty());  // held

  db->write([](WriteTx& tx) {
    CHECK_FALSE(tasks::complete(tx, "t1", "w2"));  // not the holder
    CHECK(tasks::complete(tx, "t1", "w1", std::string("obj-1")));
    CHECK_FALSE(tasks::complete(tx, "t1", "w1"));  // already finished
  });
  // w1 died holding t2: after the lease expires another worker takes it.
  auto b = lease("w2", 1301);
  REQUIRE(b.size() == 1);
  CHECK(b[0].id == "t2");
  CHECK(b[0].attempts == 2);
  db->write([](WriteTx& tx) {
    CHECK(tasks::retry_at(tx, "t2", "w2", 2000, boost::json::object{{"message", "429"}}));
  });
  CHECK(lease("w2", 1999).empty());
  auto c = lease("w3", 2000);
  REQUIRE(c.size() == 1);
  CHECK(c[0].last_error->at("message") == "429");
  db->write([](WriteTx& tx) { CHECK(tasks::fail(tx, "t2", "w3", boost::json::object{{"message", "bad"}})); });

  db->read([](ReadTx& tx) {
    auto t1 = tasks::get(tx, "t1");
    CHECK(t1->status == "SUCCEEDED");
    CHECK(t1->created_object_id == "obj-1");
    CHECK_FALSE(t1->next_run_at);
    auto t2 = tasks::get(tx, "t2");
    CHECK(t2->status == "FAILED");
    CHECK(t2->attempts == 3);
    CHECK(t2->payload.at("connectorID") == "c1");
    CHECK(tasks::next_due_at(tx) == 5000);
  });
}

TEST_CASE("a long task keeps its lease by extending it") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) { tasks::enqueue(tx, task("t", 0)); });
  db->write([](WriteTx& tx) { REQUIRE(tasks::lease_due(tx, "w1", 0, 100, 1).size() == 1); });
  db->write([](WriteTx& tx) {
    CHECK(tasks::extend_lease(tx, "t", "w1", 90, 100));
    CHECK_FALSE(tasks::extend_lease(tx, "t", "w2", 90, 100));
  });
  CHECK(db->write([](WriteTx& tx) { return tasks::lease_due(tx, "w2", 150, 100, 1); }).empty());
  CHECK(db->write([](WriteTx& tx) { return tasks::lease_due(tx, "w2", 190, 100, 1); }).size() == 1);
}

TEST_CASE("schedules: due, pause, period; instances; they go with their connector") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    ScheduleRecord s;
    s.id = "s1";
    s.connector_id = "c1";
    s.task = boost::json::object{{"taskType", "FETCH_ACCOUNTS"}};
    s.period_ms = 60000;
    s.next_run_at = 100;
    CHECK(schedules::upsert(tx, s));
    s.period_ms = 120000;
    s.next_run_at = 999999;
    CHECK_FALSE(schedules::upsert(tx, s));
    schedule_instances::insert(tx, {"i1", "s1", "c1", 0, 0, false, std::nullopt, std::nullopt});
  });
  db->read([](ReadTx& tx) {
    auto s = schedules::get(tx, "s1");
    CHECK(s->period_ms == 120000);
    CHECK(s->next_run_at == 100);  // kept
    CHECK(schedules::due(tx, 100, 10).size() == 1);
    CHECK(schedules::due(tx, 99, 10).empty());
  });
  db->write([](WriteTx& tx) {
    schedules::pause(tx, "s1", "too many errors");
    schedule_instances::terminate(tx, "i1", std::string("boom"));
    CHECK_THROWS_AS(schedules::pause(tx, "nope", "x"), NotFound);
  });
  db->read([](ReadTx& tx) {
    CHECK(schedules::due(tx, 1000, 10).empty());
    CHECK(schedules::get(tx, "s1")->paused_reason == "too many errors");
    auto i = schedule_instances::get(tx, "i1");
    CHECK(i->terminated);
    CHECK(i->error == "boom");
    CHECK(schedule_instances::list(tx, "s1", PageQuery{}).items.size() == 1);
  });
  db->write([](WriteTx& tx) {
    schedules::resume(tx, "s1");
    schedules::set_period(tx, "c1", 30000);
  });
  CHECK(db->read([](ReadTx& tx) { return schedules::due(tx, 1000, 10); }).at(0).period_ms == 30000);
  db->write([](WriteTx& tx) { connectors::remove(tx, "c1"); });
  CHECK(count(*db, "schedules") == 0);
  CHECK(count(*db, "schedule_instances") == 0);
}

TEST_CASE("the outbox hands events out in order, once published they can be dropped") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    for (int i = 0; i < 5; ++i) events::append(tx, "E", boost::json::object{{"i", i}});
  });
  auto first = db->read([](ReadTx& tx) { return events::after(tx, 0, 3); });
  REQUIRE(first.size() == 3);
  CHECK(first[2].payload.at("i") == 2);
  auto rest = db->read([&](ReadTx& tx) { return events::after(tx, first.back().seq, 10); });
  REQUIRE(rest.size() == 2);
  db->write([&](WriteTx& tx) { events::remove_upto(tx, first.back().seq); });
  CHECK(count(*db, "events") == 2);
  // seq never goes back, even after deletion.
  auto seq = db->write([](WriteTx& tx) { return events::append(tx, "E", nullptr); });
  CHECK(seq == rest.back().seq + 1);
}

TEST_CASE("a run an unclean stop interrupted counts: held back for its backoff, failed past the cap") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    CHECK(tasks::enqueue(tx, task("poison", 0)));
    CHECK(tasks::enqueue(tx, task("young", 0)));
  });
  // "poison" was leased 3 times, "young" once, and the process died holding both leases.
  for (int i = 0; i < 3; ++i)
    db->write([i](WriteTx& tx) {
      for (auto& t : tasks::lease_due(tx, "dead", 1000000000000LL + i * 1000000, 10, 10))
        if (t.id == "young") tasks::retry_at(tx, t.id, "dead", 9999999999999LL, boost::json::object{});
    });
  auto [failed, delayed] = db->write([](WriteTx& tx) {
    return tasks::recover_interrupted(tx, 3, [](int attempts) { return int64_t{1000} * attempts; });
  });
  CHECK(failed == 1);
  CHECK(delayed == 0);  // "young" was not held: nothing to recover
  auto poison = db->read([](ReadTx& tx) { return tasks::get(tx, "poison"); });
  CHECK(poison->status == "FAILED");
  CHECK(poison->attempts == 3);
  CHECK(poison->last_error->at("message").as_string().find("gave up after 3 attempts") != std::string::npos);

  // Below the cap the task stays PROCESSING, unleased, due only after its backoff.
  db->write([](WriteTx& tx) { CHECK(tasks::enqueue(tx, task("again", 0))); });
  db->write([](WriteTx& tx) { CHECK(tasks::lease_due(tx, "dead", 1, 1000000000, 1).size() == 1); });
  int64_t now = db->write([](WriteTx& tx) {
    tasks::recover_interrupted(tx, 3, [](int) { return int64_t{60000}; });
    return tx.now();
  });
  auto again = db->read([](ReadTx& tx) { return tasks::get(tx, "again"); });
  CHECK(again->status == "PROCESSING");
  CHECK_FALSE(again->lease_owner);
  CHECK(*again->next_run_at == now + 60000);
}

TEST_CASE("a run released at stop does not count as an attempt") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) { CHECK(tasks::enqueue(tx, task("t", 0))); });
  db->write([](WriteTx& tx) { CHECK(tasks::lease_due(tx, "me", 1, 100000, 1).size() == 1); });
  CHECK_FALSE(db->write([](WriteTx& tx) { return tasks::release(tx, "t", "other"); }));
  CHECK(db->write([](WriteTx& tx) { return tasks::release(tx, "t", "me"); }));
  auto t = db->read([](ReadTx& tx) { return tasks::get(tx, "t"); });
  CHECK(t->attempts == 0);
  CHECK_FALSE(t->lease_owner);
}

TEST_CASE("due tasks group by connector, and a connector's tasks are leased on their own") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    auto a1 = task("a1", 100), a2 = task("a2", 50), b1 = task("b1", 300), late = task("late", 9000), none = task("n1", 10);
    b1.connector_id = "c2";
    none.connector_id = std::nullopt;
    for (auto* t : {&a1, &a2, &b1, &late, &none}) CHECK(tasks::enqueue(tx, *t));
  });
  auto groups = db->read([](ReadTx& tx) { return tasks::due_groups(tx, 1000); });
  std::map<std::string, std::pair<int64_t, int>> by;
  for (auto& g : groups) by[g.connector_id.value_or("-")] = {g.oldest_due_at, g.count};
  CHECK(by.size() == 3);
  CHECK(by["c1"] == std::pair<int64_t, int>{50, 2});  // "late" is not due yet
  CHECK(by["c2"] == std::pair<int64_t, int>{300, 1});
  CHECK(by["-"] == std::pair<int64_t, int>{10, 1});

  auto b = db->write([](WriteTx& tx) { return tasks::lease_due_of(tx, std::string("c2"), "w", 1000, 500, 5); });
  REQUIRE(b.size() == 1);
  CHECK(b[0].id == "b1");
  CHECK(b[0].attempts == 1);
  auto n = db->write([](WriteTx& tx) { return tasks::lease_due_of(tx, std::nullopt, "w", 1000, 500, 5); });
  REQUIRE(n.size() == 1);
  CHECK(n[0].id == "n1");
  auto a = db->write([](WriteTx& tx) { return tasks::lease_due_of(tx, std::string("c1"), "w", 1000, 500, 1); });
  REQUIRE(a.size() == 1);
  CHECK(a[0].id == "a2");  // oldest due first within the connector
  // Leased tasks leave their group.
  groups = db->read([](ReadTx& tx) { return tasks::due_groups(tx, 1000); });
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].connector_id == "c1");
  CHECK(groups[0].count == 1);
}
