#include "host/engine/workers.hpp"

#include "host/plugin/faults.hpp"

#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"
#include "host/util/log.hpp"

#include <botan/system_rng.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace cx::engine {

namespace {
double unit_random() {
  uint32_t r;
  Botan::system_rng().randomize(reinterpret_cast<uint8_t*>(&r), sizeof r);
  return r / 4294967296.0;
}

std::optional<std::string> schedule_instance_of(const store::TaskRecord& t) {
  if (!t.payload.is_object()) return std::nullopt;
  auto* v = t.payload.get_object().if_contains("scheduleInstanceID");
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string message_of(const boost::json::value& e) {
  if (e.is_object())
    if (auto* m = e.get_object().if_contains("message"); m && m->is_string()) return std::string(m->get_string());
  return boost::json::serialize(e);
}
}  // namespace

namespace {
// Tasks handle large transient payloads (a webhook delivery of thousands of rows, a fetched
// page): glibc keeps what each thread freed in that thread's arena, tens of MiB each after a
// burst, so a process on glibc malloc would stay at its peak. Trimming returns it; it walks the
// heap, so it runs at most this often while tasks keep coming, and once when the queue drains.
// (connectivityd itself runs on jemalloc, which returns freed pages on its own: there the trim
// finds nothing to do.)
constexpr int64_t kTrimIntervalMs = 2000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void WorkerPool::release_free_heap(bool idle) {
  if (idle ? trimmed_since_work_.exchange(true) : false) return;
  int64_t now = steady_ms(), last = last_trim_ms_.load();
  if (!idle && (now - last < kTrimIntervalMs || !last_trim_ms_.compare_exchange_strong(last, now))) return;
  last_trim_ms_ = now;
  if (idle) db_.release_memory();  // the writer's cache is worth keeping while work goes on
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

int64_t backoff_ms(int attempts, int64_t cap_ms, int64_t retry_after_ms) {
  double base = 1000.0 * std::pow(2.0, std::max(0, attempts - 1));
  double capped = std::min(base, static_cast<double>(cap_ms));
  auto jittered = static_cast<int64_t>(capped * (0.8 + 0.4 * unit_random()));
  return std::max(jittered, retry_after_ms);
}

WorkerPool::WorkerPool(store::Database& db, WorkerOptions options, Handler handler)
    : db_(db), options_(options), handler_(std::move(handler)), owner_("worker-" + util::uuid_v4()) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  stopping_ = false;
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { work_loop(); });
  threads_.emplace_back([this] { schedule_loop(); });
}

void WorkerPool::stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::notify() const { cv_.notify_all(); }

WorkerPool::Stats WorkerPool::stats() const { return Stats{succeeded_, failed_, retried_, running_}; }

void WorkerPool::work_loop() {
  while (!stopping_) {
    std::vector<store::TaskRecord> leased;
    try {
      leased = db_.write([&](store::WriteTx& tx) {
        return store::tasks::lease_due(tx, owner_, tx.now(), options_.lease_ms, 1);
      });
    } catch (const std::exception& e) {
      util::log().error("task queue: lease failed: {}", e.what());
    }
    if (leased.empty()) {
      release_free_heap(/*idle=*/true);
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.idle_poll_ms), [&] { return stopping_.load(); });
      continue;
    }
    for (auto& t : leased) {
      ++running_;
      TaskOutcome o;
      try {
        o = handler_(t);
      } catch (const std::exception& e) {
        o = TaskOutcome::failed(boost::json::object{{"message", e.what()}});
      }
      --running_;
      try {
        finish(t, o);
      } catch (const std::exception& e) {
        util::log().error("task {}: recording its outcome failed: {}", t.id, e.what());
      }
      trimmed_since_work_ = false;
      release_free_heap(/*idle=*/false);
    }
  }
}

void WorkerPool::finish(const store::TaskRecord& t, const TaskOutcome& o) {
  auto instance = schedule_instance_of(t);
  db_.write([&](store::WriteTx& tx) {
    switch (o.kind) {
      case TaskOutcome::Kind::Succeeded:
        store::tasks::complete(tx, t.id, owner_, o.created_object_id);
        if (instance) store::schedule_instances::terminate(tx, *instance, std::nullopt);
        break;
      case TaskOutcome::Kind::Failed:
        store::tasks::fail(tx, t.id, owner_, o.error);
        if (instance) store::schedule_instances::terminate(tx, *instance, message_of(o.error));
        break;
      case TaskOutcome::Kind::Retry:
        store::tasks::retry_at(tx, t.id, owner_,
                               tx.now() + (stopping_ ? 0 : backoff_ms(t.attempts, options_.max_backoff_ms, o.retry_after_ms)),
                               o.error);
        break;
    }
  });
  switch (o.kind) {
    case TaskOutcome::Kind::Succeeded: ++succeeded_; break;
    case TaskOutcome::Kind::Failed:
      ++failed_;
      util::log().warn("task {} ({}) failed: {}", t.type, t.id, message_of(o.error));
      break;
    case TaskOutcome::Kind::Retry:
      ++retried_;
      if (!stopping_) util::log().info("task {} ({}) will retry: {}", t.type, t.id, message_of(o.error));
      break;
  }
}

void WorkerPool::schedule_loop() {
  constexpr int64_t kPruneEveryMs = 3600 * 1000;
  int64_t next_prune_at = 0;
  while (!stopping_) {
    try {
      // Received webhook bodies are sealed under the connector's key, not a PSU's, so deleting
      // a PSU cannot shred them: they are kept for the retention period only.
      if (int64_t now = util::now_ms(); now >= next_prune_at) {
        next_prune_at = now + kPruneEveryMs;
        int n = db_.write([&](store::WriteTx& tx) {
          return store::received_webhooks::remove_older_than(tx, tx.now() - options_.webhook_retention_ms);
        });
        if (n > 0) util::log().info("deleted {} received webhooks older than the retention period", n);
      }
      auto due = db_.read([](store::ReadTx& tx) { return store::schedules::due(tx, tx.now(), 50); });
      for (auto& s : due) {
        db_.write([&](store::WriteTx& tx) {
          int64_t now = tx.now();
          if (plugin::FaultBook::get().quarantined(s.connector_id)) {  // paused: no run until lifted
            store::schedules::set_next_run(tx, s.id, now + std::min<int64_t>(s.period_ms, 60000));
            return;
          }
          std::string instance_id = util::uuid_v4();
          store::schedule_instances::insert(tx, store::ScheduleInstanceRecord{instance_id, s.id, s.connector_id, now, now,
                                                                               false, std::nullopt, std::nullopt});
          const auto& spec = s.task.as_object();
          store::TaskRecord t;
          auto connector = ids::decode_connector_id(s.connector_id);
          std::string reference = std::string(spec.at("reference").as_string()) + "-" + instance_id;
          t.id = connector ? ids::encode(ids::ScopedID{*connector, reference}) : reference;
          t.type = std::string(spec.at("type").as_string());
          t.connector_id = s.connector_id;
          auto payload = spec.at("payload").as_object();
          payload["scheduleInstanceID"] = instance_id;
          t.payload = payload;
          store::tasks::enqueue(tx, t);
          int64_t jitter_cap = std::min<int64_t>(s.period_ms / 2, 5 * 60 * 1000);
          store::schedules::set_next_run(tx, s.id, now + s.period_ms + static_cast<int64_t>(jitter_cap * unit_random()));
        });
      }
      if (!due.empty()) notify();
    } catch (const std::exception& e) {
      util::log().error("scheduler: {}", e.what());
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_.load(); });
  }
}

}  // namespace cx::engine
