// connectivity/config.hpp — a connector config checked against, and read through, the plugin's
// kConfigSchema. The host runs the same check before create() (a 400 naming the field), so a
// connector can rely on it and still call it itself (cx-inspect and tests call create() directly).
//
// The schema is the flat subset of sdk/schemas/config.schema.json. Per field:
//   type     "string" | "integer" | "number" | "boolean". An integer may come as a JSON integer,
//            an integral number or a decimal string ("25"), as v3 API clients send them.
//   format   "duration": Go duration text > 0 ("30m", connectivity/duration.hpp);
//            "url": an absolute http(s) URL with a host and no credentials, query or fragment.
//   enum     the allowed values; minimum / maximum for integer and number.
//   default  what an absent field reads as.
// "required" fields must be present and not null, and a required string must not be blank.
// A null field counts as absent; any other value is checked ("" is not a duration). Unknown
// fields (name, provider, …) are accepted and ignored.
#pragma once

#include <connectivity/connector.hpp>
#include <connectivity/duration.hpp>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::config {

/// One field that breaks the schema, with a sentence that starts with the field's name.
struct Problem {
  std::string field;
  std::string message;
};

/// An integer given as a JSON integer, an integral number, or a decimal string; nullopt otherwise.
inline std::optional<int64_t> integer_of(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return v.get_uint64() > uint64_t(INT64_MAX) ? std::nullopt : std::optional<int64_t>(v.get_uint64());
  if (v.is_double()) {
    double d = v.get_double();
    if (std::isfinite(d) && std::fabs(d) <= 9e15 && d == std::floor(d)) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

/// True for an absolute http(s) URL with a host and no userinfo, query or fragment (RFC 3986,
/// parsed with Boost.URL).
inline bool is_base_url(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return false;
  if (u->scheme_id() != boost::urls::scheme::http && u->scheme_id() != boost::urls::scheme::https) return false;
  if (u->encoded_host().empty() || u->has_userinfo() || u->has_query() || u->has_fragment()) return false;
  // After an authority the path is empty or starts with '/' (RFC 3986 §3.3); Boost.URL 1.81
  // reads "http://h:99x" as port 99 and path "x".
  std::string_view path = u->encoded_path();
  if (!path.empty() && path.front() != '/') return false;
  std::string_view authority = u->encoded_authority();
  auto close = authority.rfind(']');
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close)) return true;
  std::string_view port = authority.substr(colon + 1);
  int n = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), n);
  return !port.empty() && r.ec == std::errc() && r.ptr == port.data() + port.size() && n <= 65535;
}

/// `url` without its trailing '/'s, so that base + "/path" never doubles a slash
/// ("https://h/api/" → "https://h/api").
inline std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

namespace detail {
inline bool blank(const boost::json::value& v) {
  return v.is_string() && v.get_string().find_first_not_of(" \t\r\n") == boost::json::string::npos;
}
inline std::string number_text(double d) {
  return d == std::floor(d) && std::fabs(d) < 9e15 ? std::to_string(static_cast<int64_t>(d)) : std::to_string(d);
}
inline std::optional<double> number_of(const boost::json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (auto n = integer_of(v)) return static_cast<double>(*n);
  return std::nullopt;
}
/// The problem with value v of field `name` under `prop`, if any.
inline std::optional<std::string> check_field(std::string_view name, const boost::json::object& prop,
                                              const boost::json::value& v) {
  const std::string f(name);
  auto* t = prop.if_contains("type");
  std::string_view type = t && t->is_string() ? std::string_view(t->get_string()) : "string";
  if (type == "string" && !v.is_string()) return f + " must be a string";
  if (type == "boolean" && !v.is_bool()) return f + " must be true or false";
  if (type == "integer" && !integer_of(v)) return f + " must be an integer";
  if (type == "number" && !number_of(v)) return f + " must be a number";
  if (type == "integer" || type == "number") {
    double n = *number_of(v);
    auto* lo = prop.if_contains("minimum");
    auto* hi = prop.if_contains("maximum");
    bool below = lo && lo->is_number() && n < lo->to_number<double>();
    bool above = hi && hi->is_number() && n > hi->to_number<double>();
    if (below || above) {
      std::string range = lo && hi ? "between " + number_text(lo->to_number<double>()) + " and " +
                                         number_text(hi->to_number<double>())
                          : lo ? ">= " + number_text(lo->to_number<double>())
                               : "<= " + number_text(hi->to_number<double>());
      return f + " must be " + range;
    }
  }
  if (auto* e = prop.if_contains("enum"); e && e->is_array()) {
    bool found = false;
    std::string allowed;
    for (const auto& option : e->get_array()) {
      found |= option == v;
      allowed += (allowed.empty() ? "" : ", ") + (option.is_string() ? std::string(option.get_string())
                                                                      : boost::json::serialize(option));
    }
    if (!found) return f + " must be one of " + allowed;
  }
  if (auto* fmt = prop.if_contains("format"); fmt && fmt->is_string() && v.is_string()) {
    if (fmt->get_string() == "duration" && !is_positive_duration(v.get_string()))
      return f + " must be a positive duration such as \"30m\" or \"1h30m\"";
    if (fmt->get_string() == "url" && !is_base_url(v.get_string()))
      return f + " must be an http(s) URL with a host and no credentials, query or fragment";
  }
  return std::nullopt;
}
}  // namespace detail

/// Every problem of `config` against `schema` (a kConfigSchema parsed), in schema order:
/// missing required fields first, then bad values.
inline std::vector<Problem> check(const boost::json::object& schema, const boost::json::object& config) {
  std::vector<Problem> out;
  static const boost::json::object kNone;
  auto* props_v = schema.if_contains("properties");
  const auto& props = props_v && props_v->is_object() ? props_v->get_object() : kNone;
  if (auto* req = schema.if_contains("required"); req && req->is_array())
    for (const auto& r : req->get_array()) {
      if (!r.is_string()) continue;
      auto* v = config.if_contains(r.get_string());
      if (!v || v->is_null()) out.push_back({std::string(r.get_string()), std::string(r.get_string()) + " is required"});
      else if (detail::blank(*v)) out.push_back({std::string(r.get_string()), std::string(r.get_string()) + " must not be empty"});
    }
  for (const auto& [name, prop] : props) {
    auto* v = config.if_contains(name);
    if (!v || v->is_null() || !prop.is_object()) continue;
    if (detail::blank(*v) && std::find_if(out.begin(), out.end(), [&](auto& p) { return p.field == name; }) != out.end())
      continue;  // a blank required string is reported once
    if (auto why = detail::check_field(name, prop.get_object(), *v)) out.push_back({std::string(name), *why});
  }
  return out;
}

/// Throws Failure(CX_ERR_INVALID_ARGUMENT) whose field is the first problem's and whose message
/// is `what` + ": " + every problem, "; "-separated. Also throws it, naming field "config", when
/// the schema itself is not a JSON object.
inline void validate(std::string_view schema_json, const boost::json::object& config, std::string_view what) {
  boost::system::error_code ec;
  auto schema = boost::json::parse(schema_json, ec);
  if (ec || !schema.is_object()) throw Failure(CX_ERR_INVALID_ARGUMENT, std::string(what) + ": the config schema is unreadable", "config");
  auto problems = check(schema.get_object(), config);
  if (problems.empty()) return;
  std::string message(what);
  message += ": ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i].message;
  throw Failure(CX_ERR_INVALID_ARGUMENT, std::move(message), problems.front().field);
}

/// A config validated against a schema, read with the schema's defaults.
///
///   static constexpr const char* kConfigSchema = R"({"type":"object","required":["apiKey"],
///     "properties":{"apiKey":{"type":"string"},"pageSize":{"type":"integer","default":25}}})";
///   cx::config::Bound cfg(kConfigSchema, config, "acme config");  // throws INVALID_ARGUMENT
///   std::string key = cfg.string("apiKey"); int64_t n = cfg.integer("pageSize");
class Bound {
 public:
  Bound(std::string_view schema_json, const boost::json::object& config, std::string_view what)
      : config_(config) {
    validate(schema_json, config, what);
    auto schema = boost::json::parse(schema_json).get_object();
    if (auto* p = schema.if_contains("properties"); p && p->is_object()) props_ = p->get_object();
  }

  /// The value given (not null), else the schema's default, else nullptr.
  const boost::json::value* get(std::string_view field) const {
    if (auto* v = config_.if_contains(field); v && !v->is_null()) return v;
    if (auto* p = props_.if_contains(field); p && p->is_object())
      if (auto* d = p->get_object().if_contains("default")) return d;
    return nullptr;
  }
  bool has(std::string_view field) const { return get(field) != nullptr; }
  /// True when the config itself gives the field (a default does not count).
  bool given(std::string_view field) const {
    auto* v = config_.if_contains(field);
    return v && !v->is_null();
  }
  std::string string(std::string_view field, std::string fallback = {}) const {
    auto* v = get(field);
    return v && v->is_string() ? std::string(v->get_string()) : fallback;
  }
  int64_t integer(std::string_view field, int64_t fallback = 0) const {
    auto* v = get(field);
    return v ? integer_of(*v).value_or(fallback) : fallback;
  }
  bool boolean(std::string_view field, bool fallback = false) const {
    auto* v = get(field);
    return v && v->is_bool() ? v->get_bool() : fallback;
  }
  /// A url-format field (else `fallback`) without trailing '/'s (without_trailing_slashes).
  std::string base_url(std::string_view field, std::string fallback = {}) const {
    return without_trailing_slashes(string(field, std::move(fallback)));
  }
  std::optional<std::chrono::nanoseconds> duration(std::string_view field) const {
    auto* v = get(field);
    return v && v->is_string() ? parse_go_duration(v->get_string()) : std::nullopt;
  }

 private:
  boost::json::object config_;
  boost::json::object props_;
};

}  // namespace cx::config
