// bench_pg --sqlite-dir DIR --pg-url URL [--rows N] [--tasks N]
//  (a) ingest: N payments, each a payment row and an adjustment row upserted one statement at a
//      time (the repositories' pattern) with a 300-byte sealed-size blob each, one transaction
//      per delivery of 1 000 payments; the same code on SQLite and on PostgreSQL, side by side.
//  (b) tasks: N tasks of the store's queue leased (batches of 10, FOR UPDATE SKIP LOCKED) and
//      completed by one node, then by two nodes (two store::Database, one thread each) on PostgreSQL.
// Prints `name value unit` lines and the ratios.
#include "host/store/db/driver.hpp"
#include "host/store/store.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace cx::store;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double ingest(db::Connection& c, int rows) {
  db::Dialect d{c.backend()};
  c.exec_script("DROP TABLE IF EXISTS bench_adjustments; DROP TABLE IF EXISTS bench_payments;");
  c.exec_script(std::string("CREATE TABLE bench_payments (id TEXT PRIMARY KEY, connector_id TEXT NOT NULL, "
                            "reference TEXT NOT NULL, type TEXT NOT NULL, amount TEXT NOT NULL, asset TEXT NOT NULL, "
                            "status TEXT NOT NULL, created_at ") +
                d.int64() + " NOT NULL, raw " + d.blob() +
                ");"
                "CREATE TABLE bench_adjustments (id TEXT PRIMARY KEY, payment_id TEXT NOT NULL REFERENCES "
                "bench_payments (id), status TEXT NOT NULL, amount TEXT NOT NULL, created_at " +
                d.int64() + " NOT NULL, raw " + d.blob() + ");");
  std::mt19937_64 rng(42);
  std::vector<uint8_t> raw(300);
  auto t0 = std::chrono::steady_clock::now();
  for (int done = 0; done < rows;) {
    int n = std::min(1000, rows - done);
    db::transact(c, true, [&](db::Connection& tx) {
      auto p = tx.prepare(
          "INSERT INTO bench_payments (id, connector_id, reference, type, amount, asset, status, created_at, raw) "
          "VALUES (?, ?, ?, 'PAY-IN', ?, 'EUR/2', 'SUCCEEDED', ?, ?) ON CONFLICT (id) DO UPDATE SET "
          "amount = excluded.amount, status = excluded.status, raw = excluded.raw");
      auto a = tx.prepare(
          "INSERT INTO bench_adjustments (id, payment_id, status, amount, created_at, raw) "
          "VALUES (?, ?, 'SUCCEEDED', ?, ?, ?) ON CONFLICT (id) DO NOTHING");
      for (int i = done; i < done + n; ++i) {
        for (auto& b : raw) b = static_cast<uint8_t>(rng());
        std::string id = "pay_" + std::to_string(i), amount = std::to_string(100 + (i * 7919) % 1'000'000);
        p->reset();
        p->bind(1, id);
        p->bind(2, "powens-bench");
        p->bind(3, "tx_" + std::to_string(i));
        p->bind(4, amount);
        p->bind(5, int64_t{1'700'000'000'000} + i);
        p->bind_blob(6, raw);
        p->exec();
        a->reset();
        a->bind(1, id + "/SUCCEEDED");
        a->bind(2, id);
        a->bind(3, amount);
        a->bind(4, int64_t{1'700'000'000'000} + i);
        a->bind_blob(5, raw);
        a->exec();
      }
    });
    done += n;
  }
  return rows / seconds_since(t0);
}

/// The store's task queue (store::tasks, what the engine's workers lease) on a shared database:
/// n tasks leased in batches of 10 and completed one transaction each, by `nodes` nodes (each a
/// store::Database of its own, one writer connection, on a thread).
double task_queue(const db::DatabaseUrl& url, int n, int nodes) {
  static const auto master = cx::crypto::MasterKey::generate();
  auto open = [&] {
    DatabaseOptions o;
    o.url = url;
    o.readers = 1;
    return std::make_unique<Database>(std::move(o), master);
  };
  {
    auto db = open();
    db->write([&](WriteTx& tx) {
      tx.exec("DELETE FROM tasks");
      for (int i = 0; i < n; ++i) {
        TaskRecord t;
        t.id = "t" + std::to_string(i);
        t.type = "FETCH";
        tasks::enqueue(tx, t);
      }
    });
  }
  std::vector<std::unique_ptr<Database>> dbs;
  for (int k = 0; k < nodes; ++k) dbs.push_back(open());
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int k = 0; k < nodes; ++k)
    ts.emplace_back([&, k] {
      Database& db = *dbs[k];
      std::string node = "node-" + std::to_string(k);
      for (int round = 0; round < n; ++round) {
        auto batch = db.write([&](WriteTx& tx) { return tasks::lease_due(tx, node, tx.now(), 600'000, 10); });
        if (batch.empty()) break;
        for (auto& t : batch) db.write([&](WriteTx& tx) { tasks::complete(tx, t.id, node); });
      }
    });
  for (auto& t : ts) t.join();
  return n / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string sqlite_dir, pg_url;
  int rows = 1'000'000, ntasks = 20'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--sqlite-dir")) sqlite_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--pg-url")) pg_url = argv[i + 1];
    else if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--tasks")) ntasks = std::atoi(argv[i + 1]);
  }
  if (sqlite_dir.empty() || pg_url.empty() || rows <= 0 || ntasks <= 0) {
    std::fprintf(stderr, "usage: bench_pg --sqlite-dir DIR --pg-url URL [--rows N] [--tasks N]\n");
    return 2;
  }
  auto sq_url = db::DatabaseUrl::parse("sqlite:" + sqlite_dir);
  auto pg = db::DatabaseUrl::parse(pg_url);
  auto sq = db::connect(sq_url);
  auto pc = db::connect(pg);
  double s = ingest(*sq, rows);
  std::printf("pg_ingest_sqlite_rows_per_s %.0f rows/s\n", s);
  std::fflush(stdout);
  double p = ingest(*pc, rows);
  std::printf("pg_ingest_postgres_rows_per_s %.0f rows/s\n", p);
  std::printf("ratio postgres/sqlite ingest (%d payments) %.2f\n", rows, p / s);
  std::fflush(stdout);
  double one = task_queue(pg, ntasks, 1);
  std::printf("pg_tasks_one_node %.0f tasks/s\n", one);
  double two = task_queue(pg, ntasks, 2);
  std::printf("pg_tasks_two_nodes %.0f tasks/s\n", two);
  std::printf("ratio two nodes/one node (%d tasks) %.2f\n", ntasks, two / one);
  return 0;
}
