#include "faults.hpp"

#include <stdexcept>

namespace cx::sandbox::plaid {

namespace {
double num(const boost::json::value& v, const char* k) {
  if (!v.is_number()) throw std::invalid_argument(std::string(k) + " must be a number");
  return v.to_number<double>();
}
std::deque<std::string> strings(const boost::json::value& v, const char* k) {
  std::deque<std::string> out;
  if (!v.is_array()) throw std::invalid_argument(std::string(k) + " must be an array");
  for (auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
    else if (e.is_int64()) out.push_back(std::to_string(e.get_int64()));
    else throw std::invalid_argument(std::string(k) + " holds strings");
  }
  return out;
}
PlaidErr make(const std::string& what) {
  if (what == "429") return {429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "rate limit exceeded for this client", std::nullopt};
  if (what == "500")
    return {500, "API_ERROR", "INTERNAL_SERVER_ERROR", "an unexpected error occurred",
            std::string("Please try again later.")};
  if (what == "503")
    return {503, "API_ERROR", "PLANNED_MAINTENANCE", "the Plaid API is under planned maintenance",
            std::string("Please try again later.")};
  if (what == "INSTITUTION_DOWN")
    return {400, "INSTITUTION_ERROR", "INSTITUTION_DOWN", "this institution is not currently responding to this request",
            std::string("This financial institution is not currently responding. Please try again later.")};
  if (what == "ITEM_LOGIN_REQUIRED")
    return {400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED",
            "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.",
            std::string("Please log in again.")};
  throw std::invalid_argument("unknown fault " + what);
}
}  // namespace

FaultSettings parse_faults(const boost::json::object& o, FaultSettings f) {
  for (auto& [k, v] : o) {
    if (k == "rate429") f.rate429 = num(v, "rate429");
    else if (k == "rate500") f.rate500 = num(v, "rate500");
    else if (k == "rate503") f.rate503 = num(v, "rate503");
    else if (k == "path") f.path = v.is_string() ? std::string(v.get_string()) : throw std::invalid_argument("path must be a string");
    else if (k == "failNext") {
      f.fail_next = strings(v, "failNext");
      for (auto& s : f.fail_next) make(s);
    } else if (k == "mutationDuringPagination") f.mutation_during_pagination = static_cast<int>(num(v, "mutationDuringPagination"));
    else if (k == "notReady") f.not_ready = static_cast<int>(num(v, "notReady"));
    else if (k == "webhook") {
      f.webhook = strings(v, "webhook");
      for (auto& s : f.webhook) {
        bool known = false;
        for (const char* w : kWebhookFaults) known |= s == w;
        if (!known) throw std::invalid_argument("unknown webhook fault " + s);
      }
    } else if (k == "duplicateWebhooks") {
      if (!v.is_bool()) throw std::invalid_argument("duplicateWebhooks must be a boolean");
      f.duplicate_webhooks = v.get_bool();
    } else if (k == "latencyMs") f.latency_ms = static_cast<int>(num(v, "latencyMs"));
    else throw std::invalid_argument("unknown fault setting " + std::string(k));
  }
  return f;
}

boost::json::object faults_json(const FaultSettings& f) {
  boost::json::array fail, hooks;
  for (auto& s : f.fail_next) fail.emplace_back(s);
  for (auto& s : f.webhook) hooks.emplace_back(s);
  return {{"rate429", f.rate429}, {"rate500", f.rate500}, {"rate503", f.rate503}, {"path", f.path},
          {"failNext", fail}, {"mutationDuringPagination", f.mutation_during_pagination}, {"notReady", f.not_ready},
          {"webhook", hooks}, {"duplicateWebhooks", f.duplicate_webhooks}, {"latencyMs", f.latency_ms}};
}

std::optional<PlaidErr> Faults::api_fault(const std::string& path) {
  std::lock_guard l(mu_);
  if (!s_.path.empty() && s_.path != path) return std::nullopt;
  if (!s_.fail_next.empty()) {
    std::string what = s_.fail_next.front();
    s_.fail_next.pop_front();
    return make(what);
  }
  // Random outages spare the verification-key endpoint unless it is targeted explicitly.
  if (s_.path.empty() && path == "/webhook_verification_key/get") return std::nullopt;
  double roll = static_cast<double>(rng_.next() % 1'000'000) / 1'000'000.0;
  if (roll < s_.rate429) return make("429");
  if (roll < s_.rate429 + s_.rate500) return make("500");
  if (roll < s_.rate429 + s_.rate500 + s_.rate503) return make("503");
  return std::nullopt;
}

bool Faults::take_mutation() {
  std::lock_guard l(mu_);
  if (s_.mutation_during_pagination <= 0) return false;
  --s_.mutation_during_pagination;
  return true;
}

bool Faults::take_not_ready() {
  std::lock_guard l(mu_);
  if (s_.not_ready <= 0) return false;
  --s_.not_ready;
  return true;
}

std::string Faults::take_webhook_fault() {
  std::lock_guard l(mu_);
  if (s_.webhook.empty()) return {};
  std::string f = s_.webhook.front();
  s_.webhook.pop_front();
  return f;
}

}  // namespace cx::sandbox::plaid
