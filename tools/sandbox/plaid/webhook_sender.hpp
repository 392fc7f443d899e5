// Plaid sandbox: delivers webhooks in order on a background thread, each body pretty-printed and
// signed at send time (Plaid-Verification), retried on transport errors and 5xx.
#pragma once

#include "faults.hpp"
#include "signer.hpp"

#include <boost/json.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace cx::sandbox::plaid {

class WebhookSender {
 public:
  WebhookSender(const Signer& signer, Faults& faults);
  ~WebhookSender();

  /// Queues one delivery of `body` to `url`, not before `delay_ms` from now. Does nothing for an
  /// empty url (an Item or link token without webhook).
  void enqueue(const std::string& url, boost::json::object body, int64_t delay_ms = 0);
  /// Recent deliveries, oldest first: {url, webhook_type, webhook_code, item_id?, fault, status, attempts}.
  boost::json::array log() const;
  /// Seconds added to every iat (console clock "iatSkewSeconds").
  void set_iat_skew(int64_t s) { iat_skew_s_ = s; }
  /// Blocks until the queue is empty (or timeout_ms passes); true when drained.
  bool drain(int64_t timeout_ms);

 private:
  struct Delivery {
    std::string url;
    boost::json::object body;
    int64_t not_before_ms = 0;
    std::string fault;
  };
  void run();
  void deliver(const Delivery& d);

  const Signer& signer_;
  Faults& faults_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Delivery> queue_;
  boost::json::array log_;
  bool busy_ = false, stop_ = false;
  std::atomic<int64_t> iat_skew_s_{0};
  std::thread thread_;
};

}  // namespace cx::sandbox::plaid
