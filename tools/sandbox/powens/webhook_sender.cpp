#include "webhook_sender.hpp"

#include "clock.hpp"

#include <httplib.h>

#include <botan/base64.h>
#include <botan/mac.h>

#include <algorithm>
#include <chrono>

namespace cx::sandbox::powens {

namespace json = boost::json;

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Splits "http://host:port/path?query" into origin and path+query (no parsing beyond that).
bool split_url(const std::string& url, std::string& origin, std::string& target) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  size_t slash = url.find('/', scheme + 3);
  origin = url.substr(0, slash);
  target = slash == std::string::npos ? "/" : url.substr(slash);
  return true;
}
}  // namespace

std::string bi_signature(const std::string& secret, const std::string& path, const std::string& date,
                         const std::string& body) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(reinterpret_cast<const uint8_t*>(secret.data()), secret.size());
  std::string msg = "POST." + path + "." + date + "." + body;
  mac->update(reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  auto out = mac->final();
  return Botan::base64_encode(out.data(), out.size());
}

WebhookSender::WebhookSender(Faults& faults, int senders) : faults_(faults) {
  for (int i = 0; i < std::max(1, senders); ++i) threads_.emplace_back([this] { loop(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WebhookSender::send(const std::string& event, const std::string& url, const std::string& body,
                         const std::string& secret) {
  enqueue(event, url, body, nullptr, secret);
}

void WebhookSender::send_lazy(const std::string& event, const std::string& url, Render render,
                              const std::string& secret) {
  enqueue(event, url, {}, std::move(render), secret);
}

void WebhookSender::enqueue(const std::string& event, const std::string& url, std::string body, Render render,
                            const std::string& secret) {
  FaultConfig f = faults_.get();
  bool forge = !secret.empty() && faults_.roll(f.bad_signature_rate);
  bool duplicate = faults_.roll(f.duplicate_webhook_rate);
  bool late = faults_.roll(f.out_of_order_webhook_rate);
  std::lock_guard l(mu_);
  int64_t at = now_ms() + (late ? f.out_of_order_delay_ms : 0);
  auto push = [&](bool forged) {
    Delivery d;
    d.seq = next_seq_++;
    d.event = event;
    d.url = url;
    d.body = body;
    d.render = render;
    d.secret = secret;
    d.forged = forged;
    d.not_before_ms = at;
    queue_.push_back(std::move(d));
  };
  if (forge) push(true);  // the receiver must refuse this one; the genuine delivery follows
  push(false);
  if (duplicate) push(false);
  cv_.notify_all();
}

int WebhookSender::post(const Delivery& d, std::string& error) const {
  std::string origin, target;
  if (!split_url(d.url, origin, target)) {
    error = "bad URL";
    return 0;
  }
  std::string path = target.substr(0, target.find('?'));
  httplib::Client client(origin);
  client.set_connection_timeout(2);
  client.set_read_timeout(10);
  httplib::Headers headers;
  if (!d.secret.empty()) {
    std::string date = rfc3339(wall_now());
    std::string key = d.forged ? d.secret + "-forged" : d.secret;
    headers.emplace("BI-Signature-Date", date);
    headers.emplace("BI-Signature", bi_signature(key, path, date, d.body));
  }
  auto res = client.Post(target, headers, d.body, "application/json");
  if (!res) {
    error = httplib::to_string(res.error());
    return 0;
  }
  return res->status;
}

void WebhookSender::loop() {
  std::unique_lock l(mu_);
  while (true) {
    if (stop_) return;
    auto due = std::min_element(queue_.begin(), queue_.end(), [](const Delivery& a, const Delivery& b) {
      return a.not_before_ms != b.not_before_ms ? a.not_before_ms < b.not_before_ms : a.seq < b.seq;
    });
    if (due == queue_.end()) {
      cv_.wait(l);
      continue;
    }
    int64_t wait = due->not_before_ms - now_ms();
    if (wait > 0) {
      cv_.wait_for(l, std::chrono::milliseconds(wait));
      continue;
    }
    Delivery d = std::move(*due);
    queue_.erase(due);
    ++in_flight_;
    l.unlock();
    std::string error;
    bool rendered = true;
    if (d.render) {
      try {
        d.body = d.render();
      } catch (const std::exception& e) {
        error = std::string("render: ") + e.what();
        rendered = false;
      }
      d.render = nullptr;
    }
    int status = rendered ? post(d, error) : 0;
    ++d.attempts;
    l.lock();
    --in_flight_;
    bool retry = rendered && (status == 0 || status == 408 || status == 429 || status >= 500) &&
                 d.attempts < kMaxAttempts && !d.forged;
    if (retry) {
      d.not_before_ms = now_ms() + (250LL << (d.attempts - 1));
      queue_.push_back(std::move(d));
    } else {
      log_.push_back({d.seq, d.event, d.url, status, d.attempts, d.forged, error, rfc3339(wall_now())});
      if (log_.size() > 1000) log_.pop_front();
    }
  }
}

json::object WebhookSender::status() const {
  std::lock_guard l(mu_);
  json::array deliveries;
  for (auto& r : log_)
    deliveries.push_back(json::object{{"seq", r.seq},       {"event", r.event},   {"url", r.url},
                                      {"status", r.status}, {"attempts", r.attempts}, {"forged", r.forged},
                                      {"error", r.error},   {"at", r.at}});
  return {{"queued", queue_.size()}, {"inFlight", in_flight_}, {"deliveries", std::move(deliveries)}};
}

bool WebhookSender::idle() const {
  std::lock_guard l(mu_);
  return queue_.empty() && in_flight_ == 0;
}

}  // namespace cx::sandbox::powens
