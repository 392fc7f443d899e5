// The durable task queue. A task is PROCESSING until it SUCCEEDED or FAILED; while PROCESSING it
// is due when next_run_at <= now and no live lease holds it. A worker leases due tasks
// (lease_due), runs them and ends each with complete / fail / retry_at. A lease that expires
// (worker died) makes the task due again, so a restart resumes everything.
// Payload and errors are clear JSON: put ids in them, never personal data or secrets.
#pragma once

#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <utility>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

namespace task_status {
inline constexpr const char* kProcessing = "PROCESSING";
inline constexpr const char* kSucceeded = "SUCCEEDED";
inline constexpr const char* kFailed = "FAILED";
}  // namespace task_status

struct TaskRecord {
  std::string id;  ///< encoded TaskID, from the caller
  std::string type;  ///< engine-defined ("INSTALL", "FETCH_PAYMENTS", "DELETE_PSU", …)
  std::optional<std::string> connector_id;  ///< no foreign key: a task outlives its connector
  boost::json::value payload = boost::json::object{};
  std::string status = task_status::kProcessing;
  int attempts = 0;                        ///< leases taken so far
  std::optional<int64_t> next_run_at;      ///< UTC ms; null once finished
  std::optional<std::string> lease_owner;
  std::optional<int64_t> lease_expires_at; ///< UTC ms
  std::optional<boost::json::value> last_error;
  std::optional<std::string> created_object_id;
  int64_t created_at = 0;  ///< UTC ms (0 = now)
  int64_t updated_at = 0;  ///< UTC ms
};

namespace tasks {
/// Adds a PROCESSING task, due at next_run_at (default now). False, and nothing changes, when
/// the id exists (so enqueueing the same logical task twice is harmless).
bool enqueue(WriteTx& tx, const TaskRecord& t);
/// Atomically leases up to `limit` due tasks (next_run_at <= now, no lease or an expired one),
/// oldest due first: sets lease_owner, lease_expires_at = now + lease_ms, attempts += 1.
std::vector<TaskRecord> lease_due(WriteTx& tx, std::string_view owner, int64_t now, int64_t lease_ms, int limit);
/// One group of due, unleased tasks: those of one connector (nullopt: tasks of no connector).
struct DueGroup {
  std::optional<std::string> connector_id;
  int64_t oldest_due_at = 0;  ///< UTC ms, the smallest next_run_at of the group
  int count = 0;
};
/// The due, unleased tasks grouped by connector (a fair scheduler picks the group, then the task).
std::vector<DueGroup> due_groups(Tx& tx, int64_t now);
/// lease_due restricted to the tasks of one connector (nullopt: tasks of no connector).
std::vector<TaskRecord> lease_due_of(WriteTx& tx, const std::optional<std::string>& connector_id,
                                     std::string_view owner, int64_t now, int64_t lease_ms, int limit);
/// Pushes the lease of a long task to now + lease_ms. False when `owner` lost the lease.
bool extend_lease(WriteTx& tx, std::string_view id, std::string_view owner, int64_t now, int64_t lease_ms);
/// The functions below end the current run. `owner` must hold the lease (an empty owner skips the
/// check, for tasks run inline); false when it does not, or the task is not PROCESSING.
/// SUCCEEDED, with the object it created (e.g. a connector id).
bool complete(WriteTx& tx, std::string_view id, std::string_view owner,
              const std::optional<std::string>& created_object_id = std::nullopt);
/// FAILED for good, with the error JSON ({"message": …}).
bool fail(WriteTx& tx, std::string_view id, std::string_view owner, const boost::json::value& error);
/// Stays PROCESSING, lease dropped, due again at next_run_at (UTC ms), error recorded.
bool retry_at(WriteTx& tx, std::string_view id, std::string_view owner, int64_t next_run_at,
              const boost::json::value& error);
/// Drops the lease without counting the run as an attempt (attempts -= 1) and makes the task
/// due at next_run_at (UTC ms; default now): the daemon is stopping, or the task's connector is
/// quarantined, and the run ended early through no fault of the task.
bool release(WriteTx& tx, std::string_view id, std::string_view owner,
             std::optional<int64_t> next_run_at = std::nullopt);
/// For the tasks whose lease a stopped process still held (it stopped uncleanly while they ran,
/// possibly because of them): each whose attempts reached max_attempts becomes FAILED; every other
/// one stays held back until now + backoff(attempts) (UTC ms), so a task that crashes its daemon
/// does not run again at once. expired_by unset (SQLite, at start: the data directory's lock says
/// no other process runs): every held lease. Set (a shared database, periodically): only leases
/// that expired by then, whose node stopped renewing them. Returns {failed, delayed}.
std::pair<int, int> recover_interrupted(WriteTx& tx, int max_attempts,
                                        const std::function<int64_t(int attempts)>& backoff_ms,
                                        std::optional<int64_t> expired_by = std::nullopt);
std::optional<TaskRecord> get(Tx& tx, std::string_view id);
/// The earliest next_run_at among PROCESSING tasks (a worker's sleep bound), or nullopt.
std::optional<int64_t> next_due_at(Tx& tx);
}  // namespace tasks

}  // namespace cx::store
