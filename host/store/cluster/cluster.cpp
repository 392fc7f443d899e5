#include "host/store/cluster/cluster.hpp"

namespace cx::store::cluster {
namespace {

// Same tables and semantics on both backends; only the column types differ.
const std::vector<db::Migration>& migrations() {
  static const std::vector<db::Migration> m = {
      {1,
       R"(CREATE TABLE cluster_nodes (
  node_id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
CREATE TABLE cluster_tasks (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER
);
CREATE INDEX cluster_tasks_due ON cluster_tasks (next_run_at, id) WHERE status = 'PROCESSING';
CREATE TABLE cluster_schedules (
  id TEXT PRIMARY KEY,
  task_type TEXT NOT NULL,
  period_ms INTEGER NOT NULL CHECK (period_ms > 0),
  next_run_at INTEGER NOT NULL
);)",
       R"(CREATE TABLE cluster_nodes (
  node_id TEXT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);
CREATE TABLE cluster_tasks (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_run_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_expires_at BIGINT
);
CREATE INDEX cluster_tasks_due ON cluster_tasks (next_run_at, id) WHERE status = 'PROCESSING';
CREATE TABLE cluster_schedules (
  id TEXT PRIMARY KEY,
  task_type TEXT NOT NULL,
  period_ms BIGINT NOT NULL CHECK (period_ms > 0),
  next_run_at BIGINT NOT NULL
);)"},
  };
  return m;
}

constexpr const char* kTaskColumns = "id, type, payload, status, attempts, lease_owner, lease_expires_at";

TaskRecord read_task(db::Statement& s) {
  return TaskRecord{s.get_text(0), s.get_text(1), s.get_text(2), s.get_text(3),
                    s.get_int64(4), s.get_opt_text(5), s.get_opt_int64(6)};
}

}  // namespace

int migrate(db::Connection& conn) { return db::migrate(conn, "cluster_schema_version", migrations()); }

void heartbeat(db::Connection& conn, std::string_view node_id, int64_t now) {
  db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        "INSERT INTO cluster_nodes (node_id, started_at, heartbeat_at) VALUES (?1, ?2, ?2) "
        "ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at");
    s->bind(1, node_id);
    s->bind(2, now);
    s->exec();
  });
}

std::vector<NodeRecord> live_nodes(db::Connection& conn, int64_t now, int64_t live_window_ms) {
  return db::transact(conn, false, [&](db::Connection& c) {
    auto s = c.prepare(
        "SELECT node_id, started_at, heartbeat_at FROM cluster_nodes WHERE heartbeat_at >= ? ORDER BY node_id");
    s->bind(1, now - live_window_ms);
    std::vector<NodeRecord> out;
    while (s->step()) out.push_back({s->get_text(0), s->get_int64(1), s->get_int64(2)});
    return out;
  });
}

bool enqueue(db::Connection& conn, std::string_view id, std::string_view type, std::string_view payload,
             int64_t next_run_at) {
  return db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        "INSERT INTO cluster_tasks (id, type, payload, status, next_run_at) VALUES (?, ?, ?, 'PROCESSING', ?) "
        "ON CONFLICT (id) DO NOTHING");
    s->bind(1, id);
    s->bind(2, type);
    s->bind(3, payload);
    s->bind(4, next_run_at);
    return s->exec() > 0;
  });
}

std::vector<TaskRecord> lease_due(db::Connection& conn, std::string_view node, int64_t now, int64_t lease_ms,
                                  int limit) {
  db::Dialect d{conn.backend()};
  return db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        std::string("UPDATE cluster_tasks SET lease_owner = ?1, lease_expires_at = ?2 + ?3, attempts = attempts + 1 "
                    "WHERE id IN (SELECT id FROM cluster_tasks WHERE status = 'PROCESSING' AND next_run_at <= ?2 "
                    "AND (lease_expires_at IS NULL OR lease_expires_at <= ?2) ORDER BY next_run_at, id LIMIT ?4") +
        d.skip_locked() + ") RETURNING " + kTaskColumns);
    s->bind(1, node);
    s->bind(2, now);
    s->bind(3, lease_ms);
    s->bind(4, limit);
    std::vector<TaskRecord> out;
    while (s->step()) out.push_back(read_task(*s));
    return out;
  });
}

bool extend_lease(db::Connection& conn, std::string_view id, std::string_view node, int64_t now, int64_t lease_ms) {
  return db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        "UPDATE cluster_tasks SET lease_expires_at = ?3 + ?4 WHERE id = ?1 AND status = 'PROCESSING' "
        "AND lease_owner = ?2 AND lease_expires_at > ?3");
    s->bind(1, id);
    s->bind(2, node);
    s->bind(3, now);
    s->bind(4, lease_ms);
    return s->exec() > 0;
  });
}

bool complete(db::Connection& conn, std::string_view id, std::string_view node) {
  return db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        "UPDATE cluster_tasks SET status = 'SUCCEEDED', lease_expires_at = NULL "
        "WHERE id = ? AND status = 'PROCESSING' AND lease_owner = ?");
    s->bind(1, id);
    s->bind(2, node);
    return s->exec() > 0;
  });
}

std::optional<TaskRecord> get_task(db::Connection& conn, std::string_view id) {
  return db::transact(conn, false, [&](db::Connection& c) -> std::optional<TaskRecord> {
    auto s = c.prepare(std::string("SELECT ") + kTaskColumns + " FROM cluster_tasks WHERE id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    return read_task(*s);
  });
}

void upsert_schedule(db::Connection& conn, std::string_view id, std::string_view task_type, int64_t period_ms,
                     int64_t first_run_at) {
  db::transact(conn, true, [&](db::Connection& c) {
    auto s = c.prepare(
        "INSERT INTO cluster_schedules (id, task_type, period_ms, next_run_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING");
    s->bind(1, id);
    s->bind(2, task_type);
    s->bind(3, period_ms);
    s->bind(4, first_run_at);
    s->exec();
  });
}

std::vector<std::string> fire_due(db::Connection& conn, int64_t now, int limit) {
  db::Dialect d{conn.backend()};
  return db::transact(conn, true, [&](db::Connection& c) {
    struct Due {
      std::string id, type;
      int64_t period, next;
    };
    std::vector<Due> due;
    {
      auto s = c.prepare(std::string("SELECT id, task_type, period_ms, next_run_at FROM cluster_schedules "
                                     "WHERE next_run_at <= ? ORDER BY next_run_at, id LIMIT ?") +
                         d.skip_locked());
      s->bind(1, now);
      s->bind(2, limit);
      while (s->step()) due.push_back({s->get_text(0), s->get_text(1), s->get_int64(2), s->get_int64(3)});
    }
    std::vector<std::string> fired;
    auto advance = c.prepare("UPDATE cluster_schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ?");
    auto add = c.prepare(
        "INSERT INTO cluster_tasks (id, type, payload, status, next_run_at) VALUES (?, ?, '{}', 'PROCESSING', ?) "
        "ON CONFLICT (id) DO NOTHING");
    for (const auto& sc : due) {
      // The period containing now (missed periods while every node was down fire once, not N times).
      int64_t period_start = sc.next + (now - sc.next) / sc.period * sc.period;
      advance->reset();
      advance->bind(1, period_start + sc.period);
      advance->bind(2, sc.id);
      advance->bind(3, sc.next);
      if (advance->exec() == 0) continue;  // another node advanced it first
      std::string task_id = sc.id + "@" + std::to_string(period_start);
      add->reset();
      add->bind(1, task_id);
      add->bind(2, sc.type);
      add->bind(3, now);
      if (add->exec() > 0) fired.push_back(task_id);
    }
    return fired;
  });
}

}  // namespace cx::store::cluster
