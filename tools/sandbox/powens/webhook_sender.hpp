// Delivers the emulator's webhooks from a background thread: BI-Signature HMAC-SHA256 signing
// (docs/providers/powens.md §5), bounded retries with backoff, and webhook faults (duplicates, out-of-order
// deliveries, forged signatures).
#pragma once

#include "faults.hpp"

#include <boost/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cx::sandbox::powens {

/// base64(HMAC-SHA256(secret, "POST." + path + "." + date + "." + body)), with Botan.
std::string bi_signature(const std::string& secret, const std::string& path, const std::string& date,
                         const std::string& body);

class WebhookSender {
 public:
  /// Attempts per delivery (first try included).
  static constexpr int kMaxAttempts = 5;

  /// Renders a body when its delivery is about to be sent (first attempt only).
  using Render = std::function<std::string()>;

  /// `senders` threads deliver concurrently; with one, deliveries leave in queue order.
  explicit WebhookSender(Faults& faults, int senders = 1);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// Queues one event for `url`, signed with `secret` (unsigned when empty), applying faults.
  void send(const std::string& event, const std::string& url, const std::string& body, const std::string& secret);
  /// Same, with the body rendered by `render` on a sender thread just before the first attempt
  /// (large or numerous deliveries then never sit rendered in the queue).
  void send_lazy(const std::string& event, const std::string& url, Render render, const std::string& secret);
  /// {"queued": n, "inFlight": n, "deliveries": [{seq, event, url, status, attempts, forged, error, at}]}
  boost::json::object status() const;
  /// True when nothing is queued or being delivered.
  bool idle() const;

 private:
  struct Delivery {
    uint64_t seq = 0;
    std::string event, url, body, secret;
    Render render;  ///< set until the body is rendered
    bool forged = false;
    int attempts = 0;
    int64_t not_before_ms = 0;
  };
  struct Record {
    uint64_t seq;
    std::string event, url;
    int status;
    int attempts;
    bool forged;
    std::string error, at;
  };
  void loop();
  void enqueue(const std::string& event, const std::string& url, std::string body, Render render,
               const std::string& secret);
  /// One POST; returns the HTTP status or 0 with `error` set.
  int post(const Delivery& d, std::string& error) const;

  Faults& faults_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> queue_;
  std::deque<Record> log_;
  int in_flight_ = 0;
  uint64_t next_seq_ = 1;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cx::sandbox::powens
