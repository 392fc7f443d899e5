// Fault injection for the Powens emulator, set from the command line or the console.
#pragma once

#include "catalog.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace cx::sandbox::powens {

/// Rates are probabilities in [0, 1] applied per API request or per webhook delivery.
struct FaultConfig {
  double rate_429 = 0;            ///< API answers 429 tooManyRequests (Retry-After: retryAfterS)
  int retry_after_s = 1;
  double rate_5xx = 0;            ///< API answers 500 bug or 503 (alternating)
  int latency_ms = 0;             ///< added delay …
  double latency_rate = 1;        ///< … on this share of API requests
  double malformed_amount_rate = 0;  ///< transactions served with one decimal too many
  double duplicate_webhook_rate = 0;  ///< a webhook delivered twice
  double out_of_order_webhook_rate = 0;  ///< a webhook held back so later ones overtake it
  int out_of_order_delay_ms = 1500;
  double bad_signature_rate = 0;  ///< a forged copy (wrong HMAC) precedes the genuine delivery
};

/// Parses a FaultConfig JSON ({"rate429": 0.1, …}); unknown keys are an error.
/// Throws std::invalid_argument with the offending key.
FaultConfig parse_faults(const boost::json::object& o, FaultConfig base = {});
boost::json::object faults_json(const FaultConfig& f);

/// Thread-safe holder deciding each fault with its own seeded generator.
class Faults {
 public:
  explicit Faults(uint64_t seed) : rng_(mix(seed, 0xfa017)) {}
  FaultConfig get() const {
    std::lock_guard l(mu_);
    return cfg_;
  }
  void set(const FaultConfig& c) {
    std::lock_guard l(mu_);
    cfg_ = c;
  }
  /// Draws true with probability p.
  bool roll(double p) {
    if (p <= 0) return false;
    std::lock_guard l(mu_);
    return rng_.unit() < p;
  }

 private:
  mutable std::mutex mu_;
  FaultConfig cfg_;
  Rng rng_;
};

}  // namespace cx::sandbox::powens
