// Cluster coordination on the shared database: several daemons ("nodes") on one PostgreSQL
// database, coordinated through rows only (no consensus of our own), the way job systems on
// Postgres do it. The same code runs on SQLite for a single node.
//
//  - Nodes: each node upserts its row (id, start, heartbeat); a node whose heartbeat is older than
//    the liveness window is considered gone.
//  - Tasks: enqueue is idempotent by task id (ON CONFLICT DO NOTHING, so a webhook accepted by two
//    nodes makes one task); lease_due claims due rows with `SELECT … FOR UPDATE SKIP LOCKED`
//    (PostgreSQL) so concurrent nodes never claim the same row; a lease expires at
//    lease_expires_at and the task is then claimable again (the node died); complete/extend only
//    succeed for the current lease holder, so a node that lost its lease cannot finish twice.
//  - Schedules: fire_due claims due schedules the same way, advances next_run_at past `now` and
//    enqueues the period's task under a deterministic id (schedule id + period start): each
//    period fires once cluster-wide even when two nodes race.
//
// Times are UTC milliseconds. Every function runs in its own transaction on `conn`.
#pragma once

#include "host/store/db/driver.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store::cluster {

/// Creates / upgrades the cluster tables (numbered per backend, table cluster_schema_version).
int migrate(db::Connection& conn);

struct NodeRecord {
  std::string node_id;
  int64_t started_at = 0;
  int64_t heartbeat_at = 0;
};
/// Records that node_id is alive at now (first call sets started_at).
void heartbeat(db::Connection& conn, std::string_view node_id, int64_t now);
/// Nodes whose heartbeat is within live_window_ms of now, ordered by node id.
std::vector<NodeRecord> live_nodes(db::Connection& conn, int64_t now, int64_t live_window_ms);

struct TaskRecord {
  std::string id;
  std::string type;
  std::string payload;  ///< JSON text, opaque here
  std::string status;   ///< PROCESSING | SUCCEEDED
  int64_t attempts = 0;
  std::optional<std::string> lease_owner;
  std::optional<int64_t> lease_expires_at;
};
/// Adds a task due at next_run_at; false when a task with this id already exists (idempotent).
bool enqueue(db::Connection& conn, std::string_view id, std::string_view type, std::string_view payload,
             int64_t next_run_at);
/// Claims up to limit due tasks for node (lease until now + lease_ms); attempts + 1 each.
std::vector<TaskRecord> lease_due(db::Connection& conn, std::string_view node, int64_t now, int64_t lease_ms, int limit);
/// Extends node's lease; false when node no longer holds it (expired and taken over).
bool extend_lease(db::Connection& conn, std::string_view id, std::string_view node, int64_t now, int64_t lease_ms);
/// Marks the task done; false when node no longer holds its lease (nothing changes).
bool complete(db::Connection& conn, std::string_view id, std::string_view node);
std::optional<TaskRecord> get_task(db::Connection& conn, std::string_view id);

/// Adds (or leaves unchanged) a periodic schedule first due at first_run_at.
void upsert_schedule(db::Connection& conn, std::string_view id, std::string_view task_type, int64_t period_ms,
                     int64_t first_run_at);
/// Fires every due schedule (up to limit) once for its current period: enqueues task
/// "<schedule id>@<period start>" and moves next_run_at to the first period start after now.
/// Returns the ids of the tasks this call enqueued.
std::vector<std::string> fire_due(db::Connection& conn, int64_t now, int limit);

}  // namespace cx::store::cluster
