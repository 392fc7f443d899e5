#include "client.hpp"

#include <cctype>
#include <ctime>

namespace cx::generic {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// The string under `upper` or `lower` in o, if any.
std::string field_of(const boost::json::object& o, const char* upper, const char* lower) {
  for (const char* k : {upper, lower})
    if (auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->get_string());
  return {};
}

}  // namespace

std::string error_text(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    std::string title = field_of(v.get_object(), "Title", "title");
    std::string detail = field_of(v.get_object(), "Detail", "detail");
    if (!title.empty() && !detail.empty()) return title + ": " + detail;
    if (!title.empty() || !detail.empty()) return title + detail;
  }
  std::string_view raw = trim(body);
  if (raw.empty()) return "(empty body)";
  constexpr size_t kMax = 300;
  if (raw.size() <= kMax) return std::string(raw);
  return std::string(raw.substr(0, kMax)) + "…";
}

std::optional<int64_t> retry_after_ms(std::string_view value, int64_t now_ms) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  bool digits = true;
  for (char c : value) digits &= c >= '0' && c <= '9';
  if (digits) {
    if (value.size() > 9) return std::nullopt;
    return std::stoll(std::string(value)) * 1000;
  }
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return at_ms > now_ms ? at_ms - now_ms : 0;
}

Failure classify(const HttpResponse& r, std::string_view what, int64_t now_ms) {
  std::string message = "generic service answered HTTP " + std::to_string(r.status) + " to " +
                        std::string(what) + ": " + error_text(r.body);
  const int s = r.status;
  if (s == 401 || s == 403) return Failure(CX_ERR_AUTH, std::move(message));
  if (s == 429) {
    int64_t delay = retry_after_ms(r.header("retry-after"), now_ms).value_or(0);
    return Failure(CX_ERR_RATE_LIMITED, std::move(message), {}, delay);
  }
  if (s >= 500 || s == 408 || s == 421 || s == 423 || s == 425) return Failure(CX_ERR_UPSTREAM, std::move(message));
  if (s == 404) return Failure(CX_ERR_NOT_FOUND, std::move(message));
  return Failure(CX_ERR_INVALID_ARGUMENT, std::move(message));
}

boost::json::value Client::get(std::string_view path, const Query& query, const Call& call) const {
  HttpRequest req;
  req.method = "GET";
  req.url = config_.endpoint + std::string(path);
  for (size_t i = 0; i < query.size(); ++i)
    req.url += (i ? "&" : "?") + percent_encode(query[i].first) + "=" + percent_encode(query[i].second);
  req.headers = {{"Authorization", "Bearer " + config_.api_key}, {"Accept", "application/json"}};

  HttpResponse resp = host_.http(req, &call);
  std::string what = "GET " + std::string(path);
  if (!resp.ok()) throw classify(resp, what, host_.now_ms());

  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(resp.body, ec);
  if (ec)
    throw Failure(CX_ERR_UPSTREAM, "generic service answered " + what + " with a body that is not JSON (" +
                                       ec.message() + "): " + error_text(resp.body));
  return body;
}

}  // namespace cx::generic
