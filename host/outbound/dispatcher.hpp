// The outbound webhook dispatcher (docs/events.md "Delivery"): one thread fans outbox events out
// into deliveries (one per matching active config, in one transaction with the cursor), claims
// due deliveries and hands them to a small pool of senders; a bounded number are in flight per
// endpoint. Each attempt is signed (signature.hpp), sent with cpp-httplib to the checked address
// (endpoint_policy.hpp) without following redirects, over the sender's kept-alive connection to
// that endpoint (client_pool.hpp), and its result committed with the next state
// (policy.hpp). Everything is in the database: after a crash the claims left in `delivering` go
// back to `pending` at start, so an event is delivered late, never dropped (at least once; the
// Formance-Webhook-Id and idempotency key stay the same).
#pragma once

#include "host/outbound/client_pool.hpp"
#include "host/outbound/endpoint_policy.hpp"
#include "host/outbound/policy.hpp"
#include "host/store/database.hpp"
#include "host/store/outbound_webhooks.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cx::outbound {

struct DispatcherOptions {
  RetryPolicy retry;
  EndpointRules endpoints;
  int senders = 8;                       ///< --webhooks-senders: attempts in flight overall
  int per_endpoint = 4;                  ///< --webhooks-inflight-per-endpoint
  int64_t poll_ms = 200;                 ///< --webhooks-poll-interval: idle wake-up period
  int64_t timeout_ms = 30'000;           ///< --webhooks-timeout: one attempt's total time
  int64_t retention_ms = 30ll * 86'400'000;  ///< --webhooks-delivery-retention
};

/// One POST's result.
struct SendResult {
  int status = 0;  ///< 0: no answer
  std::string error;
  std::string excerpt;  ///< first 64 KiB of the answer
  std::optional<std::string> retry_after;
  int64_t duration_ms = 0;
  bool refused = false;  ///< the endpoint policy refused the address: no request was sent
};

/// Signs and POSTs `body` to `endpoint` once (headers of docs/events.md "Request"); `test` sets
/// Formance-Webhook-Test. With a pool, the connection is the pool's kept-alive one for that
/// endpoint (a reused connection that fails is retried once on a new one); without, a fresh
/// connection closed after the answer. Never throws.
SendResult send_once(const std::string& endpoint, const std::string& secret, const std::string& webhook_id,
                     const std::string& idempotency_key, const std::string& body, bool test,
                     const DispatcherOptions& o, ClientPool* pool = nullptr);

class Dispatcher {
 public:
  Dispatcher(store::Database& db, DispatcherOptions o);
  ~Dispatcher();
  /// Releases the claims a previous run left, then starts the threads.
  void start();
  /// Stops taking work, waits for attempts in flight and commits them.
  void stop();
  /// Runs the loop soon (a config or a replay changed what is due).
  void wake();
  const DispatcherOptions& options() const { return o_; }

  /// One fan-out pass (events → deliveries); returns the number of events read. Public for tests.
  size_t fan_out();

 private:
  struct Job {
    store::OutboundDelivery delivery;
    std::string endpoint, secret;
  };
  struct Done {
    Job job;
    SendResult result;
    int64_t at = 0;
  };
  void loop();
  void sender();
  /// Records the finished attempts and, when `claim`, claims due deliveries for the senders, in
  /// one write transaction; only the loop thread (or stop) calls it.
  void commit_and_claim(bool claim);
  void record_attempts(store::WriteTx& tx, std::vector<Done>& batch);
  std::vector<Job> claim_in(store::WriteTx& tx, int capacity, std::map<std::string, int>& taken);
  /// Deletes what is past retention; on a shared database also frees claims a stopped node left.
  void prune_if_due();
  /// Claims older than this (UTC ms) were left by a stopped node; unset: a single daemon.
  std::optional<int64_t> stale_claims_before(int64_t now) const;

  store::Database& db_;
  DispatcherOptions o_;
  std::mutex mu_;
  std::condition_variable loop_cv_, sender_cv_;
  bool stopping_ = false, woken_ = false, started_ = false;
  std::deque<Job> jobs_;
  std::vector<Done> done_;
  std::map<std::string, int> in_flight_;  ///< per endpoint, claimed and not yet committed
  int busy_ = 0;                          ///< claimed, not yet committed
  int64_t next_prune_ = 0;
  int64_t next_stale_check_ = 0;
  std::thread loop_thread_;
  std::vector<std::thread> senders_;
};

}  // namespace cx::outbound
