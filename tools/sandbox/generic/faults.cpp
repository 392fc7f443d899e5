#include "tools/sandbox/generic/faults.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace cx::sandbox::generic {

std::optional<InjectedFault> Faults::next() {
  int64_t latency;
  {
    std::lock_guard lock(mu_);
    latency = s_.latency_ms;
  }
  if (latency > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency));
  std::lock_guard lock(mu_);
  double roll = static_cast<double>(rng_() >> 11) / static_cast<double>(1ull << 53);
  if (roll < s_.rate429) {
    ++injected429_;
    return InjectedFault{429, R"({"Title":"Too Many Requests","Detail":"rate limit exceeded, retry later"})",
                         "application/json", std::to_string(s_.retry_after_s)};
  }
  if (roll < s_.rate429 + s_.rate5xx) {
    ++injected5xx_;
    static constexpr int kStatuses[] = {500, 502, 503};
    int status = kStatuses[rng_() % 3];
    if (s_.html_errors)
      return InjectedFault{status, "<html><head><title>" + std::to_string(status) +
                                       "</title></head><body><h1>Service unavailable</h1></body></html>",
                           "text/html", std::nullopt};
    return InjectedFault{status, R"({"Title":"Service Unavailable","Detail":"injected failure, try again"})",
                         "application/json", std::nullopt};
  }
  return std::nullopt;
}

boost::json::object Faults::settings() const {
  std::lock_guard lock(mu_);
  return {{"rate429", s_.rate429}, {"rate5xx", s_.rate5xx}, {"latencyMs", s_.latency_ms},
          {"retryAfterSeconds", s_.retry_after_s}, {"htmlErrors", s_.html_errors}};
}

boost::json::object Faults::update(const boost::json::object& patch) {
  FaultSettings next;
  {
    std::lock_guard lock(mu_);
    next = s_;
  }
  auto number = [](const boost::json::value& v, const char* key) {
    if (!v.is_number()) throw std::invalid_argument(std::string(key) + " must be a number");
    return v.to_number<double>();
  };
  for (auto& [key, value] : patch) {
    if (key == "rate429") next.rate429 = number(value, "rate429");
    else if (key == "rate5xx") next.rate5xx = number(value, "rate5xx");
    else if (key == "latencyMs") next.latency_ms = static_cast<int64_t>(number(value, "latencyMs"));
    else if (key == "retryAfterSeconds") next.retry_after_s = static_cast<int64_t>(number(value, "retryAfterSeconds"));
    else if (key == "htmlErrors") {
      if (!value.is_bool()) throw std::invalid_argument("htmlErrors must be a boolean");
      next.html_errors = value.get_bool();
    } else {
      throw std::invalid_argument("unknown fault setting \"" + std::string(key) + "\"");
    }
  }
  if (next.rate429 < 0 || next.rate429 > 1) throw std::invalid_argument("rate429 must be within [0, 1]");
  if (next.rate5xx < 0 || next.rate5xx > 1) throw std::invalid_argument("rate5xx must be within [0, 1]");
  if (next.rate429 + next.rate5xx > 1) throw std::invalid_argument("rate429 + rate5xx must not exceed 1");
  if (next.latency_ms < 0 || next.latency_ms > 600'000) throw std::invalid_argument("latencyMs must be within [0, 600000]");
  if (next.retry_after_s < 0) throw std::invalid_argument("retryAfterSeconds must not be negative");
  {
    std::lock_guard lock(mu_);
    s_ = next;
  }
  return settings();
}

void Faults::reset() {
  std::lock_guard lock(mu_);
  s_ = FaultSettings{};
}

boost::json::object Faults::stats() const {
  std::lock_guard lock(mu_);
  return {{"requests", requests_}, {"unauthorized", unauthorized_}, {"injected429", injected429_},
          {"injected5xx", injected5xx_}};
}

void Faults::count_request() {
  std::lock_guard lock(mu_);
  ++requests_;
}

void Faults::count_unauthorized() {
  std::lock_guard lock(mu_);
  ++unauthorized_;
}

}  // namespace cx::sandbox::generic
