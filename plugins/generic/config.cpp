#include "config.hpp"

#include <connectivity/config.hpp>

namespace cx::generic {

Config parse_config(const boost::json::object& o) {
  config::Bound bound(kConfigSchema, o, "invalid generic connector config");
  Config cfg;
  cfg.api_key = bound.string("apiKey");
  cfg.endpoint = bound.string("endpoint");
  while (cfg.endpoint.size() > 1 && cfg.endpoint.back() == '/') cfg.endpoint.pop_back();
  if (bound.given("pollingPeriod")) cfg.polling_period = bound.string("pollingPeriod");
  return cfg;
}

}  // namespace cx::generic
