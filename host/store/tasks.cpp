#include "host/store/tasks.hpp"

#include "host/store/sql.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace cx::store::tasks {
namespace {

constexpr const char* kColumns =
    "id, type, connector_id, payload, status, attempts, next_run_at, lease_owner, lease_expires_at, last_error, "
    "created_object_id, created_at, updated_at";

TaskRecord read_row(db::Statement& s) {
  TaskRecord t;
  t.id = sql::col_str(s, 0);
  t.type = sql::col_str(s, 1);
  t.connector_id = sql::col_opt_str(s, 2);
  t.payload = sql::json_from(sql::col_str(s, 3), "tasks.payload");
  t.status = sql::col_str(s, 4);
  t.attempts = static_cast<int>(s.get_int64(5));
  t.next_run_at = sql::col_opt_int(s, 6);
  t.lease_owner = sql::col_opt_str(s, 7);
  t.lease_expires_at = sql::col_opt_int(s, 8);
  if (auto e = sql::col_opt_str(s, 9)) t.last_error = sql::json_from(*e, "tasks.last_error");
  t.created_object_id = sql::col_opt_str(s, 10);
  t.created_at = s.get_int64(11);
  t.updated_at = s.get_int64(12);
  return t;
}

// The lease condition every ending shares: still running, and held by `owner` (empty = anyone).
constexpr const char* kHeld = " WHERE id = ? AND status = 'PROCESSING' AND (? = '' OR lease_owner = ?)";

void bind_held(db::Statement& s, int first, std::string_view id, std::string_view owner) {
  sql::bind_str(s, first, id);
  sql::bind_str(s, first + 1, owner);
  sql::bind_str(s, first + 2, owner);
}

// Several nodes lease from one PostgreSQL table: a row another node is claiming is passed over,
// not waited for (and not claimed twice). SQLite's write lock already serialises the claim.
std::string skip_locked(Tx& tx) { return db::Dialect{tx.backend()}.skip_locked(); }

}  // namespace

bool enqueue(WriteTx& tx, const TaskRecord& t) {
  int64_t now = tx.now();
  db::Statement& s = tx.prepare(
      "INSERT INTO tasks (id, type, connector_id, payload, status, attempts, next_run_at, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, 'PROCESSING', 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
  s.bind(1, t.id);
  s.bind(2, t.type);
  sql::bind_opt(s, 3, t.connector_id);
  s.bind(4, sql::json_text(t.payload));
  s.bind(5, t.next_run_at.value_or(now));
  s.bind(6, t.created_at ? t.created_at : now);
  s.bind(7, now);
  return s.exec() > 0;
}

std::vector<TaskRecord> lease_due(WriteTx& tx, std::string_view owner, int64_t now, int64_t lease_ms, int limit) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET lease_owner = ?1, lease_expires_at = ?2 + ?3, attempts = attempts + 1, "
                  "updated_at = ?2 WHERE sort_id IN (SELECT sort_id FROM tasks WHERE status = 'PROCESSING' AND "
                  "next_run_at <= ?2 AND (lease_expires_at IS NULL OR lease_expires_at <= ?2) "
                  "ORDER BY next_run_at, sort_id LIMIT ?4") +
      skip_locked(tx) + ") RETURNING " + kColumns);
  sql::bind_str(s, 1, owner);
  s.bind(2, now);
  s.bind(3, lease_ms);
  s.bind(4, limit);
  std::vector<TaskRecord> out;
  while (s.step()) out.push_back(read_row(s));
  // RETURNING does not promise an order.
  std::sort(out.begin(), out.end(), [](const TaskRecord& a, const TaskRecord& b) {
    return std::tie(a.next_run_at, a.created_at, a.id) < std::tie(b.next_run_at, b.created_at, b.id);
  });
  return out;
}

std::vector<DueGroup> due_groups(Tx& tx, int64_t now) {
  db::Statement& s = tx.prepare(
      "SELECT connector_id, MIN(next_run_at), COUNT(*) FROM tasks WHERE status = 'PROCESSING' AND next_run_at <= ?1 "
      "AND (lease_expires_at IS NULL OR lease_expires_at <= ?1) GROUP BY connector_id");
  s.bind(1, now);
  std::vector<DueGroup> out;
  while (s.step()) out.push_back(DueGroup{sql::col_opt_str(s, 0), s.get_int64(1), static_cast<int>(s.get_int64(2))});
  return out;
}

std::vector<TaskRecord> lease_due_of(WriteTx& tx, const std::optional<std::string>& connector_id,
                                     std::string_view owner, int64_t now, int64_t lease_ms, int limit) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET lease_owner = ?1, lease_expires_at = ?2 + ?3, attempts = attempts + 1, "
                  "updated_at = ?2 WHERE sort_id IN (SELECT sort_id FROM tasks WHERE status = 'PROCESSING' AND "
                  "next_run_at <= ?2 AND (lease_expires_at IS NULL OR lease_expires_at <= ?2) AND "
                  "connector_id IS NOT DISTINCT FROM ?5 ORDER BY next_run_at, sort_id LIMIT ?4") +
      skip_locked(tx) + ") RETURNING " + kColumns);
  sql::bind_str(s, 1, owner);
  s.bind(2, now);
  s.bind(3, lease_ms);
  s.bind(4, limit);
  sql::bind_opt(s, 5, connector_id);
  std::vector<TaskRecord> out;
  while (s.step()) out.push_back(read_row(s));
  std::sort(out.begin(), out.end(), [](const TaskRecord& a, const TaskRecord& b) {
    return std::tie(a.next_run_at, a.created_at, a.id) < std::tie(b.next_run_at, b.created_at, b.id);
  });
  return out;
}

bool extend_lease(WriteTx& tx, std::string_view id, std::string_view owner, int64_t now, int64_t lease_ms) {
  db::Statement& s = tx.prepare(std::string("UPDATE tasks SET lease_expires_at = ?, updated_at = ?") + kHeld);
  s.bind(1, now + lease_ms);
  s.bind(2, now);
  bind_held(s, 3, id, owner);
  return s.exec() > 0;
}

bool complete(WriteTx& tx, std::string_view id, std::string_view owner,
              const std::optional<std::string>& created_object_id) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET status = 'SUCCEEDED', created_object_id = ?, next_run_at = NULL, "
                  "lease_owner = NULL, lease_expires_at = NULL, updated_at = ?") +
      kHeld);
  sql::bind_opt(s, 1, created_object_id);
  s.bind(2, tx.now());
  bind_held(s, 3, id, owner);
  return s.exec() > 0;
}

bool fail(WriteTx& tx, std::string_view id, std::string_view owner, const boost::json::value& error) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET status = 'FAILED', last_error = ?, next_run_at = NULL, lease_owner = NULL, "
                  "lease_expires_at = NULL, updated_at = ?") +
      kHeld);
  s.bind(1, sql::json_text(error));
  s.bind(2, tx.now());
  bind_held(s, 3, id, owner);
  return s.exec() > 0;
}

bool retry_at(WriteTx& tx, std::string_view id, std::string_view owner, int64_t next_run_at,
              const boost::json::value& error) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET next_run_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, "
                  "updated_at = ?") +
      kHeld);
  s.bind(1, next_run_at);
  s.bind(2, sql::json_text(error));
  s.bind(3, tx.now());
  bind_held(s, 4, id, owner);
  return s.exec() > 0;
}

bool release(WriteTx& tx, std::string_view id, std::string_view owner, std::optional<int64_t> next_run_at) {
  db::Statement& s = tx.prepare(
      std::string("UPDATE tasks SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, next_run_at = ?, lease_owner = NULL, "
                  "lease_expires_at = NULL, updated_at = ?") +
      kHeld);
  s.bind(1, next_run_at.value_or(tx.now()));
  s.bind(2, tx.now());
  bind_held(s, 3, id, owner);
  return s.exec() > 0;
}

std::pair<int, int> recover_interrupted(WriteTx& tx, int max_attempts,
                                        const std::function<int64_t(int attempts)>& backoff_ms,
                                        std::optional<int64_t> expired_by) {
  // Rows are re-checked by each UPDATE below: on a shared database another node may lease an
  // expired task between this SELECT and the update, and its new lease must stand.
  constexpr const char* kInterrupted =
      " WHERE id = ?1 AND status = 'PROCESSING' AND lease_owner IS NOT NULL AND lease_expires_at <= ?2";
  const int64_t now = tx.now();
  const int64_t cutoff = expired_by.value_or(std::numeric_limits<int64_t>::max());
  std::vector<std::pair<std::string, int>> held;
  {
    db::Statement& s = tx.prepare(
        "SELECT id, attempts FROM tasks WHERE status = 'PROCESSING' AND lease_owner IS NOT NULL AND "
        "lease_expires_at <= ?");
    s.bind(1, cutoff);
    while (s.step()) held.emplace_back(sql::col_str(s, 0), static_cast<int>(s.get_int64(1)));
  }
  int failed = 0, delayed = 0;
  for (auto& [id, attempts] : held) {
    std::string message = (expired_by ? "interrupted: the node running this task stopped (attempt "
                                      : "interrupted: the daemon stopped while this task ran (attempt ") +
                          std::to_string(attempts) + ")";
    boost::json::object error{{"message", message}, {"attempts", attempts}};
    const bool give_up = attempts >= max_attempts;
    if (give_up) error["message"] = message + "; gave up after " + std::to_string(attempts) + " attempts";
    db::Statement& u = tx.prepare(
        give_up ? std::string("UPDATE tasks SET status = 'FAILED', last_error = ?3, next_run_at = NULL, "
                              "lease_owner = NULL, lease_expires_at = NULL, updated_at = ?4") + kInterrupted
                : std::string("UPDATE tasks SET next_run_at = ?5, last_error = ?3, lease_owner = NULL, "
                              "lease_expires_at = NULL, updated_at = ?4") + kInterrupted);
    u.bind(1, id);
    u.bind(2, cutoff);
    u.bind(3, sql::json_text(error));
    u.bind(4, now);
    if (!give_up) u.bind(5, now + backoff_ms(attempts));
    if (u.exec() == 0) continue;
    ++(give_up ? failed : delayed);
  }
  return {failed, delayed};
}

std::optional<TaskRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM tasks WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

std::optional<int64_t> next_due_at(Tx& tx) {
  db::Statement& s = tx.prepare("SELECT MIN(next_run_at) FROM tasks WHERE status = 'PROCESSING'");
  s.step();
  return sql::col_opt_int(s, 0);
}

}  // namespace cx::store::tasks
