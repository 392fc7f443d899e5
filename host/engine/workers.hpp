// Worker threads over the durable task queue, and the scheduler that turns due schedules into
// tasks. A task handler returns a TaskOutcome; the pool records it (complete / fail / retry with
// exponential backoff and jitter: 1 s doubling to the cap, Retry-After honoured) and ends the
// task's schedule instance when it finishes.
#pragma once

#include "host/store/store.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cx::engine {

struct TaskOutcome {
  enum class Kind { Succeeded, Failed, Retry };
  Kind kind = Kind::Succeeded;
  boost::json::value error;           ///< {"message", …} for Failed / Retry
  int64_t retry_after_ms = 0;         ///< Retry: at least this long before the next run
  std::optional<std::string> created_object_id;

  static TaskOutcome ok(std::optional<std::string> created = std::nullopt) {
    return {Kind::Succeeded, nullptr, 0, std::move(created)};
  }
  static TaskOutcome failed(boost::json::value e) { return {Kind::Failed, std::move(e), 0, std::nullopt}; }
  static TaskOutcome retry(boost::json::value e, int64_t after_ms = 0) { return {Kind::Retry, std::move(e), after_ms, std::nullopt}; }
};

struct WorkerOptions {
  int workers = 4;
  int64_t lease_ms = 60000;
  int64_t max_backoff_ms = 100000;
  int64_t idle_poll_ms = 200;  ///< longest sleep between queue checks
  /// Received webhook bodies older than this are deleted (checked at start, then hourly).
  int64_t webhook_retention_ms = 7LL * 24 * 3600 * 1000;
};

class WorkerPool {
 public:
  using Handler = std::function<TaskOutcome(const store::TaskRecord&)>;
  struct Stats {
    int64_t succeeded = 0, failed = 0, retried = 0, running = 0;
  };

  WorkerPool(store::Database& db, WorkerOptions options, Handler handler);
  ~WorkerPool();

  void start();
  /// Stops leasing; running handlers see stopping() and should end soon; joins every thread.
  void stop();
  bool stopping() const { return stopping_; }
  /// Wakes the workers (a task was just enqueued).
  void notify() const;
  /// This process's lease owner id.
  const std::string& owner() const { return owner_; }
  Stats stats() const;

 private:
  void work_loop();
  void schedule_loop();
  void finish(const store::TaskRecord& t, const TaskOutcome& o);
  /// Returns freed heap to the OS, at most every kTrimIntervalMs, and once when work stops (then
  /// also the store's page caches).
  void release_free_heap(bool idle);

  store::Database& db_;
  WorkerOptions options_;
  Handler handler_;
  std::string owner_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> succeeded_{0}, failed_{0}, retried_{0}, running_{0};
  std::atomic<int64_t> last_trim_ms_{0};
  std::atomic<bool> trimmed_since_work_{true};
};

/// Backoff before attempt n+1 (n ≥ 1): 1 s · 2^(n-1) capped at cap_ms, times a jitter in
/// [0.8, 1.2], and never less than retry_after_ms.
int64_t backoff_ms(int attempts, int64_t cap_ms, int64_t retry_after_ms);

}  // namespace cx::engine
