// connectivity/http.hpp — calling a provider: HTTP status → CX status with Retry-After, a JSON
// call for which a garbage 2xx is retried, and query strings built on Boost.URL.
//
// Boost.URL is compiled into the plugin by cx_add_connector (like Boost.JSON), so a plugin needs
// no Boost library at run time.
#pragma once

#include <connectivity/connector.hpp>
#include <connectivity/json.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <functional>
#include <iomanip>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx {

/// What a response means for the host: a CX status (CX_OK for 2xx) and, when the answer asks
/// for a pause, the delay in ms.
struct HttpClass {
  int32_t code = CX_OK;
  int64_t retry_after_ms = 0;
  bool ok() const { return code == CX_OK; }
};

/// An HTTP-date (RFC 9110 §5.6.7) as UTC ms: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") or
/// the obsolete RFC 850 and asctime forms; nullopt otherwise. Read with std::get_time in the
/// classic locale.
inline std::optional<int64_t> parse_http_date(std::string_view text) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    std::tm tm{};
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, format);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) continue;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
  }
  return std::nullopt;
}

/// The delay a Retry-After value asks for, in ms (RFC 9110 §10.2.3): delta-seconds ("120"), or an
/// HTTP-date relative to now_unix_ms (UTC ms; a date in the past gives 0). nullopt when absent
/// or unreadable.
inline std::optional<int64_t> retry_after_ms(std::string_view value, int64_t now_unix_ms) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    int64_t seconds = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size()) return std::nullopt;
    constexpr int64_t kMaxSeconds = int64_t(1) << 40;  // far beyond any sane pause; no overflow below
    return (seconds < kMaxSeconds ? seconds : kMaxSeconds) * 1000;
  }
  auto at_ms = parse_http_date(value);
  if (!at_ms) return std::nullopt;
  return *at_ms > now_unix_ms ? *at_ms - now_unix_ms : 0;
}

/// The CX status of an HTTP answer (sdk/README.md, "Errors and retries"):
/// 2xx → CX_OK; 401, 403 → CX_ERR_AUTH; 404 → CX_ERR_NOT_FOUND; 429 → CX_ERR_RATE_LIMITED;
/// 408, 421, 423, 425, 5xx, and an unexpected 1xx or 3xx → CX_ERR_UPSTREAM (retried); any other
/// 4xx → CX_ERR_INVALID_ARGUMENT.
/// retry_after_ms is read from Retry-After on 429 and 503 (now_unix_ms: host().now_ms()).
inline HttpClass classify(const HttpResponse& r, int64_t now_unix_ms) {
  const int s = r.status;
  HttpClass c;
  if (s >= 200 && s < 300) return c;
  if (s == 401 || s == 403) c.code = CX_ERR_AUTH;
  else if (s == 404) c.code = CX_ERR_NOT_FOUND;
  else if (s == 429) c.code = CX_ERR_RATE_LIMITED;
  else if (s >= 500 || s < 400 || s == 408 || s == 421 || s == 423 || s == 425) c.code = CX_ERR_UPSTREAM;
  else c.code = CX_ERR_INVALID_ARGUMENT;
  if (s == 429 || s == 503) c.retry_after_ms = retry_after_ms(r.header("retry-after"), now_unix_ms).value_or(0);
  return c;
}

/// The Failure a non-2xx answer stands for, with `message` (say which request, and what the
/// provider said; never a secret).
inline Failure failure_of(const HttpResponse& r, std::string message, int64_t now_unix_ms) {
  HttpClass c = classify(r, now_unix_ms);
  return Failure(c.ok() ? CX_ERR_UPSTREAM : c.code, std::move(message), {}, c.retry_after_ms);
}

/// At most `max` bytes of a body for a message, trimmed, "(empty body)" when blank.
inline std::string body_excerpt(std::string_view body, size_t max = 300) {
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
  if (body.empty()) return "(empty body)";
  return body.size() <= max ? std::string(body) : std::string(body.substr(0, max)) + "…";
}

/// The JSON shape a call expects of a 2xx body.
enum class Shape { any, object, array };

/// How call_json reads and reports one request.
struct JsonCall {
  std::string what;                       ///< for messages: "acme GET /accounts"
  Shape shape = Shape::any;               ///< a 2xx of another shape is CX_ERR_UPSTREAM
  std::optional<json::Numbers> exact;     ///< parse with json::parse_exact in this mode
  /// What the provider said in an error body (its code and message); default: body_excerpt.
  std::function<std::string(const HttpResponse&)> describe;
};

/// The JSON of a 2xx answer. Throws Failure: classify()'s code for a non-2xx (message "<what>:
/// HTTP <status>: <describe>"), CX_ERR_UPSTREAM (retried) for a 2xx whose body is not JSON or
/// not of spec.shape: a provider's garbage is a provider fault, never the PSU's nor ours.
inline boost::json::value json_of(const HttpResponse& r, const JsonCall& spec, int64_t now_unix_ms) {
  auto said = [&] { return spec.describe ? spec.describe(r) : body_excerpt(r.body); };
  if (!r.ok())
    throw failure_of(r, spec.what + ": HTTP " + std::to_string(r.status) + ": " + said(), now_unix_ms);
  std::optional<boost::json::value> v;
  if (spec.exact) {
    v = json::parse_exact(r.body, *spec.exact);
  } else {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(r.body, ec);
    if (!ec) v = std::move(parsed);
  }
  if (!v) throw Failure(CX_ERR_UPSTREAM, spec.what + ": HTTP " + std::to_string(r.status) +
                                             " with a body that is not JSON: " + body_excerpt(r.body, 120));
  if ((spec.shape == Shape::object && !v->is_object()) || (spec.shape == Shape::array && !v->is_array()))
    throw Failure(CX_ERR_UPSTREAM, spec.what + ": HTTP " + std::to_string(r.status) + " with a JSON " +
                                       (v->is_object() ? "object" : v->is_array() ? "array" : "scalar") +
                                       " where " + (spec.shape == Shape::object ? "an object" : "an array") +
                                       " was expected");
  return std::move(*v);
}

/// host.http(req, &call) then json_of(): the one way to call a JSON endpoint. now_ms is read
/// from the host only for an error answer.
inline boost::json::value call_json(const Host& host, const HttpRequest& req, const Call& call, const JsonCall& spec) {
  HttpResponse r = host.http(req, &call);
  return json_of(r, spec, r.ok() ? 0 : host.now_ms());
}

/// Query parameters, in the order they are sent.
using Query = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes every byte outside RFC 3986 unreserved (A-Z a-z 0-9 - . _ ~), upper-case hex
/// (space → %20, '/' → %2F, '&' → %26), so the text is safe in any path segment or query part.
inline std::string percent_encode(std::string_view text) {
  boost::urls::encoding_opts opts;
  opts.space_as_plus = false;
  return boost::urls::encode(text, boost::urls::unreserved_chars, opts);
}

/// `base` (an absolute URL, which may already have a query) with `params` appended, each name
/// and value percent_encode()d. Throws Failure(CX_ERR_INVALID_ARGUMENT) when base is not a URL.
inline std::string with_query(std::string_view base, const Query& params) {
  auto parsed = boost::urls::parse_uri_reference(base);
  if (!parsed) throw Failure(CX_ERR_INVALID_ARGUMENT, "not a URL: " + std::string(base));
  boost::urls::url u(*parsed);
  std::string query(u.encoded_query());
  for (const auto& [name, value] : params)
    query += (query.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
  if (!query.empty()) u.set_encoded_query(query);
  return std::string(u.buffer());
}

/// The first value of query parameter `name` in `url`, percent-decoded ('+' stays '+'); nullopt
/// when absent or when url is not a URL reference.
inline std::optional<std::string> query_param(std::string_view url, std::string_view name) {
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = false;
  auto params = parsed->params(opts);
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

/// The path of an absolute URL as sent (still percent-encoded; "/" when empty), without query
/// or fragment; nullopt when url is not an absolute URI (RFC 3986 §4.3).
inline std::optional<std::string> url_path(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority()) return std::nullopt;
  std::string path(parsed->encoded_path());
  return path.empty() ? std::string("/") : path;
}

/// "scheme://authority" of an absolute URL (as written, not normalised); nullopt when url is
/// not an absolute URI with an authority.
inline std::optional<std::string> url_origin(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority()) return std::nullopt;
  return std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority());
}

}  // namespace cx
