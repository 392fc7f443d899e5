#include "config.hpp"

#include <connectivity/connector.hpp>

#include <cctype>
#include <utility>
#include <vector>

namespace cx::generic {

bool is_valid_endpoint(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) rest = url.substr(8);
  else if (url.starts_with("http://")) rest = url.substr(7);
  else return false;
  for (char c : url)
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return false;
  if (url.find_first_of("?#") != std::string_view::npos) return false;
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) return false;  // credentials belong in apiKey
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view after = host.substr(close + 1);
    if (!after.empty() && after.front() != ':') return false;
    host = host.substr(0, close + 1);
  } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port)
      if (c < '0' || c > '9') return false;
    host = host.substr(0, colon);
  }
  return !host.empty();
}

bool is_valid_duration(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  bool nonzero = false;
  while (i < s.size()) {
    size_t start = i;
    bool digit_nonzero = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') digit_nonzero |= s[i++] != '0';
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') digit_nonzero |= s[i++] != '0';
    }
    if (i == start || (i == start + 1 && s[start] == '.')) return false;
    static constexpr std::string_view kUnits[] = {"ns", "us", "\xC2\xB5s", "ms", "s", "m", "h"};
    size_t matched = 0;
    for (auto u : kUnits)
      if (s.substr(i).starts_with(u) && u.size() > matched) matched = u.size();
    // "m" must not swallow the "m" of "ms"; the longest unit wins above.
    if (matched == 0) return false;
    i += matched;
    nonzero |= digit_nonzero;
  }
  return nonzero;
}

Config parse_config(const boost::json::object& o) {
  std::vector<std::pair<std::string, std::string>> problems;  // field, reason
  Config cfg;

  auto* key = o.if_contains("apiKey");
  if (!key || key->is_null()) problems.emplace_back("apiKey", "apiKey is required");
  else if (!key->is_string() || key->get_string().empty()) problems.emplace_back("apiKey", "apiKey must be a non-empty string");
  else cfg.api_key = std::string(key->get_string());

  auto* ep = o.if_contains("endpoint");
  if (!ep || ep->is_null()) {
    problems.emplace_back("endpoint", "endpoint is required");
  } else if (!ep->is_string() || !is_valid_endpoint(ep->get_string())) {
    problems.emplace_back("endpoint", "endpoint must be an http:// or https:// URL with a host and no query");
  } else {
    cfg.endpoint = std::string(ep->get_string());
    while (cfg.endpoint.size() > 1 && cfg.endpoint.back() == '/') cfg.endpoint.pop_back();
  }

  if (auto* pp = o.if_contains("pollingPeriod"); pp && !pp->is_null()) {
    if (!pp->is_string() || !is_valid_duration(pp->get_string()))
      problems.emplace_back("pollingPeriod", "pollingPeriod must be a positive duration such as \"2m\" or \"1h30m\"");
    else cfg.polling_period = std::string(pp->get_string());
  }

  if (!problems.empty()) {
    std::string message = "invalid generic connector config: ";
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i].second;
    throw Failure(CX_ERR_INVALID_ARGUMENT, std::move(message), problems.front().first);
  }
  return cfg;
}

}  // namespace cx::generic
