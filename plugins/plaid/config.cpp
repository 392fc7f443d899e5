#include "config.hpp"

#include <connectivity/connector.hpp>

#include <cctype>

namespace cx::plaid {

namespace {
std::string required_string(const boost::json::object& c, const char* field) {
  auto* v = c.if_contains(field);
  if (!v || v->is_null()) throw cx::invalid(field, std::string(field) + " is required");
  if (!v->is_string()) throw cx::invalid(field, std::string(field) + " must be a string");
  std::string s(v->get_string());
  if (s.find_first_not_of(" \t\r\n") == std::string::npos)
    throw cx::invalid(field, std::string(field) + " must not be empty");
  return s;
}
}  // namespace

bool is_duration(const std::string& text) {
  static const char* kUnits[] = {"ns", "us", "µs", "ms", "s", "m", "h"};
  size_t i = 0, n = text.size();
  if (n == 0) return false;
  if (text == "0") return true;
  while (i < n) {
    size_t digits = 0;
    while (i < n && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i, ++digits;
    if (digits == 0) return false;
    bool unit = false;
    for (const char* u : kUnits) {
      std::string_view uv(u);
      if (text.compare(i, uv.size(), uv) == 0 &&
          !(uv == "m" && i + 1 < n && text[i + 1] == 's')) {  // "ms" is not "m" then "s"
        i += uv.size();
        unit = true;
        break;
      }
    }
    if (!unit) return false;
  }
  return true;
}

Config Config::parse(const boost::json::object& c) {
  Config cfg;
  cfg.client_id = required_string(c, "clientID");
  cfg.client_secret = required_string(c, "clientSecret");
  if (auto* v = c.if_contains("isSandbox"); v && !v->is_null()) {
    if (!v->is_bool()) throw cx::invalid("isSandbox", "isSandbox must be a boolean");
    cfg.is_sandbox = v->get_bool();
  }
  cfg.base_url = cfg.is_sandbox ? kSandboxHost : kProductionHost;
  if (auto* v = c.if_contains("baseURL"); v && !v->is_null()) {
    if (!v->is_string()) throw cx::invalid("baseURL", "baseURL must be a string");
    std::string url(v->get_string());
    if (!url.empty()) {
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw cx::invalid("baseURL", "baseURL must be an http:// or https:// URL");
      if (url.find_first_of(" ?#") != std::string::npos)
        throw cx::invalid("baseURL", "baseURL must not contain spaces, a query or a fragment");
      while (!url.empty() && url.back() == '/') url.pop_back();
      if (url.substr(url.find("://") + 3).empty()) throw cx::invalid("baseURL", "baseURL has no host");
      cfg.base_url = url;
    }
  }
  if (auto* v = c.if_contains("pollingPeriod"); v && !v->is_null()) {
    if (!v->is_string() || !is_duration(std::string(v->get_string())))
      throw cx::invalid("pollingPeriod", "pollingPeriod must be a duration such as \"30m\"");
    cfg.polling_period = std::string(v->get_string());
  }
  return cfg;
}

}  // namespace cx::plaid
