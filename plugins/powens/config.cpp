#include "config.hpp"

#include <connectivity/connector.hpp>

#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

namespace powens {

namespace {

struct Problems {
  std::string first_field;
  std::vector<std::string> messages;
  void add(const std::string& field, const std::string& message) {
    if (first_field.empty()) first_field = field;
    messages.push_back(field + ": " + message);
  }
};

std::optional<std::string> required_string(const boost::json::object& c, const char* key, Problems& p) {
  auto* v = c.if_contains(key);
  if (!v || v->is_null()) {
    p.add(key, "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    p.add(key, "must be a string");
    return std::nullopt;
  }
  std::string s(v->get_string());
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
    p.add(key, "must not be empty");
    return std::nullopt;
  }
  return s;
}

/// An integer given as a JSON integer, an integral double, or a decimal string.
std::optional<int64_t> integer_of(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return v.get_uint64() > INT64_MAX ? std::nullopt : std::optional<int64_t>(int64_t(v.get_uint64()));
  if (v.is_double()) {
    double d = v.get_double();
    if (d >= -9e15 && d <= 9e15 && d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t n = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return std::nullopt;
      n = n * 10 + (ch - '0');
    }
    return n;
  }
  return std::nullopt;
}

bool is_http_url(std::string_view s) {
  std::string_view rest;
  if (s.rfind("https://", 0) == 0) rest = s.substr(8);
  else if (s.rfind("http://", 0) == 0) rest = s.substr(7);
  else return false;
  if (rest.empty() || rest[0] == '/' || rest.find_first_of(" \t\r\n?#@") != std::string_view::npos) return false;
  return true;
}

std::string trim_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

bool is_duration(std::string_view text) {
  if (text.empty()) return false;
  size_t i = 0;
  bool positive = false;
  while (i < text.size()) {
    size_t start = i;
    bool nonzero = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) nonzero |= text[i++] != '0';
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) nonzero |= text[i++] != '0';
    }
    if (i == start) return false;
    std::string_view rest = text.substr(i);
    size_t unit = 0;
    for (std::string_view u : {"ns", "us", "ms", "h", "m", "s"})
      if (rest.rfind(u, 0) == 0) {
        unit = u.size();
        break;
      }
    if (unit == 0) return false;
    i += unit;
    positive |= nonzero;
  }
  return positive;
}

std::string Config::webview_domain() const {
  return domain.find('.') == std::string::npos ? domain + ".biapi.pro" : domain;
}

Config parse_config(const boost::json::object& c) {
  Problems p;
  Config cfg;
  if (auto* n = c.if_contains("name"); n && n->is_string()) cfg.name = std::string(n->get_string());

  if (auto s = required_string(c, "clientID", p)) cfg.client_id = *s;
  if (auto s = required_string(c, "clientSecret", p)) cfg.client_secret = *s;
  if (auto s = required_string(c, "configurationToken", p)) cfg.configuration_token = *s;
  if (auto s = required_string(c, "domain", p)) {
    if (s->find_first_of("/ :?#") != std::string::npos) p.add("domain", "must be a bare Powens domain such as \"acme\"");
    else cfg.domain = *s;
  }
  if (auto s = required_string(c, "endpoint", p)) {
    std::string e = trim_trailing_slashes(*s);
    // Both documented forms: the API base "https://acme.biapi.pro/2.0" (what the Powens
    // documentation calls typical) and the bare root; the connector appends /2.0 itself.
    if (e.size() >= 4 && e.compare(e.size() - 4, 4, "/2.0") == 0) e = trim_trailing_slashes(e.substr(0, e.size() - 4));
    if (!is_http_url(e)) p.add("endpoint", "must be an http(s) URL such as https://acme.biapi.pro or https://acme.biapi.pro/2.0");
    else cfg.endpoint = e;
  }
  if (auto* v = c.if_contains("maxConnectionsPerLink"); !v || v->is_null()) {
    p.add("maxConnectionsPerLink", "is required");
  } else if (auto n = integer_of(*v); !n || *n < 1) {
    p.add("maxConnectionsPerLink", "must be an integer >= 1");
  } else {
    cfg.max_connections_per_link = *n;
  }
  if (auto* v = c.if_contains("pageSize"); v && !v->is_null()) {
    auto n = integer_of(*v);
    if (!n || *n < 1 || *n > kMaxPageSize) p.add("pageSize", "must be an integer between 1 and 1000");
    else {
      cfg.page_size = *n;
      cfg.page_size_set = true;
    }
  }
  if (auto* v = c.if_contains("pollingPeriod"); v && !v->is_null()) {
    if (!v->is_string() || !is_duration(v->get_string())) p.add("pollingPeriod", "must be a positive duration such as \"30m\"");
    else cfg.polling_period = std::string(v->get_string());
  }
  if (auto* v = c.if_contains("webviewURL"); v && !v->is_null()) {
    std::string w = v->is_string() ? trim_trailing_slashes(std::string(v->get_string())) : std::string{};
    if (!is_http_url(w)) p.add("webviewURL", "must be an http(s) URL such as https://webview.powens.com");
    else cfg.webview_url = w;
  }

  if (!p.messages.empty()) {
    std::string msg = "invalid Powens config: ";
    for (size_t i = 0; i < p.messages.size(); ++i) msg += (i ? "; " : "") + p.messages[i];
    throw cx::invalid(p.first_field, msg);
  }
  return cfg;
}

}  // namespace powens
