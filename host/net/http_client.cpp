#include "host/net/http_client.hpp"

#include "host/net/retry_after.hpp"

#include "host/util/encoding.hpp"

#include <boost/json.hpp>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace cx::net {

HttpClient::HttpClient(std::set<std::string> allowlist, HttpLimits limits)
    : allowlist_(std::move(allowlist)), limits_(limits) {}

namespace {
bool idempotent(const std::string& m) { return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE"; }
bool retryable_status(int s) { return s == 429 || s == 502 || s == 503 || s == 504; }

// The wait a throttled answer asks for; 500 ms when it names none.
int64_t retry_after_ms(const httplib::Response& r) {
  auto wait = parse_retry_after(r.get_header_value("Retry-After"));
  return wait ? wait->count() : 500;
}

httplib::Result send(httplib::Client& cli, const HttpRequest& req, const Url& url) {
  httplib::Headers headers;
  std::string content_type = "application/octet-stream";
  for (auto& [k, v] : req.headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "content-type") content_type = v;
    else headers.emplace(k, v);
  }
  httplib::Request r;
  r.method = req.method;
  r.path = url.target;
  r.headers = std::move(headers);
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    r.body = req.body;
    r.set_header("Content-Type", content_type);
  }
  return cli.send(r);
}
}  // namespace

HttpResult HttpClient::exchange(const HttpRequest& req, int64_t deadline_unix_ms) const {
  HttpResult out;
  auto url = parse_url(req.url);
  if (!url) {
    out.outcome = HttpResult::Outcome::BadRequest;
    out.error = "invalid URL: " + req.url;
    return out;
  }
  if (!allowlist_.count(url->authority())) {
    out.outcome = HttpResult::Outcome::Refused;
    out.error = "egress to " + url->authority() + " is not in this connector's allowlist";
    return out;
  }
  for (int attempt = 0;; ++attempt) {
    int64_t timeout = req.timeout_ms > 0 ? req.timeout_ms : limits_.default_timeout_ms;
    if (deadline_unix_ms > 0) {
      int64_t left = deadline_unix_ms - util::now_ms();
      if (left <= 0) {
        out.outcome = HttpResult::Outcome::Timeout;
        out.error = "deadline exceeded before " + req.method + " " + url->origin();
        return out;
      }
      timeout = std::min(timeout, left);
    }
    httplib::Client cli(url->origin());
    auto sec = static_cast<time_t>(timeout / 1000);
    auto usec = static_cast<time_t>((timeout % 1000) * 1000);
    cli.set_connection_timeout(sec, usec);
    cli.set_read_timeout(sec, usec);
    cli.set_write_timeout(sec, usec);
    cli.set_keep_alive(false);
    cli.set_decompress(true);
    auto res = send(cli, req, *url);
    if (!res) {
      auto err = res.error();
      out.outcome = (err == httplib::Error::Read || err == httplib::Error::Write || err == httplib::Error::ConnectionTimeout)
                        ? HttpResult::Outcome::Timeout
                        : HttpResult::Outcome::Failed;
      out.error = req.method + " " + url->origin() + ": " + httplib::to_string(err);
      return out;
    }
    int64_t wait = retry_after_ms(*res);
    bool retry = idempotent(req.method) && retryable_status(res->status) && attempt < limits_.max_retries &&
                 wait <= limits_.max_retry_wait_ms &&
                 (deadline_unix_ms == 0 || util::now_ms() + wait < deadline_unix_ms);
    if (retry) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      continue;
    }
    if (res->body.size() > limits_.max_response_bytes) {
      out.outcome = HttpResult::Outcome::Failed;
      out.error = "response from " + url->origin() + " exceeds " + std::to_string(limits_.max_response_bytes) + " bytes";
      return out;
    }
    out.outcome = HttpResult::Outcome::Response;
    out.status = res->status;
    for (auto& [k, v] : res->headers) {
      std::string lower = k;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      out.headers[lower] = v;
    }
    out.body = std::move(res->body);
    return out;
  }
}

std::set<std::string> allowlist_from_config(const std::string& config_json, const char* config_schema_json) {
  std::set<std::string> out;
  boost::system::error_code ec;
  auto cfg = boost::json::parse(config_json, ec);
  if (!ec && cfg.is_object())
    for (auto& [k, v] : cfg.get_object())
      if (v.is_string())
        if (auto u = parse_url(v.get_string())) out.insert(u->authority());
  if (config_schema_json) {
    auto schema = boost::json::parse(config_schema_json, ec);
    if (!ec && schema.is_object())
      if (auto* hosts = schema.get_object().if_contains("x-cx-egress-hosts"); hosts && hosts->is_array())
        for (auto& h : hosts->get_array())
          if (h.is_string()) out.insert(std::string(h.get_string()));
  }
  return out;
}

}  // namespace cx::net
