#include "config.hpp"

#include <connectivity/config.hpp>

namespace powens {

namespace {
std::string trim_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

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
  std::string e = trim_trailing_slashes(bound.string("endpoint"));
  if (e.size() >= 4 && e.compare(e.size() - 4, 4, "/2.0") == 0) e = trim_trailing_slashes(e.substr(0, e.size() - 4));
  cfg.endpoint = e;
  cfg.max_connections_per_link = bound.integer("maxConnectionsPerLink", 1);
  cfg.page_size = bound.integer("pageSize", cfg.page_size);
  cfg.page_size_set = bound.given("pageSize");
  cfg.polling_period = bound.string("pollingPeriod", cfg.polling_period);
  cfg.webview_url = trim_trailing_slashes(bound.string("webviewURL", cfg.webview_url));
  return cfg;
}

}  // namespace powens
