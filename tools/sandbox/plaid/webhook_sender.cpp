#include "webhook_sender.hpp"

#include "model.hpp"
#include "render.hpp"

#include <connectivity/time.hpp>

#include <httplib.h>

#include <algorithm>
#include <iostream>

namespace cx::sandbox::plaid {

WebhookSender::WebhookSender(const Signer& signer, Faults& faults)
    : signer_(signer), faults_(faults), thread_([this] { run(); }) {}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WebhookSender::enqueue(const std::string& url, boost::json::object body, int64_t delay_ms) {
  if (url.empty()) return;
  std::string fault = faults_.take_webhook_fault();
  int copies = faults_.duplicate_webhooks() ? 2 : 1;
  std::lock_guard l(mu_);
  for (int i = 0; i < copies; ++i) queue_.push_back(Delivery{url, body, Clock::wall_ms() + delay_ms, fault});
  cv_.notify_all();
}

boost::json::array WebhookSender::log() const {
  std::lock_guard l(mu_);
  return log_;
}

bool WebhookSender::drain(int64_t timeout_ms) {
  std::unique_lock l(mu_);
  return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [this] { return queue_.empty() && !busy_; });
}

void WebhookSender::run() {
  std::unique_lock l(mu_);
  while (true) {
    cv_.wait(l, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    // In order: the head waits for its time even when later ones are due.
    int64_t wait = queue_.front().not_before_ms - Clock::wall_ms();
    if (wait > 0) {
      cv_.wait_for(l, std::chrono::milliseconds(std::min<int64_t>(wait, 200)));
      continue;
    }
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    l.unlock();
    deliver(d);
    l.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

void WebhookSender::deliver(const Delivery& d) {
  std::string body = pretty(d.body);
  size_t scheme = d.url.find("://");
  size_t slash = scheme == std::string::npos ? std::string::npos : d.url.find('/', scheme + 3);
  std::string base = slash == std::string::npos ? d.url : d.url.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : d.url.substr(slash);
  int status = 0, attempts = 0;
  std::string error;
  for (attempts = 1; attempts <= 3; ++attempts) {
    std::string jwt = signer_.sign(body, Clock::wall_ms() / 1000 + iat_skew_s_.load(), d.fault);
    try {
      httplib::Client client(base);
      client.set_connection_timeout(5);
      client.set_read_timeout(10);
      auto res = client.Post(target, httplib::Headers{{"Plaid-Verification", jwt}}, body, "application/json");
      status = res ? res->status : 0;
      error = res ? "" : httplib::to_string(res.error());
    } catch (const std::exception& e) {
      status = 0;
      error = e.what();
    }
    if (status >= 200 && status < 500) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500 * attempts));
  }
  boost::json::object entry{{"url", d.url}, {"webhook_type", d.body.at("webhook_type")},
                            {"webhook_code", d.body.at("webhook_code")}, {"fault", d.fault}, {"status", status},
                            {"attempts", std::min(attempts, 3)}, {"sentAt", cx::time::format_rfc3339(Clock::wall_ms())}};
  if (auto* item = d.body.if_contains("item_id")) entry["item_id"] = *item;
  if (!error.empty()) entry["error"] = error;
  std::cerr << "plaid sandbox: webhook " << boost::json::serialize(entry) << std::endl;
  std::lock_guard l(mu_);
  log_.push_back(std::move(entry));
  if (log_.size() > 500) log_.erase(log_.begin());
}

}  // namespace cx::sandbox::plaid
