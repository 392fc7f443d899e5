// Interval monitoring: every policy created with an `interval` is reconciled by the daemon itself
// once per interval, at now − safety margin for both sides (the margin lets late balance and
// ledger writes for that instant land first). Results go to the same immutable records as
// POST …/reconciliation; a side that cannot be read is logged and retried at the next interval.
#pragma once

#include "host/reconciliation/ledger_side.hpp"
#include "host/store/database.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace cx::api {

class ReconcileMonitor {
 public:
  /// `safety_margin_ms` ≥ 0; `tick_ms`: how often due policies are looked for.
  ReconcileMonitor(store::Database& db, recon::LedgerSide ledger, int64_t safety_margin_ms, int64_t tick_ms = 1000);
  ~ReconcileMonitor();

  /// Starts the background thread (idempotent).
  void start();
  /// Stops and joins it; a reconciliation under way finishes first.
  void stop();

  /// Reconciles every due policy once, on the calling thread; returns how many records it wrote.
  /// A policy is due when neither a record nor an attempt of it is younger than its interval.
  int run_due();

 private:
  store::Database& db_;
  recon::LedgerSide ledger_;
  int64_t margin_ms_;
  int64_t tick_ms_;
  std::map<std::string, int64_t> last_attempt_;  ///< policy → UTC ms (failures too)
  const std::string holder_;                      ///< this monitor's name on the claims it takes
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cx::api
