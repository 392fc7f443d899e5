#include "client.hpp"

#include "json.hpp"

#include <charconv>

namespace cx::plaid {

PlaidError classify_error(int status, std::string_view body, std::string_view retry_after) {
  std::string type, code, message;
  if (auto v = json::parse(body); v && v->is_object()) {
    auto& o = v->get_object();
    type = json::opt_string(o, "error_type").value_or("");
    code = json::opt_string(o, "error_code").value_or("");
    message = json::opt_string(o, "error_message").value_or("");
  }
  int64_t retry_ms = 0;
  if (!retry_after.empty()) {
    int64_t secs = 0;
    auto r = std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), secs);
    if (r.ec == std::errc() && secs > 0) retry_ms = secs * 1000;
  }
  int32_t cx_code;
  if (status == 429 || type == "RATE_LIMIT_EXCEEDED")
    cx_code = CX_ERR_RATE_LIMITED;
  else if (status == 408 || status >= 500)
    cx_code = CX_ERR_UPSTREAM;
  else if (status == 401 || status == 403 || code == "INVALID_API_KEYS")
    cx_code = CX_ERR_AUTH;
  else if (status == 404)
    cx_code = CX_ERR_NOT_FOUND;
  else
    cx_code = CX_ERR_INVALID_ARGUMENT;
  std::string text = "plaid " + std::to_string(status);
  if (!type.empty() || !code.empty()) text += " " + type + "/" + code;
  text += ": " + (message.empty() ? std::string("no error message") : message);
  return PlaidError(cx_code, std::move(text), status, std::move(type), std::move(code), retry_ms);
}

boost::json::object Client::post(std::string_view path, const boost::json::object& body, const cx::Call* call) const {
  cx::HttpRequest req;
  req.method = "POST";
  req.url = config_.base_url + std::string(path);
  req.headers = {{"Content-Type", "application/json"},
                 {"Accept", "application/json"},
                 {"PLAID-CLIENT-ID", config_.client_id},
                 {"PLAID-SECRET", config_.client_secret},
                 {"Plaid-Version", kPlaidVersion}};
  req.body = boost::json::serialize(body);
  req.timeout_ms = kRequestTimeoutMs;
  cx::HttpResponse resp = host_.http(req, call);
  if (!resp.ok()) throw classify_error(resp.status, resp.body, resp.header("retry-after"));
  auto parsed = json::parse(resp.body);
  if (!parsed || !parsed->is_object())
    throw cx::Failure(CX_ERR_UPSTREAM, "plaid " + std::string(path) + ": response is not a JSON object");
  return std::move(parsed->get_object());
}

}  // namespace cx::plaid
