#include "config.hpp"

#include <connectivity/config.hpp>

namespace powens {

std::string Config::webview_domain() const {
  return domain.find('.') == std::string::npos ? domain + ".biapi.pro" : domain;
}

Config parse_config(const boost::json::object& c) {
  cx::config::Bound bound(kConfigSchema, c, "invalid Powens config");
  Config cfg;
  cfg.name = bound.string("name");
  cfg.client_id = bound.string("clientID");
  cfg.client_secret = bound.string("clientSecret");
  cfg.configuration_token = bound.string("configurationToken");
  cfg.domain = bound.string("domain");
  if (cfg.domain.find_first_of("/ :?#") != std::string::npos)
    throw cx::invalid("domain", "invalid Powens config: domain must be a bare Powens domain such as \"acme\"");
  // Both documented forms: the API base "https://acme.biapi.pro/2.0" (what the Powens
  // documentation calls typical) and the bare root; the connector appends /2.0 itself.
  std::string e = bound.base_url("endpoint");
  if (e.ends_with("/2.0")) e = cx::config::without_trailing_slashes(e.substr(0, e.size() - 4));
  cfg.endpoint = e;
  cfg.max_connections_per_link = bound.integer("maxConnectionsPerLink", 1);
  cfg.page_size = bound.integer("pageSize", cfg.page_size);
  cfg.page_size_set = bound.given("pageSize");
  cfg.polling_period = bound.string("pollingPeriod", cfg.polling_period);
  cfg.webview_url = bound.base_url("webviewURL", cfg.webview_url);
  return cfg;
}

}  // namespace powens
