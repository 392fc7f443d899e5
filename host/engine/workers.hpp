// Worker threads over the durable task queue, and the scheduler that turns due schedules into
// tasks. A task handler returns a TaskOutcome; the pool records it (complete / fail / retry with
// exponential backoff and jitter: 1 s doubling to the cap, Retry-After honoured) and ends the
// task's schedule instance when it finishes.
//
// Discipline (why each rule exists):
// - a schedule never has two runs in flight: a tick that finds its last run still open is skipped
//   and counted (Stats::skipped), so a storm of retries cannot pile up runs of one schedule;
// - the lease of every running task is renewed every lease_ms / 3 while its handler runs, so a
//   slow op never lets another worker lease the same task; a handler sees lease_lost() when the
//   renewal failed and must stop before storing anything;
// - a provider's 429 (an op failing RATE_LIMITED, with its Retry-After) pauses the whole connector:
//   no task of it is leased until the pause ends, and a multi-page run stops between pages, so
//   the connector's other schedules do not keep hitting a provider that asked us to wait; the
//   waiting costs no attempt (the pause is kept in memory: a restart starts without it);
// - workers are shared fairly (weighted by time, as in fair queuing): a free worker takes a due
//   task of the connector whose tasks used the least worker time (a new connector starts level
//   with the least served one; ties go to the one that started a task least recently), never one
//   of a connector already running connector_max_concurrency tasks; so slow connectors cannot
//   hold every worker, a fast connector keeps its period beside them, and a newly installed
//   connector's first fetch starts at the next free worker;
// - a task gets at most max_attempts runs; the count is in the store, and a run a previous process
//   left half-done counts, so a task that crashes the daemon is held back, then failed.
#pragma once

#include "host/store/store.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cx::engine {

struct TaskOutcome {
  /// Deferred: the run stopped early through no fault of its own (its connector was paused); it
  /// does not count as an attempt and the task is due again at defer_until_ms (UTC ms).
  enum class Kind { Succeeded, Failed, Retry, Deferred };
  Kind kind = Kind::Succeeded;
  boost::json::value error;           ///< {"message", …} for Failed / Retry
  int64_t retry_after_ms = 0;         ///< Retry: at least this long before the next run
  std::optional<std::string> created_object_id;
  int64_t defer_until_ms = 0;         ///< Deferred: UTC ms

  static TaskOutcome ok(std::optional<std::string> created = std::nullopt) {
    return {Kind::Succeeded, nullptr, 0, std::move(created)};
  }
  static TaskOutcome failed(boost::json::value e) { return {Kind::Failed, std::move(e), 0, std::nullopt}; }
  static TaskOutcome retry(boost::json::value e, int64_t after_ms = 0) { return {Kind::Retry, std::move(e), after_ms, std::nullopt}; }
  static TaskOutcome deferred(int64_t until_ms) { return {Kind::Deferred, nullptr, 0, std::nullopt, until_ms}; }
};

struct WorkerOptions {
  int workers = 4;
  int64_t lease_ms = 60000;
  int64_t max_backoff_ms = 100000;
  int64_t idle_poll_ms = 200;  ///< longest sleep between queue checks
  int max_attempts = 10;       ///< runs per task before it is FAILED for good
  /// Tasks of one connector running at once; 0: max(1, workers / 4).
  int connector_max_concurrency = 0;
  /// Received webhook bodies older than this are deleted (checked at start, then hourly).
  int64_t webhook_retention_ms = 7LL * 24 * 3600 * 1000;
  /// The node this pool runs on; its leases are held as "<node_id>/<random>" (one process).
  std::string node_id = "worker";
};

class WorkerPool {
 public:
  using Handler = std::function<TaskOutcome(const store::TaskRecord&)>;
  struct Stats {
    int64_t succeeded = 0, failed = 0, retried = 0, running = 0;
    int64_t skipped = 0;  ///< schedule ticks skipped because the schedule's last run was in flight
  };

  WorkerPool(store::Database& db, WorkerOptions options, Handler handler);
  ~WorkerPool();

  /// How log lines name a connector (e.g. `connector "acme" (generic)`), from its id; set before
  /// start(). Without one, the id is used.
  void set_connector_labels(std::function<std::string(const std::string& connector_id)> label) {
    label_ = std::move(label);
  }
  void start();
  /// Stops leasing; running handlers see stopping() and should end soon; joins every thread.
  void stop();
  bool stopping() const { return stopping_; }
  /// Wakes the workers (a task was just enqueued).
  void notify() const;
  /// This process's lease owner id.
  const std::string& owner() const { return owner_; }
  Stats stats() const;
  /// True when this pool could not renew the lease of running task `task_id`: another worker may
  /// run it now, so its handler must stop without storing more.
  bool lease_lost(const std::string& task_id) const;
  /// Backoff before the next run of a task interrupted after `attempts` runs (used at start).
  int64_t backoff_for(int attempts) const;
  const WorkerOptions& options() const { return options_; }
  /// The effective per-connector cap (connector_max_concurrency resolved).
  int connector_cap() const;
  /// Pauses every task of a connector until until_ms (UTC ms; a later pause wins).
  void pause_connector(const std::string& connector_id, int64_t until_ms);
  /// The end of a connector's pause (UTC ms) when it is paused at now_ms, else nullopt.
  std::optional<int64_t> paused_until(const std::string& connector_id, int64_t now_ms) const;

 private:
  /// Leases the next task fairly (see the discipline above) and counts it as running, or nullopt.
  std::optional<store::TaskRecord> lease_next();
  /// Ends the bookkeeping lease_next started.
  void done_running(const store::TaskRecord& t);
  void work_loop();
  void schedule_loop();
  void renew_loop();
  /// True when the schedule's last run is still in flight; closes runs whose task is gone.
  bool run_in_flight(store::WriteTx& tx, const store::ScheduleRecord& s);
  void finish(const store::TaskRecord& t, const TaskOutcome& o);
  /// Returns freed heap to the OS, at most every kTrimIntervalMs, and once when work stops (then
  /// also the store's page caches).
  void release_free_heap(bool idle);

  /// The log name of a task's connector ("task" when it has none).
  std::string who(const std::optional<std::string>& connector_id) const;

  store::Database& db_;
  std::function<std::string(const std::string&)> label_;
  WorkerOptions options_;
  Handler handler_;
  std::string owner_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> succeeded_{0}, failed_{0}, retried_{0}, running_{0}, skipped_{0};
  mutable std::mutex flight_mu_;
  std::map<std::string, bool> in_flight_;  ///< running task id → lease lost
  /// Per connector ("" for tasks of none): tasks running, worker time its tasks used (ms), when
  /// it last started one (a sequence number: smaller started longer ago) and the end of its
  /// pause (UTC ms).
  struct Share {
    int running = 0;
    int64_t used_ms = 0;
    uint64_t last_started = 0;
    int64_t paused_until = 0;
  };
  /// The share of a connector, created level with the least served one. flight_mu_ held.
  Share& share_locked(const std::string& key);
  int64_t least_used_locked() const;
  std::map<std::string, Share> shares_;  ///< guarded by flight_mu_
  std::map<std::string, int64_t> started_at_;  ///< running task id → steady ms; guarded by flight_mu_
  uint64_t start_seq_ = 0;               ///< guarded by flight_mu_
  std::mutex lease_mu_;                  ///< one lease decision at a time, so caps hold
  std::atomic<int64_t> last_trim_ms_{0};
  std::atomic<bool> trimmed_since_work_{true};
};

/// Backoff before attempt n+1 (n ≥ 1): 1 s · 2^(n-1) capped at cap_ms, times a jitter in
/// [0.8, 1.2], and never less than retry_after_ms.
int64_t backoff_ms(int attempts, int64_t cap_ms, int64_t retry_after_ms);

/// The id of the task a schedule run enqueues (derived from the schedule's task reference and the
/// run's instance id, so the scheduler can find a run's task again).
std::string schedule_task_id(const store::ScheduleRecord& s, const std::string& instance_id);

}  // namespace cx::engine
