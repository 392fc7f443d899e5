#include "faults.hpp"

#include <stdexcept>

namespace cx::sandbox::powens {

namespace json = boost::json;

namespace {
double rate(const json::value& v, const std::string& key) {
  double d = v.is_double() ? v.get_double() : v.is_int64() ? double(v.get_int64()) : v.is_uint64() ? double(v.get_uint64()) : -1;
  if (d < 0 || d > 1) throw std::invalid_argument(key + " must be a number between 0 and 1");
  return d;
}
int whole(const json::value& v, const std::string& key) {
  if (!v.is_int64() || v.get_int64() < 0 || v.get_int64() > 600000)
    throw std::invalid_argument(key + " must be a non-negative integer");
  return static_cast<int>(v.get_int64());
}
}  // namespace

FaultConfig parse_faults(const json::object& o, FaultConfig f) {
  for (auto& [k, v] : o) {
    std::string key(k);
    if (key == "rate429") f.rate_429 = rate(v, key);
    else if (key == "retryAfterS") f.retry_after_s = whole(v, key);
    else if (key == "rate5xx") f.rate_5xx = rate(v, key);
    else if (key == "latencyMs") f.latency_ms = whole(v, key);
    else if (key == "latencyRate") f.latency_rate = rate(v, key);
    else if (key == "malformedAmountRate") f.malformed_amount_rate = rate(v, key);
    else if (key == "duplicateWebhookRate") f.duplicate_webhook_rate = rate(v, key);
    else if (key == "outOfOrderWebhookRate") f.out_of_order_webhook_rate = rate(v, key);
    else if (key == "outOfOrderDelayMs") f.out_of_order_delay_ms = whole(v, key);
    else if (key == "badSignatureRate") f.bad_signature_rate = rate(v, key);
    else throw std::invalid_argument("unknown fault '" + key + "'");
  }
  return f;
}

json::object faults_json(const FaultConfig& f) {
  return {{"rate429", f.rate_429},
          {"retryAfterS", f.retry_after_s},
          {"rate5xx", f.rate_5xx},
          {"latencyMs", f.latency_ms},
          {"latencyRate", f.latency_rate},
          {"malformedAmountRate", f.malformed_amount_rate},
          {"duplicateWebhookRate", f.duplicate_webhook_rate},
          {"outOfOrderWebhookRate", f.out_of_order_webhook_rate},
          {"outOfOrderDelayMs", f.out_of_order_delay_ms},
          {"badSignatureRate", f.bad_signature_rate}};
}

}  // namespace cx::sandbox::powens
