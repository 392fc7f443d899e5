#include "host/reconciliation/ledger_client.hpp"

#include "host/net/retry_after.hpp"
#include "host/net/url.hpp"
#include "host/util/json_bigint.hpp"

#include <connectivity/time.hpp>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <httplib.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

namespace cx::recon {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr int kMaxAttempts = 6;
constexpr milliseconds kMaxBackoff{2000};
constexpr size_t kMaxBody = 16u << 20;  // an aggregated-balances answer is a few KiB

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string form_encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// One HTTP exchange bounded by min(timeout, deadline). nullopt result = no answer (error set).
struct Exchange {
  std::optional<httplib::Response> response;
  std::string error;  // transport failure, when no response
  bool timed_out = false;
};

Exchange send(const net::Url& url, const std::string& method, const std::string& target, const httplib::Headers& headers,
              const std::string& body, const std::string& content_type, milliseconds timeout) {
  Exchange ex;
  httplib::Client cli(url.origin());
  auto sec = static_cast<time_t>(timeout.count() / 1000);
  auto usec = static_cast<time_t>((timeout.count() % 1000) * 1000);
  cli.set_connection_timeout(sec, usec);
  cli.set_read_timeout(sec, usec);
  cli.set_write_timeout(sec, usec);
  cli.set_keep_alive(false);
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = headers;
  if (!body.empty()) {
    req.body = body;
    req.set_header("Content-Type", content_type);
  }
  auto res = cli.send(req);
  if (!res) {
    auto err = res.error();
    ex.timed_out = err == httplib::Error::Read || err == httplib::Error::ConnectionTimeout;
    ex.error = ex.timed_out ? "timed out after " + std::to_string(timeout.count()) + " ms" : "unreachable (" + httplib::to_string(err) + ")";
    return ex;
  }
  if (res->body.size() > kMaxBody) {
    ex.error = "answer larger than " + std::to_string(kMaxBody) + " bytes";
    return ex;
  }
  ex.response = std::move(*res);
  return ex;
}

bool retryable(int status) { return status == 429 || status >= 500; }

// "LEDGER_NOT_FOUND: ledger x not found" from the ledger's error envelope, else a body excerpt.
std::string describe(const httplib::Response& r) {
  std::string what = "HTTP " + std::to_string(r.status);
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    auto& o = v.get_object();
    auto* code = o.if_contains("errorCode");
    auto* msg = o.if_contains("errorMessage");
    if (code && code->is_string()) what += " " + std::string(code->get_string());
    if (msg && msg->is_string()) what += ": " + std::string(msg->get_string()).substr(0, 300);
    if (auto* err = o.if_contains("error"); err && err->is_string()) what += " " + std::string(err->get_string());
    if (auto* d = o.if_contains("error_description"); d && d->is_string()) what += ": " + std::string(d->get_string()).substr(0, 300);
  } else if (!r.body.empty()) {
    std::string excerpt = r.body.substr(0, 120);
    std::replace_if(excerpt.begin(), excerpt.end(), [](char c) { return c < 0x20; }, ' ');
    what += ": " + excerpt;
  }
  return what;
}

// Sends `make()`'s request, retrying 429/5xx and transport failures while the deadline allows.
// Returns the last response, or the error of the last attempt.
std::variant<httplib::Response, LedgerError> with_retries(const std::string& what, const net::Url& url,
                                                          const std::string& method, const std::string& target,
                                                          const httplib::Headers& headers, const std::string& body,
                                                          const std::string& content_type, milliseconds timeout,
                                                          Clock::time_point deadline) {
  std::string last_error;
  int last_status = 0;
  for (int attempt = 1;; ++attempt) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left <= milliseconds(0))
      return LedgerError{what + ": deadline exceeded" + (last_error.empty() ? "" : " (last attempt: " + last_error + ")"), last_status};
    auto ex = send(url, method, target, headers, body, content_type, std::min(timeout, left));
    std::optional<milliseconds> wait;
    if (ex.response) {
      if (!retryable(ex.response->status)) return std::move(*ex.response);
      last_status = ex.response->status;
      last_error = describe(*ex.response);
      wait = net::parse_retry_after(ex.response->get_header_value("Retry-After"));
    } else {
      last_status = 0;
      last_error = ex.error;
    }
    milliseconds backoff = wait.value_or(std::min(kMaxBackoff, milliseconds(100 << std::min(attempt - 1, 5))));
    if (attempt >= kMaxAttempts || Clock::now() + backoff >= deadline)
      return LedgerError{what + ": " + last_error + " (after " + std::to_string(attempt) + " attempt" + (attempt > 1 ? "s" : "") + ")",
                         last_status};
    std::this_thread::sleep_for(backoff);
  }
}

// --- OAuth2 client credentials: one cached access token per (token endpoint, client). ---

struct CachedToken {
  std::string token;
  Clock::time_point expires;
};

std::mutex token_mu;
std::map<std::string, CachedToken>& token_cache() {
  static std::map<std::string, CachedToken> cache;
  return cache;
}

std::string cache_key(const LedgerConfig& c) { return ledger_token_url(c) + '\n' + c.client_id + '\n' + c.client_secret; }

void forget_token(const LedgerConfig& c) {
  std::lock_guard lock(token_mu);
  token_cache().erase(cache_key(c));
}

std::variant<std::string, LedgerError> oauth_token(const LedgerConfig& c, Clock::time_point deadline) {
  std::string key = cache_key(c);
  {
    std::lock_guard lock(token_mu);
    auto it = token_cache().find(key);
    if (it != token_cache().end() && Clock::now() < it->second.expires) return it->second.token;
  }
  std::string token_url = ledger_token_url(c);
  auto url = net::parse_url(token_url);
  if (!url) return LedgerError{"ledger token endpoint: invalid URL " + token_url, 0};
  std::string form = "grant_type=client_credentials&client_id=" + form_encode(c.client_id) +
                     "&client_secret=" + form_encode(c.client_secret);
  httplib::Headers headers{{"Accept", "application/json"}};
  auto res = with_retries("ledger token endpoint POST " + url->origin() + url->target, *url, "POST", url->target, headers,
                          form, "application/x-www-form-urlencoded", c.timeout, deadline);
  if (auto* err = std::get_if<LedgerError>(&res)) return *err;
  auto& r = std::get<httplib::Response>(res);
  if (r.status != 200) return LedgerError{"ledger token endpoint refused the client credentials: " + describe(r), r.status};
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  const json::value* token = (!ec && v.is_object()) ? v.get_object().if_contains("access_token") : nullptr;
  if (!token || !token->is_string() || token->get_string().empty())
    return LedgerError{"ledger token endpoint: answer without an access_token", r.status};
  // Cache until shortly before expiry (RFC 6749 §5.1 expires_in, seconds; absent: one hour).
  int64_t ttl_s = 3600;
  if (auto* e = v.get_object().if_contains("expires_in"); e && (e->is_int64() || e->is_uint64()))
    ttl_s = std::clamp<int64_t>(e->to_number<int64_t>(), 0, 86400 * 365);
  auto margin = std::chrono::seconds(std::min<int64_t>(30, ttl_s / 10));
  std::string t(token->get_string());
  std::lock_guard lock(token_mu);
  token_cache()[key] = CachedToken{t, Clock::now() + std::chrono::seconds(ttl_s) - margin};
  return t;
}

// The ledger's own asset rule (docs/ledger/ledger-v2-subset.md §2): a UMN such as "EUR/2".
bool valid_asset(std::string_view asset) {
  static const std::regex re("^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/[0-9]{1,6})?$");
  return std::regex_match(asset.begin(), asset.end(), re);
}

bool valid_ledger_name(const std::string& name) {
  static const std::regex re("^[0-9a-zA-Z_-]{1,63}$");
  return std::regex_match(name, re);
}

std::variant<std::map<std::string, std::string>, LedgerError> parse_balances(const httplib::Response& r) {
  std::string why;
  auto v = util::parse_bigint_json(r.body, &why);
  const json::value* data = (v && v->is_object()) ? v->get_object().if_contains("data") : nullptr;
  if (!data || !data->is_object())
    return LedgerError{"ledger answered 200 without a {\"data\": {asset: balance}} object" + (why.empty() ? "" : ": " + why), r.status};
  std::map<std::string, std::string> out;
  for (auto& [asset, amount] : data->get_object()) {
    auto digits = util::integer_text(amount);
    if (!valid_asset(asset) || !digits)
      return LedgerError{"ledger answered an invalid balance for asset '" + std::string(asset).substr(0, 64) + "'", r.status};
    out[std::string(asset)] = *digits;
  }
  return out;
}

}  // namespace

std::string ledger_token_url(const LedgerConfig& config) {
  if (!config.token_url.empty()) return config.token_url;
  std::string base = trim_slash(config.url);
  const std::string gateway = "/api/ledger";
  if (base.size() > gateway.size() && base.compare(base.size() - gateway.size(), gateway.size(), gateway) == 0)
    return base.substr(0, base.size() - gateway.size()) + "/api/auth/oauth/token";
  auto url = net::parse_url(base);
  return (url ? url->origin() : base) + "/oauth/token";
}

std::variant<std::map<std::string, std::string>, LedgerError> aggregate_balances(
    const LedgerConfig& config, const std::string& ledger_name, const boost::json::object& query,
    std::chrono::system_clock::time_point pit, Clock::time_point deadline) {
  if (config.url.empty()) return LedgerError{"ledger: no ledger URL configured (--ledger-url / CONNECTIVITY_LEDGER_URL)", 0};
  if (!valid_ledger_name(ledger_name)) return LedgerError{"ledger: invalid ledger name '" + ledger_name.substr(0, 64) + "'", 0};
  std::string base = trim_slash(config.url);
  auto url = net::parse_url(base);
  if (!url) return LedgerError{"ledger: invalid ledger URL " + base, 0};

  int64_t pit_ms = std::chrono::duration_cast<milliseconds>(pit.time_since_epoch()).count();
  std::string filter = query.empty() ? "" : json::serialize(query);
  // The path of `base` plus the route. The filter goes both in ?query= (read first by ledger 2.x,
  // and all the TypeScript SDK sends) and in the body (the spec's requestBody, what older
  // servers read).
  std::string path = url->target == "/" ? "" : url->target;
  std::string target = path + "/v2/" + ledger_name + "/aggregate/balances?pit=" + form_encode(cx::time::format_rfc3339(pit_ms));
  if (!filter.empty()) target += "&query=" + form_encode(filter);
  std::string what = "ledger GET " + url->origin() + path + "/v2/" + ledger_name + "/aggregate/balances";

  bool oauth = !config.client_id.empty();
  for (int auth_attempt = 0;; ++auth_attempt) {
    httplib::Headers headers{{"Accept", "application/json"}};
    if (oauth) {
      auto token = oauth_token(config, deadline);
      if (auto* err = std::get_if<LedgerError>(&token)) return *err;
      headers.emplace("Authorization", "Bearer " + std::get<std::string>(token));
    } else if (!config.bearer_token.empty()) {
      headers.emplace("Authorization", "Bearer " + config.bearer_token);
    }
    auto res = with_retries(what, *url, "GET", target, headers, filter, "application/json", config.timeout, deadline);
    if (auto* err = std::get_if<LedgerError>(&res)) return *err;
    auto& r = std::get<httplib::Response>(res);
    if (r.status == 200) {
      auto parsed = parse_balances(r);
      if (auto* err = std::get_if<LedgerError>(&parsed)) err->message = what + ": " + err->message;
      return parsed;
    }
    // A cached token the ledger no longer accepts (revoked, clock skew): fetch a new one, once.
    if (r.status == 401 && oauth && auth_attempt == 0) {
      forget_token(config);
      continue;
    }
    std::string cause = describe(r);
    if (r.status == 401 || r.status == 403) cause += oauth || !config.bearer_token.empty() ? " (credentials refused)" : " (no credentials configured)";
    return LedgerError{what + ": " + cause, r.status};
  }
}

}  // namespace cx::recon
