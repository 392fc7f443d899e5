#include "config.hpp"

#include <connectivity/config.hpp>

namespace cx::generic {

Config parse_config(const boost::json::object& o) {
  config::Bound bound(kConfigSchema, o, "invalid generic connector config");
  Config cfg;
  cfg.api_key = bound.string("apiKey");
  cfg.endpoint = bound.base_url("endpoint");
  if (bound.given("pollingPeriod")) cfg.polling_period = bound.string("pollingPeriod");
  return cfg;
}

}  // namespace cx::generic
