// Prometheus text exposition (format 0.0.4) for GET /metrics.
// Built in: cx_http_requests_total{route,method,status} and the latency histogram
// cx_http_request_duration_seconds{route}. Other layers feed their own families through
// callbacks evaluated at scrape time: set_task_states (tasks by state) and set_plugin_calls
// (plugin calls by connector/op/outcome), or any family with add_family.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cx::api {

/// One sample of a family: label pairs and a value.
struct MetricSample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

class Metrics {
 public:
  using Source = std::function<std::vector<MetricSample>()>;

  Metrics();

  /// Records one answered request. route is the route pattern ("/api/payments/v3/accounts/{accountID}")
  /// or "unmatched"; seconds is the handling latency.
  void record_request(const std::string& route, const std::string& method, int status, double seconds);

  /// Adds a family computed at scrape time, replacing a family of the same name (so the setters
  /// below may be called again). type: "gauge" or "counter". The callback runs on the scraping
  /// thread and must be thread-safe; an exception drops that family from the scrape.
  void add_family(std::string name, std::string help, std::string type, Source source);

  /// cx_tasks{state}: `source` returns state → count.
  void set_task_states(std::function<std::map<std::string, int64_t>()> source);

  /// cx_plugin_calls_total{connector,op,outcome}.
  struct PluginCall {
    std::string connector, op, outcome;
    int64_t count = 0;
  };
  void set_plugin_calls(std::function<std::vector<PluginCall>()> source);

  /// The whole exposition text.
  std::string render() const;

  /// Histogram upper bounds, seconds.
  static const std::vector<double>& buckets();

 private:
  struct RouteStats {
    std::vector<uint64_t> bucket_counts;  // cumulative on render, per-bucket here
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string name, help, type;
    Source source;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, RouteStats> latency_;
  std::vector<Family> families_;
};

/// Escapes a label value (backslash, quote, newline).
std::string escape_label(const std::string& v);

}  // namespace cx::api
