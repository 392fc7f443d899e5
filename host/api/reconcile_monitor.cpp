#include "host/api/reconcile_monitor.hpp"

#include "host/api/reconcile_service.hpp"
#include "host/store/nodes.hpp"
#include "host/store/reconciliations.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <algorithm>

namespace cx::api {

ReconcileMonitor::ReconcileMonitor(store::Database& db, recon::LedgerSide ledger, int64_t safety_margin_ms,
                                   int64_t tick_ms)
    : db_(db), ledger_(std::move(ledger)), margin_ms_(std::max<int64_t>(safety_margin_ms, 0)),
      tick_ms_(std::max<int64_t>(tick_ms, 10)), holder_("reconcile-monitor/" + util::uuid_v4()) {}

ReconcileMonitor::~ReconcileMonitor() { stop(); }

void ReconcileMonitor::start() {
  std::lock_guard lock(m_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(m_);
    while (!stopping_) {
      lock.unlock();
      try {
        run_due();
      } catch (const std::exception& e) {
        util::log().error("reconciliation monitor: {}", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(tick_ms_), [this] { return stopping_; });
    }
  });
}

void ReconcileMonitor::stop() {
  {
    std::lock_guard lock(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int ReconcileMonitor::run_due() {
  auto policies = db_.read([](store::ReadTx& tx) { return store::policies::with_interval(tx); });
  int written = 0;
  for (const auto& p : policies) {
    const int64_t now = db_.now();
    auto last = db_.read([&](store::ReadTx& tx) { return store::reconciliations::last_created_at(tx, p.id); });
    if (auto it = last_attempt_.find(p.id); it != last_attempt_.end()) last = std::max(last.value_or(0), it->second);
    if (last && now - *last < *p.interval_ms) continue;
    last_attempt_[p.id] = now;
    // Nodes sharing the database: the one that takes the period's claim reconciles.
    if (!db_.write([&](store::WriteTx& tx) {
          return store::claims::take(tx, "reconcile/" + p.id, holder_, now, now + *p.interval_ms);
        }))
      continue;
    const int64_t at = now - margin_ms_;
    try {
      auto rec = reconcile_policy(db_, ledger_, p, at, at);
      ++written;
      if (rec.status != "OK")
        util::log().warn("reconciliation {} of policy {} ({}): {}", rec.id, p.id, p.name, rec.error);
    } catch (const std::exception& e) {
      util::log().warn("scheduled reconciliation of policy {} ({}) failed: {}", p.id, p.name, e.what());
    }
  }
  // Forget deleted policies.
  std::erase_if(last_attempt_, [&](const auto& kv) {
    return std::none_of(policies.begin(), policies.end(), [&](const auto& p) { return p.id == kv.first; });
  });
  return written;
}

}  // namespace cx::api
