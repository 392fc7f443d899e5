#include "host/api/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

namespace cx::api {
namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string labels(const std::vector<std::pair<std::string, std::string>>& l) {
  if (l.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i) out += ",";
    out += l[i].first + "=\"" + escape_label(l[i].second) + "\"";
  }
  return out + "}";
}

}  // namespace

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> b{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return b;
}

Metrics::Metrics() = default;

void Metrics::record_request(const std::string& route, const std::string& method, int status, double seconds) {
  const auto& b = buckets();
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  auto& st = latency_[route];
  if (st.bucket_counts.empty()) st.bucket_counts.assign(b.size(), 0);
  for (size_t i = 0; i < b.size(); ++i)
    if (seconds <= b[i]) {
      ++st.bucket_counts[i];
      break;
    }
  ++st.count;
  st.sum += seconds;
}

void Metrics::add_family(std::string name, std::string help, std::string type, Source source) {
  std::lock_guard lock(mu_);
  Family f{std::move(name), std::move(help), std::move(type), std::move(source)};
  for (auto& existing : families_)
    if (existing.name == f.name) {
      existing = std::move(f);  // a family is exposed once: the latest source wins
      return;
    }
  families_.push_back(std::move(f));
}

void Metrics::set_task_states(std::function<std::map<std::string, int64_t>()> source) {
  add_family("cx_tasks", "Engine tasks by state.", "gauge", [source = std::move(source)] {
    std::vector<MetricSample> out;
    for (const auto& [state, n] : source()) out.push_back({{{"state", state}}, static_cast<double>(n)});
    return out;
  });
}

void Metrics::set_plugin_calls(std::function<std::vector<PluginCall>()> source) {
  add_family("cx_plugin_calls_total", "Plugin operation calls by connector, op and outcome.", "counter",
             [source = std::move(source)] {
               std::vector<MetricSample> out;
               for (const auto& c : source())
                 out.push_back({{{"connector", c.connector}, {"op", c.op}, {"outcome", c.outcome}},
                                static_cast<double>(c.count)});
               return out;
             });
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::vector<Family> families;
  {
    std::lock_guard lock(mu_);
    out << "# HELP cx_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
        << "# TYPE cx_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out << "cx_http_requests_total"
          << labels({{"route", route}, {"method", method}, {"status", std::to_string(status)}}) << " " << n << "\n";
    }
    out << "# HELP cx_http_request_duration_seconds Time to answer a request, by route pattern.\n"
        << "# TYPE cx_http_request_duration_seconds histogram\n";
    const auto& b = buckets();
    for (const auto& [route, st] : latency_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < b.size(); ++i) {
        cumulative += st.bucket_counts[i];
        out << "cx_http_request_duration_seconds_bucket" << labels({{"route", route}, {"le", number(b[i])}}) << " "
            << cumulative << "\n";
      }
      out << "cx_http_request_duration_seconds_bucket" << labels({{"route", route}, {"le", "+Inf"}}) << " "
          << st.count << "\n";
      out << "cx_http_request_duration_seconds_sum" << labels({{"route", route}}) << " " << number(st.sum) << "\n";
      out << "cx_http_request_duration_seconds_count" << labels({{"route", route}}) << " " << st.count << "\n";
    }
    families = families_;
  }
  for (const auto& f : families) {
    std::vector<MetricSample> samples;
    try {
      samples = f.source();
    } catch (...) {
      continue;
    }
    out << "# HELP " << f.name << " " << f.help << "\n# TYPE " << f.name << " " << f.type << "\n";
    for (const auto& s : samples) out << f.name << labels(s.labels) << " " << number(s.value) << "\n";
  }
  return out.str();
}

}  // namespace cx::api
