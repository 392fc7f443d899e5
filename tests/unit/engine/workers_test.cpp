// The worker pool's sharing rules with a scripted handler: round robin between connectors, the
// per-connector cap, and the connector-wide pause a rate-limited task opens.
#include "host/engine/engine.hpp"
#include "host/util/encoding.hpp"

#include <connectivity/abi.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace cx;

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Run {
  std::string task, connector;
  int64_t start = 0, end = 0;
  int attempts = 0;
};

/// A data directory with a store, and a record of every run the handler saw.
struct Pool {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  std::mutex mu;
  std::vector<Run> runs;
  std::map<std::string, int> open, peak;  ///< per connector: runs in the handler now / at most

  Pool() {
    dir = std::filesystem::temp_directory_path() / ("cx_workers_" + util::uuid_v4());
    std::filesystem::create_directories(dir);
    store::DatabaseOptions opts;
    opts.path = dir / "connectivity.db";
    db = std::make_unique<store::Database>(opts, crypto::MasterKey::resolve(crypto::MasterKeySource{std::nullopt, std::nullopt, dir}));
  }
  ~Pool() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  void enqueue(const std::string& id, const std::string& connector, int64_t due) {
    store::TaskRecord t;
    t.id = id;
    t.type = "TEST";
    t.connector_id = connector;
    t.next_run_at = due;
    db->write([&](store::WriteTx& tx) { REQUIRE(store::tasks::enqueue(tx, t)); });
  }
  /// Records the run, holds it sleep_ms, then answers what decide says.
  engine::WorkerPool::Handler handler(int64_t sleep_ms, std::function<engine::TaskOutcome(const store::TaskRecord&)> decide) {
    return [this, sleep_ms, decide](const store::TaskRecord& t) {
      size_t i;
      {
        std::lock_guard lock(mu);
        i = runs.size();
        runs.push_back(Run{t.id, t.connector_id.value_or(""), now_ms(), 0, t.attempts});
        peak[runs[i].connector] = std::max(peak[runs[i].connector], ++open[runs[i].connector]);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      std::lock_guard lock(mu);
      runs[i].end = now_ms();
      --open[runs[i].connector];
      return decide(t);
    };
  }
  size_t done() {
    std::lock_guard lock(mu);
    size_t n = 0;
    for (auto& r : runs) n += r.end > 0;
    return n;
  }
  void wait_done(size_t n, int64_t timeout_ms = 10000) {
    for (int64_t end = now_ms() + timeout_ms; done() < n && now_ms() < end;)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(done() >= n);
  }
};

engine::TaskOutcome ok(const store::TaskRecord&) { return engine::TaskOutcome::ok(); }
}  // namespace

TEST_CASE("a free worker takes the connector that used the least worker time, not the oldest task") {
  Pool p;
  const int64_t t0 = now_ms();
  // A backlog of connector a, due long ago; b's one task is due only now.
  for (int i = 0; i < 6; ++i) p.enqueue("a" + std::to_string(i), "a", t0 - 60000 + i);
  p.enqueue("b0", "b", t0);
  engine::WorkerOptions o;
  o.workers = 1;
  o.idle_poll_ms = 20;
  engine::WorkerPool pool(*p.db, o, p.handler(20, ok));
  pool.start();
  p.wait_done(7);
  pool.stop();
  std::lock_guard lock(p.mu);
  REQUIRE(p.runs.size() == 7);
  CHECK(p.runs[0].task == "a0");
  CHECK(p.runs[1].task == "b0");  // oldest-first would have run b last
}

TEST_CASE("no connector runs more tasks at once than its cap; others keep the free workers") {
  for (int cap : {1, 2}) {
    Pool p;
    const int64_t t0 = now_ms();
    for (int i = 0; i < 6; ++i) p.enqueue("a" + std::to_string(i), "a", t0 - 1000);
    for (int i = 0; i < 2; ++i) p.enqueue("b" + std::to_string(i), "b", t0);
    engine::WorkerOptions o;
    o.workers = 4;
    o.idle_poll_ms = 20;
    o.connector_max_concurrency = cap;
    engine::WorkerPool pool(*p.db, o, p.handler(60, ok));
    CHECK(pool.connector_cap() == cap);
    pool.start();
    p.wait_done(8);
    pool.stop();
    std::lock_guard lock(p.mu);
    CHECK(p.peak["a"] == cap);
    // b did not wait for a's backlog: its first task started within a's first run.
    int64_t b_start = 0;
    for (auto& r : p.runs)
      if (r.connector == "b") { b_start = r.start; break; }
    CHECK(b_start - p.runs.front().start < 60);
  }
  engine::WorkerOptions dflt;
  dflt.workers = 12;
  Pool p;
  CHECK(engine::WorkerPool(*p.db, dflt, p.handler(0, ok)).connector_cap() == 3);
}

TEST_CASE("a rate-limited task pauses every task of its connector, without spending their attempts") {
  Pool p;
  const int64_t t0 = now_ms();
  p.enqueue("a0", "a", t0 - 3);
  p.enqueue("a1", "a", t0 - 2);
  p.enqueue("a2", "a", t0 - 1);
  p.enqueue("b0", "b", t0);
  engine::WorkerOptions o;
  o.workers = 2;
  o.idle_poll_ms = 20;
  o.connector_max_concurrency = 1;
  engine::WorkerPool pool(*p.db, o, p.handler(10, [](const store::TaskRecord& t) {
    if (t.id == "a0" && t.attempts == 1)
      return engine::TaskOutcome::retry(boost::json::object{{"message", "429"}, {"code", CX_ERR_RATE_LIMITED}}, 1500);
    return engine::TaskOutcome::ok();
  }));
  pool.start();
  p.wait_done(5);
  pool.stop();
  std::lock_guard lock(p.mu);
  // a0 and b0 start together on the two workers: either may enter the handler first.
  auto first_a0 = std::find_if(p.runs.begin(), p.runs.end(), [](const Run& r) { return r.task == "a0"; });
  REQUIRE(first_a0 != p.runs.end());
  REQUIRE(first_a0->attempts == 1);
  const Run& limited = *first_a0;
  for (auto& r : p.runs) {
    if (r.connector != "a" || &r == &limited) continue;
    CHECK(r.start - limited.end >= 1450);  // nothing of a during the 1.5 s pause
    if (r.task != "a0") CHECK(r.attempts == 1);  // waiting was free
  }
  for (auto& r : p.runs)
    if (r.connector == "b") CHECK(r.start - limited.end < 500);  // b was not paused
  CHECK(p.runs.size() == 5);
}

TEST_CASE("a task whose write collided with another node's runs again; another error fails it") {
  Pool p;
  const int64_t t0 = now_ms();
  p.enqueue("raced", "a", t0 - 2);
  p.enqueue("broken", "b", t0 - 1);
  engine::WorkerOptions o;
  o.workers = 2;
  o.idle_poll_ms = 20;
  engine::WorkerPool pool(*p.db, o, p.handler(0, [](const store::TaskRecord& t) -> engine::TaskOutcome {
    if (t.id == "broken") throw std::runtime_error("a bug");
    if (t.attempts == 1) throw store::Conflict("duplicate key value violates unique constraint \"accounts_id_key\"");
    return engine::TaskOutcome::ok();
  }));
  pool.start();
  p.wait_done(3);
  pool.stop();
  auto raced = p.db->read([](store::ReadTx& tx) { return store::tasks::get(tx, "raced"); });
  auto broken = p.db->read([](store::ReadTx& tx) { return store::tasks::get(tx, "broken"); });
  REQUIRE(raced);
  REQUIRE(broken);
  CHECK(raced->status == store::task_status::kSucceeded);
  CHECK(raced->attempts == 2);
  CHECK(broken->status == store::task_status::kFailed);
  CHECK(broken->attempts == 1);
}
