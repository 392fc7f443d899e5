// Cluster coordination: leases, takeover and schedule firing, on both backends; on PostgreSQL with
// several nodes (threads, one connection each) racing for the same rows.
#include "backends.hpp"
#include "host/store/cluster/cluster.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <thread>

using namespace cx::store;
using cx::store::db::Backend;

namespace {

void lease_and_takeover(Backend b) {
  INFO(test::backend_name(b));
  test::BackendDatabase d(b, "cx_cluster_lease");
  auto a = d.connect();
  REQUIRE(cluster::migrate(*a) == 1);
  auto bconn = d.connect();
  REQUIRE(cluster::migrate(*bconn) == 1);  // the second node finds the schema in place

  CHECK(cluster::enqueue(*a, "t1", "sync", "{}", 1000));
  CHECK_FALSE(cluster::enqueue(*bconn, "t1", "sync", "{\"x\":1}", 1000));  // same id from another node: one task
  CHECK(cluster::lease_due(*a, "A", 999, 100, 10).empty());                  // not yet due

  auto leased = cluster::lease_due(*a, "A", 1000, 100, 10);
  REQUIRE(leased.size() == 1);
  CHECK(leased[0].payload == "{}");
  CHECK(leased[0].attempts == 1);
  CHECK(cluster::lease_due(*bconn, "B", 1050, 100, 10).empty());  // held by A
  CHECK(cluster::extend_lease(*a, "t1", "A", 1050, 100));         // now held until 1150

  // A dies: its lease runs out and B takes the task over; A can no longer finish it.
  CHECK(cluster::lease_due(*bconn, "B", 1149, 100, 10).empty());
  auto taken = cluster::lease_due(*bconn, "B", 1150, 100, 10);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].lease_owner == "B");
  CHECK(taken[0].attempts == 2);
  CHECK_FALSE(cluster::extend_lease(*a, "t1", "A", 1160, 100));
  CHECK_FALSE(cluster::complete(*a, "t1", "A"));
  CHECK(cluster::complete(*bconn, "t1", "B"));
  CHECK_FALSE(cluster::complete(*bconn, "t1", "B"));  // once
  CHECK(cluster::get_task(*a, "t1")->status == "SUCCEEDED");
  CHECK(cluster::lease_due(*a, "A", 5000, 100, 10).empty());

  cluster::heartbeat(*a, "A", 1000);
  cluster::heartbeat(*bconn, "B", 1000);
  cluster::heartbeat(*bconn, "B", 3000);
  auto live = cluster::live_nodes(*a, 3500, 1000);
  REQUIRE(live.size() == 1);
  CHECK(live[0].node_id == "B");
  CHECK(live[0].started_at == 1000);
  CHECK(live[0].heartbeat_at == 3000);
}

void schedule_once_per_period(Backend b) {
  INFO(test::backend_name(b));
  test::BackendDatabase d(b, "cx_cluster_sched");
  auto a = d.connect();
  auto bconn = d.connect();
  cluster::migrate(*a);
  cluster::upsert_schedule(*a, "s", "sync", 1000, 10'000);
  CHECK(cluster::fire_due(*a, 9'999, 10).empty());
  CHECK(cluster::fire_due(*a, 10'500, 10) == std::vector<std::string>{"s@10000"});
  CHECK(cluster::fire_due(*bconn, 10'900, 10).empty());  // same period, other node
  // Down for 3.5 periods: the current period fires once, missed ones are not replayed.
  CHECK(cluster::fire_due(*bconn, 14'600, 10) == std::vector<std::string>{"s@14000"});
  CHECK(cluster::fire_due(*a, 14'999, 10).empty());
}

}  // namespace

TEST_CASE("cluster leases and takeover: sqlite", "[cluster]") { lease_and_takeover(Backend::sqlite); }
TEST_CASE("cluster leases and takeover: postgres", "[cluster][pg]") { lease_and_takeover(Backend::postgres); }
TEST_CASE("cluster schedules fire once per period: sqlite", "[cluster]") { schedule_once_per_period(Backend::sqlite); }
TEST_CASE("cluster schedules fire once per period: postgres", "[cluster][pg]") {
  schedule_once_per_period(Backend::postgres);
}

TEST_CASE("cluster: three nodes racing never claim a task twice (postgres)", "[cluster][pg]") {
  test::BackendDatabase d(Backend::postgres, "cx_cluster_race");
  {
    auto c = d.connect();
    cluster::migrate(*c);
    db::transact(*c, true, [&](db::Connection& tx) {
      auto s = tx.prepare("INSERT INTO cluster_tasks (id, type, payload, status, next_run_at) "
                          "VALUES (?, 'sync', '{}', 'PROCESSING', 0)");
      for (int i = 0; i < 300; ++i) {
        s->reset();
        s->bind(1, "t" + std::to_string(i));
        s->exec();
      }
    });
    for (int i = 0; i < 20; ++i) cluster::upsert_schedule(*c, "s" + std::to_string(i), "sync", 60'000, 0);
  }
  std::mutex mu;
  std::map<std::string, int> done;        // task id → completions seen
  std::map<std::string, int> fired;       // task id → times a node fired it
  int lost = 0;                           // completions refused (lease lost): none expected
  std::vector<std::thread> nodes;
  for (int n = 0; n < 3; ++n) {
    nodes.emplace_back([&, n] {
      auto c = d.connect();
      std::string node = "node-" + std::to_string(n);
      for (auto& id : cluster::fire_due(*c, 30'000, 100)) {
        std::lock_guard l(mu);
        ++fired[id];
      }
      for (int round = 0; round < 200; ++round) {  // bounded: 300 tasks / 3 nodes / 5 per lease
        auto batch = cluster::lease_due(*c, node, 1, 60'000, 5);
        if (batch.empty()) break;
        for (auto& t : batch) {
          bool ok = cluster::complete(*c, t.id, node);
          std::lock_guard l(mu);
          if (ok) ++done[t.id];
          else ++lost;
        }
      }
    });
  }
  for (auto& t : nodes) t.join();
  // Tasks enqueued by the schedules fired at 30'000 are due at 30'000, after the leasing "now".
  CHECK(lost == 0);
  CHECK(done.size() == 300);
  for (auto& [id, n] : done) CHECK(n == 1);
  CHECK(fired.size() == 20);
  for (auto& [id, n] : fired) CHECK(n == 1);
  auto c = d.connect();
  auto s = c->prepare("SELECT COUNT(*), MAX(attempts) FROM cluster_tasks WHERE id LIKE 't%' AND status = 'SUCCEEDED'");
  REQUIRE(s->step());
  CHECK(s->get_int64(0) == 300);
  CHECK(s->get_int64(1) == 1);
}
