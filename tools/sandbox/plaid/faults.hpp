// Plaid sandbox: fault injection, set through /sandbox/console/faults (or --faults).
#pragma once

#include "catalog.hpp"
#include "model.hpp"

#include <boost/json.hpp>

#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace cx::sandbox::plaid {

/// Webhook signing faults, consumed one per delivery.
inline constexpr const char* kWebhookFaults[] = {"expired_key", "stale_iat", "bad_body_hash", "alg_none",
                                                 "alg_hs256", "unknown_kid", "bad_signature"};

struct FaultSettings {
  double rate429 = 0, rate500 = 0, rate503 = 0;  ///< per API call probabilities (seeded)
  std::string path;                              ///< limit rates/failNext to one endpoint ("" = all API endpoints)
  std::deque<std::string> fail_next;             ///< "429", "500", "503", "INSTITUTION_DOWN", "ITEM_LOGIN_REQUIRED"
  int mutation_during_pagination = 0;            ///< next N has_more pages are followed by a new transaction
  int not_ready = 0;                             ///< next N first syncs answer NOT_READY with an empty cursor
  std::deque<std::string> webhook;               ///< kWebhookFaults, one per next delivery
  bool duplicate_webhooks = false;               ///< deliver every webhook twice
  int latency_ms = 0;                            ///< added to every API answer
};

/// Parses the console/--faults JSON (camelCase keys of FaultSettings); throws std::invalid_argument.
FaultSettings parse_faults(const boost::json::object& o, FaultSettings base = {});
boost::json::object faults_json(const FaultSettings& f);

class Faults {
 public:
  explicit Faults(uint64_t seed) : rng_{seed ^ 0xFA017ull} {}
  void set(FaultSettings f) { std::lock_guard l(mu_); s_ = std::move(f); }
  FaultSettings get() const { std::lock_guard l(mu_); return s_; }
  /// The error to answer instead of serving `path`, if any (consumes failNext, rolls the rates).
  std::optional<PlaidErr> api_fault(const std::string& path);
  bool take_mutation();
  bool take_not_ready();
  std::string take_webhook_fault();
  bool duplicate_webhooks() const { std::lock_guard l(mu_); return s_.duplicate_webhooks; }
  int latency_ms() const { std::lock_guard l(mu_); return s_.latency_ms; }

 private:
  mutable std::mutex mu_;
  FaultSettings s_;
  Rng rng_;
};

}  // namespace cx::sandbox::plaid
