#include "config.hpp"

#include <connectivity/config.hpp>

namespace cx::plaid {

Config Config::parse(const boost::json::object& c) {
  config::Bound bound(kConfigSchema, c, "invalid Plaid config");
  Config cfg;
  cfg.client_id = bound.string("clientID");
  cfg.client_secret = bound.string("clientSecret");
  cfg.is_sandbox = bound.boolean("isSandbox");
  cfg.base_url = bound.base_url("baseURL", cfg.is_sandbox ? kSandboxHost : kProductionHost);
  if (bound.given("pollingPeriod")) cfg.polling_period = bound.string("pollingPeriod");
  return cfg;
}

}  // namespace cx::plaid
