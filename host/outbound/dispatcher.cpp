#include "host/outbound/dispatcher.hpp"

#include "host/outbound/envelope.hpp"
#include "host/outbound/signature.hpp"
#include "host/store/events.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <iterator>

namespace cx::outbound {

namespace {
constexpr size_t kExcerptBytes = 64 * 1024;
constexpr int kFanOutBatch = 1000;
constexpr int64_t kPrunePeriodMs = 60'000;

bool subscribed(const store::OutboundConfig& c, const std::string& type) {
  return std::find(c.event_types.begin(), c.event_types.end(), type) != c.event_types.end();
}
}  // namespace

SendResult send_once(const std::string& endpoint, const std::string& secret, const std::string& webhook_id,
                     const std::string& idempotency_key, const std::string& body, bool test,
                     const DispatcherOptions& o, ClientPool* pool) {
  SendResult r;
  const auto started = std::chrono::steady_clock::now();
  auto checked = check_endpoint(endpoint, o.endpoints);
  if (auto* why = std::get_if<std::string>(&checked)) {
    r.error = *why;
    r.refused = true;
    return r;
  }
  const auto& ep = std::get<ResolvedEndpoint>(checked);

  const int64_t ts = util::now_ms() / 1000;
  httplib::Request req;
  req.method = "POST";
  req.path = ep.url.target;
  req.set_header("User-Agent", "formance-webhooks/v0");
  req.set_header("Formance-Webhook-Id", webhook_id);
  req.set_header("Formance-Webhook-Timestamp", std::to_string(ts));
  req.set_header("Formance-Webhook-Signature", sign(secret, webhook_id, ts, body));
  req.set_header("Formance-Webhook-Test", test ? "true" : "false");
  if (!idempotency_key.empty()) req.set_header("Formance-Webhook-Idempotency-Key", idempotency_key);
  req.set_header("Content-Type", "application/json");
  req.body = body;
  std::string excerpt;
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    if (excerpt.size() < kExcerptBytes) excerpt.append(data, std::min(len, kExcerptBytes - excerpt.size()));
    return true;
  };
  httplib::Result res{nullptr, httplib::Error::Unknown};
  if (!pool) {
    res = make_client(ep, o.timeout_ms, false)->send(req);
  } else {
    bool reused = false;
    res = pool->get(ep, o.timeout_ms, reused).send(req);
    if (!res) {
      pool->drop(ep);
      // The peer may have closed an idle kept-alive connection just as it was reused: try once on
      // a new one (at least once allows the rare duplicate this can cause).
      if (reused && std::chrono::steady_clock::now() - started < std::chrono::milliseconds(o.timeout_ms)) {
        excerpt.clear();
        res = pool->get(ep, o.timeout_ms, reused).send(req);
        if (!res) pool->drop(ep);
      }
    }
  }
  r.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (!res) {
    r.error = "POST " + ep.url.origin() + ": " + httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.excerpt = std::move(excerpt);
  if (res->has_header("Retry-After")) r.retry_after = res->get_header_value("Retry-After");
  return r;
}

Dispatcher::Dispatcher(store::Database& db, DispatcherOptions o) : db_(db), o_(std::move(o)) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  int released = db_.write([&](store::WriteTx& tx) {
    return store::outbound_deliveries::release_claims(tx, stale_claims_before(tx.now()));
  });
  if (released > 0) util::log().info("webhooks: {} deliveries interrupted by the last stop are due again", released);
  started_ = true;
  loop_thread_ = std::thread([this] { loop(); });
  for (int i = 0; i < std::max(1, o_.senders); ++i) senders_.emplace_back([this] { sender(); });
}

void Dispatcher::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  loop_cv_.notify_all();
  sender_cv_.notify_all();
  for (auto& t : senders_)
    if (t.joinable()) t.join();
  if (loop_thread_.joinable()) loop_thread_.join();
  if (!started_) return;
  try {
    commit_and_claim(false);
    db_.write([&](store::WriteTx& tx) {
      if (!db_.shared()) {
        store::outbound_deliveries::release_claims(tx);
        return;
      }
      // Other nodes' claims are theirs: give back only what this node claimed and did not send.
      for (auto& j : jobs_) store::outbound_deliveries::release_claim(tx, j.delivery.id);
    });
    jobs_.clear();
  } catch (const std::exception& e) {
    util::log().error("webhooks: stopping: {}", e.what());
  }
}

void Dispatcher::wake() {
  {
    std::lock_guard lk(mu_);
    woken_ = true;
  }
  loop_cv_.notify_all();
}

size_t Dispatcher::fan_out() {
  // Bodies are built outside the write lock (it is the ingest path's too); only this thread moves
  // the cursor, so what was read stays valid until the write below.
  struct Read {
    int64_t from = 0;  ///< the cursor the events were read after
    std::vector<store::EventRecord> events;
    std::vector<store::OutboundConfig> active;
  };
  auto read = [&](store::Tx& tx) {
    Read out;
    out.from = store::outbound_deliveries::cursor(tx);
    out.events = store::events::after(tx, out.from, kFanOutBatch);
    if (!out.events.empty())
      for (auto& c : store::outbound_configs::list(tx))
        if (c.active) out.active.push_back(std::move(c));
    return out;
  };
  // A shared database: read in a write transaction that first waits for every transaction still
  // appending events (events::settle), so the cursor never passes an uncommitted seq.
  Read r = db_.shared() ? db_.write([&](store::WriteTx& tx) {
    store::events::settle(tx);
    return read(tx);
  })
                        : db_.read([&](store::ReadTx& tx) { return read(tx); });
  if (r.events.empty()) return 0;
  std::vector<store::OutboundDelivery> batch;
  for (const auto& e : r.events) {
    const std::string type = normalised_type(e.type);
    std::optional<std::string> body;
    std::string key;
    for (const auto& c : r.active) {
      if (!subscribed(c, type)) continue;
      if (!body) {
        body = webhook_body(e);
        key = idempotency_key(e.type, e.payload.is_object() ? e.payload.get_object() : boost::json::object{});
      }
      store::OutboundDelivery d;
      d.id = util::uuid_v4();
      d.event_seq = e.seq;
      d.idempotency_key = key;
      d.config_id = c.id;
      d.event_type = type;
      d.payload = *body;
      batch.push_back(std::move(d));
    }
  }
  bool mine = db_.write([&](store::WriteTx& tx) {
    // Another node sharing the database fanned these events out first.
    if (!store::outbound_deliveries::advance_cursor(tx, r.from, r.events.back().seq)) return false;
    for (auto& d : batch) {
      d.created_at = tx.now();
      store::outbound_deliveries::enqueue(tx, d);
    }
    return true;
  });
  return mine ? r.events.size() : 0;
}

void Dispatcher::loop() {
  for (;;) {
    {
      std::unique_lock lk(mu_);
      loop_cv_.wait_for(lk, std::chrono::milliseconds(o_.poll_ms), [&] { return stopping_ || woken_ || !done_.empty(); });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      for (int i = 0; i < 20 && fan_out() == static_cast<size_t>(kFanOutBatch); ++i) {
      }
      commit_and_claim(true);
      prune_if_due();
    } catch (const std::exception& e) {
      util::log().error("webhooks: dispatcher pass failed: {}", e.what());
    }
  }
}

std::vector<Dispatcher::Job> Dispatcher::claim_in(store::WriteTx& tx, int capacity, std::map<std::string, int>& taken) {
  std::vector<Job> claimed;
  const int64_t now = tx.now();
  std::map<std::string, std::optional<store::OutboundConfig>> configs;
  for (auto& d : store::outbound_deliveries::due(tx, now, capacity * 4)) {
    if (static_cast<int>(claimed.size()) >= capacity) break;
    auto it = configs.find(d.config_id);
    if (it == configs.end()) it = configs.emplace(d.config_id, store::outbound_configs::get(tx, d.config_id)).first;
    if (!it->second || !it->second->active) {
      store::outbound_configs::cancel_pending(tx, d.config_id);
      continue;
    }
    int& n = taken[it->second->endpoint];
    if (n >= o_.per_endpoint) continue;
    if (!store::outbound_deliveries::claim(tx, d.id, now)) continue;
    ++n;
    if (!d.cycle_started_at) d.cycle_started_at = now;
    claimed.push_back(Job{std::move(d), it->second->endpoint, it->second->secret});
  }
  return claimed;
}

void Dispatcher::commit_and_claim(bool claim) {
  std::vector<Done> batch;
  {
    std::lock_guard lk(mu_);
    batch.swap(done_);
  }
  // What is in flight once this batch is committed.
  std::map<std::string, int> taken = in_flight_;
  int busy = busy_;
  for (auto& d : batch) {
    if (--taken[d.job.endpoint] <= 0) taken.erase(d.job.endpoint);
    --busy;
  }
  const int capacity = claim ? 2 * std::max(1, o_.senders) - busy : 0;
  if (batch.empty() && capacity <= 0) return;
  std::vector<Job> claimed;
  std::map<std::string, int> after;
  try {
    // One write transaction records the finished attempts and claims the next ones: the write
    // lock is the ingest path's too, so the dispatcher takes it as rarely as it can.
    db_.write([&](store::WriteTx& tx) {
      record_attempts(tx, batch);
      after = taken;
      claimed = capacity > 0 ? claim_in(tx, capacity, after) : std::vector<Job>{};
    });
  } catch (...) {
    std::lock_guard lk(mu_);
    done_.insert(done_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    throw;
  }
  in_flight_ = std::move(after);
  busy_ = busy + static_cast<int>(claimed.size());
  if (claimed.empty()) return;
  {
    std::lock_guard lk(mu_);
    for (auto& j : claimed) jobs_.push_back(std::move(j));
  }
  sender_cv_.notify_all();
}

void Dispatcher::sender() {
  ClientPool pool;  // this thread's kept-alive connections
  for (;;) {
    Job job;
    {
      std::unique_lock lk(mu_);
      sender_cv_.wait(lk, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;  // unsent claims go back to pending at stop
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    SendResult r = send_once(job.endpoint, job.secret, job.delivery.id, job.delivery.idempotency_key,
                             job.delivery.payload, false, o_, &pool);
    {
      std::lock_guard lk(mu_);
      done_.push_back(Done{std::move(job), std::move(r), util::now_ms()});
    }
    loop_cv_.notify_all();
  }
}

void Dispatcher::record_attempts(store::WriteTx& tx, std::vector<Done>& batch) {
  for (auto& d : batch) {
    d.at = tx.now();  // the database's clock, as `due` compares against it
    const auto& del = d.job.delivery;
    store::OutboundAttempt a;
    a.id = util::uuid_v4();
    a.delivery_id = del.id;
    a.attempt_number = del.attempt_count + 1;
    a.replay_generation = del.replay_generation;
    a.endpoint = d.job.endpoint;
    a.status_code = d.result.status;
    if (!d.result.error.empty()) a.error = d.result.error;
    a.duration_ms = d.result.duration_ms;
    if (!d.result.excerpt.empty()) a.response_excerpt = d.result.excerpt;
    a.created_at = d.at;
    AttemptOutcome outcome = d.result.refused ? AttemptOutcome::Permanent : classify(d.result.status);
    a.outcome = outcome_name(outcome);
    std::string status = outcome == AttemptOutcome::Succeeded ? "succeeded" : "failed";
    std::optional<int64_t> next;
    if (outcome == AttemptOutcome::Retryable) {
      std::optional<int64_t> retry_after;
      if (d.result.retry_after) retry_after = parse_retry_after(*d.result.retry_after, d.at);
      next = next_attempt_at(o_.retry, a.attempt_number, d.at, del.cycle_started_at.value_or(d.at), retry_after);
      if (next) status = "pending";
    }
    std::optional<int64_t> code;
    if (d.result.status) code = d.result.status;
    std::optional<std::string> error;
    if (!d.result.error.empty()) error = d.result.error;
    else if (outcome != AttemptOutcome::Succeeded) error = "endpoint answered " + std::to_string(d.result.status);
    store::outbound_deliveries::finish(tx, a, status, next, code, error);
  }
}

std::optional<int64_t> Dispatcher::stale_claims_before(int64_t now) const {
  if (!db_.shared()) return std::nullopt;  // one daemon: every claim left is from its last run
  // An attempt ends within twice the timeout (one retry on a fresh connection); past that and a
  // margin, the claiming node is gone.
  return now - 2 * o_.timeout_ms - 60'000;
}

void Dispatcher::prune_if_due() {
  const int64_t now = util::now_ms();
  if (db_.shared() && now >= next_stale_check_) {
    next_stale_check_ = now + 30'000;
    int n = db_.write([&](store::WriteTx& tx) {
      return store::outbound_deliveries::release_claims(tx, stale_claims_before(tx.now()));
    });
    if (n > 0) util::log().warn("webhooks: {} deliveries claimed by a stopped node are due again", n);
  }
  if (now < next_prune_) return;
  next_prune_ = now + kPrunePeriodMs;
  int n = db_.write([&](store::WriteTx& tx) {
    return store::outbound_deliveries::prune(tx, tx.now() - o_.retention_ms, 5000);
  });
  if (n > 0) util::log().info("webhooks: pruned {} delivered events, deliveries and attempts past retention", n);
}

}  // namespace cx::outbound
