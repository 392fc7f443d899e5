#include "host/store/schedules.hpp"

#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

namespace cx::store {

namespace schedules {
namespace {

constexpr const char* kColumns =
    "id, connector_id, task, period_ms, next_run_at, paused_at, paused_reason, created_at";

ScheduleRecord read_row(db::Statement& s) {
  ScheduleRecord r;
  r.id = sql::col_str(s, 0);
  r.connector_id = sql::col_str(s, 1);
  r.task = sql::json_from(sql::col_str(s, 2), "schedules.task");
  r.period_ms = s.get_int64(3);
  r.next_run_at = s.get_int64(4);
  r.paused_at = sql::col_opt_int(s, 5);
  r.paused_reason = sql::col_opt_str(s, 6);
  r.created_at = s.get_int64(7);
  return r;
}

void must_change(db::Statement& s, std::string_view id) {
  if (s.exec() == 0) throw NotFound("schedule " + std::string(id) + " not found");
}

}  // namespace

bool upsert(WriteTx& tx, const ScheduleRecord& r) {
  db::Statement& exists = tx.prepare("SELECT 1 FROM schedules WHERE id = ?");
  exists.bind(1, r.id);
  bool known = exists.step();
  if (known) {
    db::Statement& u = tx.prepare("UPDATE schedules SET task = ?, period_ms = ? WHERE id = ?");
    u.bind(1, sql::json_text(r.task));
    u.bind(2, r.period_ms);
    u.bind(3, r.id);
    u.exec();
    return false;
  }
  db::Statement& s = tx.prepare(std::string("INSERT INTO schedules (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id);
  s.bind(2, r.connector_id);
  s.bind(3, sql::json_text(r.task));
  s.bind(4, r.period_ms);
  s.bind(5, r.next_run_at);
  sql::bind_opt(s, 6, r.paused_at);
  sql::bind_opt(s, 7, r.paused_reason);
  s.bind(8, r.created_at ? r.created_at : tx.now());
  s.exec();
  return true;
}

std::optional<ScheduleRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM schedules WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

Page<ScheduleRecord> list(Tx& tx, std::string_view connector_id, const PageQuery& q) {
  return list_page<ScheduleRecord>(tx, {kColumns, "schedules", "connector_id = ?", {std::string(connector_id)}},
                                   filter_specs::none("schedules"), q, read_row);
}

std::vector<ScheduleRecord> due(Tx& tx, int64_t now, int limit) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM schedules WHERE paused_at IS NULL AND next_run_at <= ? "
                                    "ORDER BY next_run_at, sort_id LIMIT ?");
  s.bind(1, now);
  s.bind(2, limit);
  std::vector<ScheduleRecord> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

bool claim_run(WriteTx& tx, std::string_view id, int64_t seen, int64_t next_run_at) {
  db::Statement& s =
      tx.prepare("UPDATE schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ? AND paused_at IS NULL");
  s.bind(1, next_run_at);
  sql::bind_str(s, 2, id);
  s.bind(3, seen);
  return s.exec() > 0;
}

void set_period(WriteTx& tx, std::string_view connector_id, int64_t period_ms) {
  db::Statement& s = tx.prepare("UPDATE schedules SET period_ms = ? WHERE connector_id = ?");
  s.bind(1, period_ms);
  sql::bind_str(s, 2, connector_id);
  s.exec();
}

void pause(WriteTx& tx, std::string_view id, const std::string& reason) {
  db::Statement& s = tx.prepare("UPDATE schedules SET paused_at = ?, paused_reason = ? WHERE id = ?");
  s.bind(1, tx.now());
  s.bind(2, reason);
  sql::bind_str(s, 3, id);
  must_change(s, id);
}

void resume(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("UPDATE schedules SET paused_at = NULL, paused_reason = NULL WHERE id = ?");
  sql::bind_str(s, 1, id);
  must_change(s, id);
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM schedules WHERE id = ?");
  sql::bind_str(s, 1, id);
  return s.exec() > 0;
}

std::vector<std::string> remove_for_connection(WriteTx& tx, std::string_view connector_id, std::string_view connection_id) {
  // The task is JSON text: its connection is read with each engine's JSON path syntax.
  const bool pg = tx.backend() == db::Backend::postgres;
  db::Statement& s = tx.prepare(
      pg ? "DELETE FROM schedules WHERE connector_id = ? AND task::jsonb #>> '{payload,connectionID}' = ? RETURNING id"
         : "DELETE FROM schedules WHERE connector_id = ? AND json_extract(task, '$.payload.connectionID') = ? RETURNING id");
  sql::bind_str(s, 1, connector_id);
  sql::bind_str(s, 2, connection_id);
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(sql::col_str(s, 0));
  return ids;
}

}  // namespace schedules

namespace schedule_instances {
namespace {

constexpr const char* kColumns =
    "id, schedule_id, connector_id, created_at, updated_at, terminated, terminated_at, error";

ScheduleInstanceRecord read_row(db::Statement& s) {
  ScheduleInstanceRecord r;
  r.id = sql::col_str(s, 0);
  r.schedule_id = sql::col_str(s, 1);
  r.connector_id = sql::col_str(s, 2);
  r.created_at = s.get_int64(3);
  r.updated_at = s.get_int64(4);
  r.terminated = s.get_int64(5) != 0;
  r.terminated_at = sql::col_opt_int(s, 6);
  r.error = sql::col_opt_str(s, 7);
  return r;
}

}  // namespace

void insert(WriteTx& tx, const ScheduleInstanceRecord& r) {
  int64_t now = tx.now();
  db::Statement& s = tx.prepare(std::string("INSERT INTO schedule_instances (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id);
  s.bind(2, r.schedule_id);
  s.bind(3, r.connector_id);
  s.bind(4, r.created_at ? r.created_at : now);
  s.bind(5, r.updated_at ? r.updated_at : now);
  s.bind(6, r.terminated ? 1 : 0);
  sql::bind_opt(s, 7, r.terminated_at);
  sql::bind_opt(s, 8, r.error);
  s.exec();
}

std::optional<ScheduleInstanceRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM schedule_instances WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

void terminate(WriteTx& tx, std::string_view id, const std::optional<std::string>& error) {
  int64_t now = tx.now();
  db::Statement& s = tx.prepare(
      "UPDATE schedule_instances SET terminated = 1, terminated_at = ?, updated_at = ?, error = ? WHERE id = ?");
  s.bind(1, now);
  s.bind(2, now);
  sql::bind_opt(s, 3, error);
  sql::bind_str(s, 4, id);
  if (s.exec() == 0) throw NotFound("schedule instance " + std::string(id) + " not found");
}

std::vector<std::string> open_ids(Tx& tx, std::string_view schedule_id) {
  db::Statement& s = tx.prepare(
      "SELECT id FROM schedule_instances WHERE schedule_id = ? AND terminated = 0 ORDER BY sort_id");
  sql::bind_str(s, 1, schedule_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(sql::col_str(s, 0));
  return out;
}

Page<ScheduleInstanceRecord> list(Tx& tx, std::string_view schedule_id, const PageQuery& q) {
  return list_page<ScheduleInstanceRecord>(
      tx, {kColumns, "schedule_instances", "schedule_id = ?", {std::string(schedule_id)}},
      filter_specs::none("schedule instances"), q, read_row);
}

}  // namespace schedule_instances
}  // namespace cx::store
