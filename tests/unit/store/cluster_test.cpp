// Several nodes on one database: each node is a store::Database of its own (its own writer
// connection) on the same database, racing for the same rows. The PostgreSQL cases are what a
// cluster relies on; the SQLite ones show the same calls keep their meaning for a single daemon.
#include "backends.hpp"
#include "host/store/outbound_webhooks.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using namespace cx::store;
using namespace cx::store::test;
using cx::store::db::Backend;

namespace {

/// `count` nodes on one database of backend b, sharing one injected clock (UTC ms).
struct Cluster {
  BackendDatabase where;
  std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(1'000'000);
  std::vector<std::unique_ptr<Database>> nodes;
  Cluster(Backend b, const std::string& name, int count) : where(b, name) {
    for (int i = 0; i < count; ++i) {
      DatabaseOptions o;
      o.url = where.url;
      o.readers = 2;
      auto c = clock;
      o.clock = [c] { return c->load(); };
      nodes.push_back(std::make_unique<Database>(std::move(o), key(1)));
    }
  }
  Database& operator[](size_t i) { return *nodes[i]; }
};

TaskRecord task(const std::string& id, const std::optional<std::string>& connector = std::nullopt) {
  TaskRecord t;
  t.id = id;
  t.type = "FETCH";
  t.connector_id = connector;
  return t;
}

int64_t backoff(int attempts) { return 1000 * attempts; }

void racing_leases(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_race", 3);
  c[0].write([](WriteTx& tx) {
    for (int i = 0; i < 300; ++i) tasks::enqueue(tx, task("t" + std::to_string(i), i % 2 ? std::optional<std::string>("c1") : std::nullopt));
  });
  std::mutex mu;
  std::map<std::string, int> leased;  // task id → leases taken
  int refused = 0;                    // completions refused (lease lost): none expected
  std::vector<std::thread> threads;
  for (int n = 0; n < 3; ++n)
    threads.emplace_back([&, n] {
      const std::string owner = "node-" + std::to_string(n);
      for (int round = 0; round < 400; ++round) {
        const std::optional<std::string> group = (round + n) % 2 ? std::optional<std::string>("c1") : std::nullopt;
        auto got = c[n].write([&](WriteTx& tx) {
          auto v = tasks::lease_due_of(tx, group, owner, tx.now(), 60'000, 2);
          if (v.empty()) v = tasks::lease_due(tx, owner, tx.now(), 60'000, 2);
          return v;
        });
        if (got.empty()) break;
        for (auto& t : got) {
          bool ok = c[n].write([&](WriteTx& tx) { return tasks::complete(tx, t.id, owner); });
          std::lock_guard l(mu);
          ++leased[t.id];
          if (!ok) ++refused;
        }
      }
    });
  for (auto& t : threads) t.join();
  CHECK(leased.size() == 300);
  int twice = 0;
  for (auto& [id, n] : leased) twice += n > 1;
  CHECK(twice == 0);
  CHECK(refused == 0);
  CHECK(c[1].read([](ReadTx& tx) { return tasks::next_due_at(tx); }) == std::nullopt);
}

void takeover(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_takeover", 2);
  auto& a = c[0];
  auto& other = c[1];
  a.write([](WriteTx& tx) { tasks::enqueue(tx, task("t1", "c1")); });
  auto first = a.write([](WriteTx& tx) { return tasks::lease_due(tx, "A", tx.now(), 100, 10); });
  REQUIRE(first.size() == 1);
  // Within the lease: the other node neither leases nor takes it back.
  *c.clock += 50;
  CHECK(other.write([](WriteTx& tx) { return tasks::lease_due(tx, "B", tx.now(), 100, 10); }).empty());
  auto none = other.write([](WriteTx& tx) { return tasks::recover_interrupted(tx, 10, backoff, tx.now()); });
  CHECK(none == std::pair<int, int>{0, 0});
  // A stops renewing (it died): once the lease expired, the other node holds the task back for its
  // backoff, then runs it; A can no longer finish it.
  *c.clock += 100;
  auto back = other.write([](WriteTx& tx) { return tasks::recover_interrupted(tx, 10, backoff, tx.now()); });
  CHECK(back == std::pair<int, int>{0, 1});
  CHECK(other.write([](WriteTx& tx) { return tasks::lease_due(tx, "B", tx.now(), 100, 10); }).empty());
  *c.clock += backoff(1);
  auto taken = other.write([](WriteTx& tx) { return tasks::lease_due(tx, "B", tx.now(), 100, 10); });
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].attempts == 2);
  // B's fresh lease is not "interrupted", whoever looks.
  auto fresh = a.write([](WriteTx& tx) { return tasks::recover_interrupted(tx, 10, backoff, tx.now()); });
  CHECK(fresh == std::pair<int, int>{0, 0});
  CHECK_FALSE(a.write([](WriteTx& tx) { return tasks::complete(tx, "t1", "A"); }));
  CHECK(other.write([](WriteTx& tx) { return tasks::complete(tx, "t1", "B"); }));
  auto done = a.read([](ReadTx& tx) { return tasks::get(tx, "t1"); });
  REQUIRE(done);
  CHECK(done->status == task_status::kSucceeded);
}

void schedule_fires_once(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_schedule", 3);
  c[0].write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    ScheduleRecord s;
    s.id = "s1";
    s.connector_id = "c1";
    s.period_ms = 60'000;
    s.next_run_at = tx.now();
    s.task = boost::json::object{{"type", "FETCH"}};
    schedules::upsert(tx, s);
  });
  // Every node saw the run due; the compare-and-set lets one of them fire it.
  std::vector<std::vector<ScheduleRecord>> seen;
  for (int n = 0; n < 3; ++n) seen.push_back(c[n].read([](ReadTx& tx) { return schedules::due(tx, tx.now(), 10); }));
  for (auto& v : seen) REQUIRE(v.size() == 1);
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 3; ++n)
    threads.emplace_back([&, n] {
      const auto& s = seen[n][0];
      if (c[n].write([&](WriteTx& tx) { return schedules::claim_run(tx, s.id, s.next_run_at, tx.now() + s.period_ms); }))
        ++fired;
    });
  for (auto& t : threads) t.join();
  CHECK(fired == 1);
  CHECK(c[1].read([](ReadTx& tx) { return schedules::due(tx, tx.now(), 10); }).empty());
}

void fan_out_cursor_once(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_cursor", 2);
  CHECK(c[0].write([](WriteTx& tx) { return outbound_deliveries::advance_cursor(tx, 0, 5); }));
  CHECK_FALSE(c[1].write([](WriteTx& tx) { return outbound_deliveries::advance_cursor(tx, 0, 5); }));
  CHECK_FALSE(c[1].write([](WriteTx& tx) { return outbound_deliveries::advance_cursor(tx, 3, 9); }));
  CHECK(c[1].write([](WriteTx& tx) { return outbound_deliveries::advance_cursor(tx, 5, 9); }));
  CHECK(c[0].read([](ReadTx& tx) { return outbound_deliveries::cursor(tx); }) == 9);
}

void stale_claims_released(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_claims_out", 2);
  c[0].write([](WriteTx& tx) {
    outbound_configs::insert(tx, OutboundConfig{"cfg", "https://example.com/hook", "secret", {"payments.saved_payment"}});
    for (int i = 1; i <= 2; ++i) {
      OutboundDelivery d;
      d.id = "d" + std::to_string(i);
      d.event_seq = i;  // one delivery per event and config
      d.config_id = "cfg";
      d.event_type = "payments.saved_payment";
      d.payload = "{}";
      d.created_at = tx.now();
      outbound_deliveries::enqueue(tx, d);
    }
  });
  CHECK(c[0].write([](WriteTx& tx) { return outbound_deliveries::claim(tx, "d1", tx.now()); }));
  *c.clock += 60'000;
  CHECK(c[1].write([](WriteTx& tx) { return outbound_deliveries::claim(tx, "d2", tx.now()); }));
  CHECK_FALSE(c[0].write([](WriteTx& tx) { return outbound_deliveries::claim(tx, "d2", tx.now()); }));  // once
  // Claims older than 30 s: d1's node is gone; d2 is being sent by a live node and stays its.
  CHECK(c[1].write([](WriteTx& tx) { return outbound_deliveries::release_claims(tx, tx.now() - 30'000); }) == 1);
  auto d1 = c[0].read([](ReadTx& tx) { return outbound_deliveries::get(tx, "d1"); });
  auto d2 = c[0].read([](ReadTx& tx) { return outbound_deliveries::get(tx, "d2"); });
  REQUIRE(d1);
  REQUIRE(d2);
  CHECK(d1->status == "pending");
  CHECK(d2->status == "delivering");
  CHECK(c[1].write([](WriteTx& tx) { return outbound_deliveries::release_claim(tx, "d2"); }));
}

void node_rows(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_nodes", 2);
  c[0].write([](WriteTx& tx) { nodes::heartbeat(tx, NodeRecord{"a", "1.0", 100, 100}); });
  c[1].write([](WriteTx& tx) { nodes::heartbeat(tx, NodeRecord{"b", "1.0", 150, 150}); });
  c[1].write([](WriteTx& tx) { nodes::heartbeat(tx, NodeRecord{"b", "1.1", 150, 900}); });
  auto all = c[0].read([](ReadTx& tx) { return nodes::list(tx); });
  REQUIRE(all.size() == 2);
  CHECK(all[1].node_id == "b");
  CHECK(all[1].version == "1.1");
  CHECK(all[1].heartbeat_at == 900);
  CHECK(c[0].write([](WriteTx& tx) { return nodes::remove_older_than(tx, 500); }) == 1);
  CHECK(c[1].read([](ReadTx& tx) { return nodes::list(tx); }).size() == 1);
  c[0].write([](WriteTx& tx) { nodes::heartbeat(tx, NodeRecord{"c", "1.1", 950, 950}); });
  c[0].write([](WriteTx& tx) { nodes::remove_others(tx, "c"); });
  auto left = c[1].read([](ReadTx& tx) { return nodes::list(tx); });
  REQUIRE(left.size() == 1);
  CHECK(left[0].node_id == "c");
}

void claims_once_per_period(Backend b) {
  INFO(backend_name(b));
  Cluster c(b, "cx_cluster_claims", 3);
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 3; ++n)
    threads.emplace_back([&, n] {
      if (c[n].write([&](WriteTx& tx) { return claims::take(tx, "reconcile/p1", "node-" + std::to_string(n), 1000, 61'000); }))
        ++won;
    });
  for (auto& t : threads) t.join();
  CHECK(won == 1);
  CHECK_FALSE(c[0].write([](WriteTx& tx) { return claims::take(tx, "reconcile/p1", "x", 60'999, 120'000); }));
  CHECK(c[1].write([](WriteTx& tx) { return claims::take(tx, "reconcile/p2", "x", 1000, 61'000); }));  // another name
  CHECK(c[2].write([](WriteTx& tx) { return claims::take(tx, "reconcile/p1", "y", 61'000, 121'000); }));  // period over
}

}  // namespace

TEST_CASE("a named claim is held by one of several racing nodes until it runs out: postgres", "[cluster][pg]") {
  claims_once_per_period(Backend::postgres);
}
TEST_CASE("a named claim is held by one of several racing nodes until it runs out: sqlite", "[cluster]") {
  claims_once_per_period(Backend::sqlite);
}

TEST_CASE("three nodes racing lease every task once: postgres", "[cluster][pg]") { racing_leases(Backend::postgres); }
TEST_CASE("three nodes racing lease every task once: sqlite", "[cluster]") { racing_leases(Backend::sqlite); }
TEST_CASE("an expired lease is recovered by another node and its old holder cannot finish: postgres", "[cluster][pg]") {
  takeover(Backend::postgres);
}
TEST_CASE("an expired lease is recovered by another node and its old holder cannot finish: sqlite", "[cluster]") {
  takeover(Backend::sqlite);
}
TEST_CASE("a schedule's run fires once across racing nodes: postgres", "[cluster][pg]") {
  schedule_fires_once(Backend::postgres);
}
TEST_CASE("a schedule's run fires once across racing nodes: sqlite", "[cluster]") { schedule_fires_once(Backend::sqlite); }
TEST_CASE("the webhook fan-out cursor moves once from each position: postgres", "[cluster][pg]") {
  fan_out_cursor_once(Backend::postgres);
}
TEST_CASE("the webhook fan-out cursor moves once from each position: sqlite", "[cluster]") {
  fan_out_cursor_once(Backend::sqlite);
}
TEST_CASE("only stale webhook delivery claims are released: postgres", "[cluster][pg]") {
  stale_claims_released(Backend::postgres);
}
TEST_CASE("only stale webhook delivery claims are released: sqlite", "[cluster]") {
  stale_claims_released(Backend::sqlite);
}
TEST_CASE("node heartbeats: postgres", "[cluster][pg]") { node_rows(Backend::postgres); }
TEST_CASE("node heartbeats: sqlite", "[cluster]") { node_rows(Backend::sqlite); }

TEST_CASE("a fan-out reader waits for events still being appended by another node (postgres)", "[cluster][pg]") {
  // seq numbers are taken before commit: node 0 takes seq 1 and holds its transaction open while
  // node 1 appends seq 2 and commits. A plain read after 0 sees only seq 2 (moving a cursor past
  // it would lose seq 1); after settle() the read waits for node 0 and sees both.
  Cluster c(Backend::postgres, "cx_cluster_outbox", 3);
  std::atomic<bool> appended{false};
  std::thread slow([&] {
    c[0].write([&](WriteTx& tx) {
      events::append(tx, "first", boost::json::object{});
      appended = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    });
  });
  for (int i = 0; i < 200 && !appended; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(appended);
  c[1].write([](WriteTx& tx) { events::append(tx, "second", boost::json::object{}); });
  auto early = c[2].read([](ReadTx& tx) { return events::after(tx, 0, 10); });
  auto t0 = std::chrono::steady_clock::now();
  auto settled = c[2].write([](WriteTx& tx) {
    events::settle(tx);
    return events::after(tx, 0, 10);
  });
  auto waited = std::chrono::steady_clock::now() - t0;
  slow.join();
  REQUIRE(early.size() == 1);
  CHECK(early[0].type == "second");
  REQUIRE(settled.size() == 2);
  CHECK(settled[0].type == "first");
  CHECK(settled[1].type == "second");
  CHECK(waited >= std::chrono::milliseconds(100));
}
