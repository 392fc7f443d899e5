#include "host/engine/workers.hpp"

#include "host/plugin/faults.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"
#include "host/util/log.hpp"

#include <connectivity/abi.h>

#include <botan/system_rng.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>

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

/// True when a retry's error is the plugin's CX_ERR_RATE_LIMITED (the error JSON's "code").
bool rate_limited(const boost::json::value& e) {
  if (!e.is_object()) return false;
  auto* c = e.get_object().if_contains("code");
  return c && c->is_int64() && c->get_int64() == CX_ERR_RATE_LIMITED;
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
// Connectors whose turn the pool remembers before it forgets the idle ones.
constexpr size_t kMaxShares = 4096;

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
    : db_(db), options_(options), handler_(std::move(handler)), owner_(options_.node_id + "/" + util::uuid_v4().substr(0, 8)) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  stopping_ = false;
  for (int i = 0; i < std::max(1, options_.workers); ++i) threads_.emplace_back([this] { work_loop(); });
  threads_.emplace_back([this] { schedule_loop(); });
  threads_.emplace_back([this] { renew_loop(); });
}

void WorkerPool::stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::notify() const { cv_.notify_all(); }

WorkerPool::Stats WorkerPool::stats() const { return Stats{succeeded_, failed_, retried_, running_, skipped_}; }

int64_t WorkerPool::backoff_for(int attempts) const { return backoff_ms(attempts, options_.max_backoff_ms, 0); }

bool WorkerPool::lease_lost(const std::string& task_id) const {
  std::lock_guard lock(flight_mu_);
  auto it = in_flight_.find(task_id);
  return it != in_flight_.end() && it->second;
}

void WorkerPool::renew_loop() {
  const int64_t every = std::max<int64_t>(50, options_.lease_ms / 3);
  int64_t next = steady_ms() + every;
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, next - steady_ms())),
                   [&] { return stopping_.load(); });
    }
    if (stopping_) break;
    if (steady_ms() < next) continue;  // woken early by notify()
    next = steady_ms() + every;
    std::vector<std::string> ids;
    {
      std::lock_guard lock(flight_mu_);
      for (auto& [id, lost] : in_flight_)
        if (!lost) ids.push_back(id);
    }
    for (auto& id : ids) {
      bool held = true;
      try {
        held = db_.write([&](store::WriteTx& tx) {
          return store::tasks::extend_lease(tx, id, owner_, tx.now(), options_.lease_ms);
        });
      } catch (const std::exception& e) {
        util::log().error("task {}: renewing its lease failed: {}", id, e.what());
        continue;  // the lease still has two thirds of its time: the next round may succeed
      }
      std::lock_guard lock(flight_mu_);
      auto it = in_flight_.find(id);
      if (it == in_flight_.end() || held) continue;
      it->second = true;
      util::log().error("task {}: lease lost while it ran; its run stops before storing more", id);
    }
  }
}

std::string WorkerPool::who(const std::optional<std::string>& connector_id) const {
  if (!connector_id) return "(no connector)";
  if (label_) {
    try {
      return label_(*connector_id);
    } catch (const std::exception&) {
    }
  }
  return "connector " + *connector_id;
}

int WorkerPool::connector_cap() const {
  return options_.connector_max_concurrency > 0 ? options_.connector_max_concurrency
                                                : std::max(1, std::max(1, options_.workers) / 4);
}

void WorkerPool::pause_connector(const std::string& connector_id, int64_t until_ms) {
  std::lock_guard lock(flight_mu_);
  auto& share = share_locked(connector_id);
  share.paused_until = std::max(share.paused_until, until_ms);
}

std::optional<int64_t> WorkerPool::paused_until(const std::string& connector_id, int64_t now_ms) const {
  std::lock_guard lock(flight_mu_);
  auto it = shares_.find(connector_id);
  if (it == shares_.end() || it->second.paused_until <= now_ms) return std::nullopt;
  return it->second.paused_until;
}

WorkerPool::Share& WorkerPool::share_locked(const std::string& key) {
  auto it = shares_.find(key);
  if (it != shares_.end()) return it->second;
  // A connector new to the pool starts level with the least served one: first in line, without
  // a credit that would let it hold the workers for long.
  Share s;
  s.used_ms = least_used_locked();
  return shares_.emplace(key, s).first->second;
}

int64_t WorkerPool::least_used_locked() const {
  int64_t least = -1;
  for (auto& [k, s] : shares_)
    if (least < 0 || s.used_ms < least) least = s.used_ms;
  return std::max<int64_t>(0, least);
}

std::optional<store::TaskRecord> WorkerPool::lease_next() {
  std::lock_guard serial(lease_mu_);
  const int cap = connector_cap();
  auto leased = db_.write([&](store::WriteTx& tx) -> std::optional<store::TaskRecord> {
    const int64_t now = tx.now();
    auto groups = store::tasks::due_groups(tx, now);
    const store::tasks::DueGroup* best = nullptr;
    std::tuple<int64_t, uint64_t, int64_t> best_key;
    {
      std::lock_guard lock(flight_mu_);
      const int64_t least = least_used_locked();
      for (auto& g : groups) {
        auto it = shares_.find(g.connector_id.value_or(""));
        const Share* share = it == shares_.end() ? nullptr : &it->second;
        if (share && (share->running >= cap || share->paused_until > now)) continue;
        // Quarantined: paused, not failing, so its tasks resume intact once it is lifted.
        if (g.connector_id && plugin::FaultBook::get().quarantined(*g.connector_id)) continue;
        // Least worker time used first, then least recently started, then oldest due.
        std::tuple<int64_t, uint64_t, int64_t> key{share ? share->used_ms : least, share ? share->last_started : 0,
                                                   g.oldest_due_at};
        if (!best || key < best_key) {
          best = &g;
          best_key = key;
        }
      }
    }
    if (!best) return std::nullopt;
    auto v = store::tasks::lease_due_of(tx, best->connector_id, owner_, now, options_.lease_ms, 1);
    if (v.empty()) return std::nullopt;
    return std::move(v.front());
  });
  if (leased) {
    std::lock_guard lock(flight_mu_);
    auto& share = share_locked(leased->connector_id.value_or(""));
    ++share.running;
    share.last_started = ++start_seq_;
    in_flight_[leased->id] = false;
    started_at_[leased->id] = steady_ms();
  }
  return leased;
}

void WorkerPool::done_running(const store::TaskRecord& t) {
  std::lock_guard lock(flight_mu_);
  in_flight_.erase(t.id);
  int64_t used = 1;
  if (auto s = started_at_.find(t.id); s != started_at_.end()) {
    used = std::max<int64_t>(1, steady_ms() - s->second);
    started_at_.erase(s);
  }
  auto it = shares_.find(t.connector_id.value_or(""));
  if (it == shares_.end()) return;
  --it->second.running;
  it->second.used_ms += used;
  // An idle connector keeps its account; uninstalled ones are forgotten only when they pile up,
  // keeping those running or paused.
  if (shares_.size() > kMaxShares) {
    const int64_t now = db_.now();
    std::erase_if(shares_, [&](const auto& kv) { return kv.second.running <= 0 && kv.second.paused_until <= now; });
  }
}

void WorkerPool::work_loop() {
  while (!stopping_) {
    std::optional<store::TaskRecord> leased;
    try {
      leased = lease_next();
    } catch (const std::exception& e) {
      util::log().error("task queue: lease failed: {}", e.what());
    }
    if (!leased) {
      release_free_heap(/*idle=*/true);
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.idle_poll_ms), [&] { return stopping_.load(); });
      continue;
    }
    const store::TaskRecord& t = *leased;
    ++running_;
    TaskOutcome o;
    try {
      o = handler_(t);
    } catch (const store::Conflict& e) {
      // Nodes sharing a database race to insert the same row (two deliveries naming one new
      // account): the loser's transaction rolled back whole, and its next run finds the row.
      o = TaskOutcome::retry(boost::json::object{{"message", e.what()}});
    } catch (const store::Contention& e) {
      o = TaskOutcome::retry(boost::json::object{{"message", e.what()}});
    } catch (const std::exception& e) {
      o = TaskOutcome::failed(boost::json::object{{"message", e.what()}});
    }
    done_running(t);
    --running_;
    try {
      finish(t, o);
    } catch (const std::exception& e) {
      util::log().error("task {}: recording its outcome failed: {}", t.id, e.what());
    }
    // A slot of this connector is free again (or another connector's turn came): wake a worker.
    notify();
    trimmed_since_work_ = false;
    release_free_heap(/*idle=*/false);
  }
}

void WorkerPool::finish(const store::TaskRecord& t, const TaskOutcome& given) {
  auto instance = schedule_instance_of(t);
  TaskOutcome o = given;
  const bool released = o.kind == TaskOutcome::Kind::Retry && stopping_;
  int64_t retry_delay_ms = 0;
  if (o.kind == TaskOutcome::Kind::Retry && !released) {
    retry_delay_ms = backoff_ms(t.attempts, options_.max_backoff_ms, o.retry_after_ms);
    // The provider asked us to slow down: the whole connector waits, not only this task.
    if (t.connector_id && rate_limited(o.error)) {
      pause_connector(*t.connector_id, db_.now() + retry_delay_ms);
      util::log().warn("{}: rate limited by its provider; every task of it paused for {} ms",
                       who(t.connector_id), retry_delay_ms);
    }
  }
  if (o.kind == TaskOutcome::Kind::Retry && !released && t.attempts >= options_.max_attempts) {
    boost::json::object e = o.error.is_object() ? o.error.get_object() : boost::json::object{};
    e["message"] = "gave up after " + std::to_string(t.attempts) + " attempts: " + message_of(o.error);
    e["attempts"] = t.attempts;
    o = TaskOutcome::failed(std::move(e));
  }
  db_.write([&](store::WriteTx& tx) {
    if (released) {
      // Stopping is not the task's fault: the run does not count as an attempt.
      store::tasks::release(tx, t.id, owner_);
      return;
    }
    if (o.kind == TaskOutcome::Kind::Deferred) {
      store::tasks::release(tx, t.id, owner_, o.defer_until_ms);
      return;
    }
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
        store::tasks::retry_at(tx, t.id, owner_, tx.now() + retry_delay_ms, o.error);
        break;
      case TaskOutcome::Kind::Deferred: break;
    }
  });
  switch (o.kind) {
    case TaskOutcome::Kind::Succeeded: ++succeeded_; break;
    case TaskOutcome::Kind::Failed:
      ++failed_;
      util::log().warn("task {} of {} failed: {} (task {})", t.type, who(t.connector_id), message_of(o.error), t.id);
      break;
    case TaskOutcome::Kind::Retry:
      ++retried_;
      if (!stopping_)
        util::log().info("task {} of {} will retry: {} (attempt {} of {}; task {})", t.type, who(t.connector_id),
                         message_of(o.error), t.attempts, options_.max_attempts, t.id);
      break;
    case TaskOutcome::Kind::Deferred: break;
  }
}

std::string schedule_task_id(const store::ScheduleRecord& s, const std::string& instance_id) {
  auto connector = ids::decode_connector_id(s.connector_id);
  std::string reference = std::string(s.task.as_object().at("reference").as_string()) + "-" + instance_id;
  return connector ? ids::encode(ids::ScopedID{*connector, reference}) : reference;
}

bool WorkerPool::run_in_flight(store::WriteTx& tx, const store::ScheduleRecord& s) {
  bool in_flight = false;
  for (auto& instance : store::schedule_instances::open_ids(tx, s.id)) {
    auto task = store::tasks::get(tx, schedule_task_id(s, instance));
    if (task && task->status == store::task_status::kProcessing) {
      in_flight = true;
      continue;
    }
    // Its task is gone (removed with a reset) or ended without closing the run: close it now
    // so the schedule is not blocked for good.
    store::schedule_instances::terminate(tx, instance, task && task->status == store::task_status::kFailed
                                                           ? std::optional<std::string>("task failed")
                                                           : std::nullopt);
  }
  return in_flight;
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
          int64_t jitter_cap = std::min<int64_t>(s.period_ms / 2, 5 * 60 * 1000);
          int64_t next_run = now + s.period_ms + static_cast<int64_t>(jitter_cap * unit_random());
          if (plugin::FaultBook::get().quarantined(s.connector_id)) {  // paused: no run until lifted
            store::schedules::claim_run(tx, s.id, s.next_run_at, now + std::min<int64_t>(s.period_ms, 60000));
            return;
          }
          // Another node sharing the database fired this run first.
          if (!store::schedules::claim_run(tx, s.id, s.next_run_at, next_run)) return;
          if (run_in_flight(tx, s)) {
            ++skipped_;
            util::log().debug("schedule {} of {}: tick skipped, its last run is still in flight", s.id, who(s.connector_id));
            return;
          }
          std::string instance_id = util::uuid_v4();
          store::schedule_instances::insert(tx, store::ScheduleInstanceRecord{instance_id, s.id, s.connector_id, now, now,
                                                                               false, std::nullopt, std::nullopt});
          const auto& spec = s.task.as_object();
          store::TaskRecord t;
          t.id = schedule_task_id(s, instance_id);
          t.type = std::string(spec.at("type").as_string());
          t.connector_id = s.connector_id;
          auto payload = spec.at("payload").as_object();
          payload["scheduleInstanceID"] = instance_id;
          t.payload = payload;
          store::tasks::enqueue(tx, t);
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
