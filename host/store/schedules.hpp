// Schedules (periodic fetches per connector) and their instances (one per run), as the v3 API
// shows them under /connectors/{id}/schedules.
#pragma once

#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct ScheduleRecord {
  std::string id;
  std::string connector_id;
  boost::json::value task = boost::json::object{};  ///< what to enqueue at each run (engine-defined)
  int64_t period_ms = 0;
  int64_t next_run_at = 0;  ///< UTC ms
  std::optional<int64_t> paused_at;  ///< UTC ms
  std::optional<std::string> paused_reason;
  int64_t created_at = 0;  ///< UTC ms
};

struct ScheduleInstanceRecord {
  std::string id;
  std::string schedule_id;
  std::string connector_id;
  int64_t created_at = 0;  ///< UTC ms
  int64_t updated_at = 0;  ///< UTC ms
  bool terminated = false;
  std::optional<int64_t> terminated_at;  ///< UTC ms
  std::optional<std::string> error;
};

namespace schedules {
/// Inserts; for a known id replaces task and period_ms only (next run and pause are kept).
/// True when inserted. InvalidReference on unknown connector.
bool upsert(WriteTx& tx, const ScheduleRecord& s);
std::optional<ScheduleRecord> get(Tx& tx, std::string_view id);
/// A connector's schedules, newest first (no filter keys).
Page<ScheduleRecord> list(Tx& tx, std::string_view connector_id, const PageQuery& q);
/// Unpaused schedules with next_run_at <= now, earliest first.
std::vector<ScheduleRecord> due(Tx& tx, int64_t now, int limit);
/// Moves an unpaused schedule's next run from `seen` (what due() returned) to next_run_at (UTC ms);
/// false when it no longer is `seen`: another node fired this run already (a compare-and-set, so
/// each run fires once however many nodes share the database).
bool claim_run(WriteTx& tx, std::string_view id, int64_t seen, int64_t next_run_at);
/// Sets the period of every schedule of a connector (config PATCH of pollingPeriod).
void set_period(WriteTx& tx, std::string_view connector_id, int64_t period_ms);
void pause(WriteTx& tx, std::string_view id, const std::string& reason);
void resume(WriteTx& tx, std::string_view id);
bool remove(WriteTx& tx, std::string_view id);
/// Removes every schedule of one open-banking connection (tasks whose payload names it: the root
/// fetches and the per-account children); returns their ids.
std::vector<std::string> remove_for_connection(WriteTx& tx, std::string_view connector_id, std::string_view connection_id);
}  // namespace schedules

namespace schedule_instances {
/// InvalidReference on unknown schedule.
void insert(WriteTx& tx, const ScheduleInstanceRecord& i);
std::optional<ScheduleInstanceRecord> get(Tx& tx, std::string_view id);
/// Marks the run finished now, with an error when it failed.
void terminate(WriteTx& tx, std::string_view id, const std::optional<std::string>& error);
/// The ids of a schedule's runs not terminated yet (oldest first).
std::vector<std::string> open_ids(Tx& tx, std::string_view schedule_id);
/// A schedule's runs, newest first (no filter keys).
Page<ScheduleInstanceRecord> list(Tx& tx, std::string_view schedule_id, const PageQuery& q);
}  // namespace schedule_instances

}  // namespace cx::store
