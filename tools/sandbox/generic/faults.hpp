// Fault injection for the generic sandbox's API routes (never the console): a share of 429s
// with Retry-After, a share of 5xx (JSON or HTML bodies), and added latency. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace cx::sandbox::generic {

/// The current fault settings, as the console reads and writes them.
struct FaultSettings {
  double rate429 = 0;          ///< share of API requests answered 429, in [0, 1]
  double rate5xx = 0;          ///< share answered 500/502/503, in [0, 1]
  int64_t latency_ms = 0;      ///< added to every API request
  int64_t retry_after_s = 1;   ///< Retry-After of the injected 429s, seconds
  bool html_errors = false;    ///< 5xx bodies are an HTML page instead of {Title, Detail}
};

/// One injected failure.
struct InjectedFault {
  int status;
  std::string body;
  std::string content_type;
  std::optional<std::string> retry_after;
};

class Faults {
 public:
  explicit Faults(uint64_t seed) : rng_(seed ^ 0xFA017FA017ull) {}

  /// Sleeps for the configured latency, then decides whether this request fails.
  std::optional<InjectedFault> next();

  /// {"rate429", "rate5xx", "latencyMs", "retryAfterSeconds", "htmlErrors"}.
  boost::json::object settings() const;
  /// Merges the given keys into the settings; throws std::invalid_argument naming a bad key
  /// (rates outside [0, 1] or summing above 1, negative latency). Returns the new settings.
  boost::json::object update(const boost::json::object& patch);
  void reset();

  /// {"requests", "unauthorized", "injected429", "injected5xx"} since start.
  boost::json::object stats() const;
  void count_request();
  void count_unauthorized();

 private:
  mutable std::mutex mu_;
  FaultSettings s_;
  std::mt19937_64 rng_;
  uint64_t requests_ = 0, unauthorized_ = 0, injected429_ = 0, injected5xx_ = 0;
};

}  // namespace cx::sandbox::generic
