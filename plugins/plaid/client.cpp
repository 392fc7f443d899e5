#include "client.hpp"

#include <connectivity/http.hpp>
#include <connectivity/json.hpp>

namespace cx::plaid {

PlaidError classify_error(const cx::HttpResponse& resp, int64_t now_ms) {
  std::string type, code, message;
  if (auto v = json::parse_exact(resp.body); v && v->is_object()) {
    auto& o = v->get_object();
    type = json::string_or_none(o, "error_type").value_or("");
    code = json::string_or_none(o, "error_code").value_or("");
    message = json::string_or_none(o, "error_message").value_or("");
  }
  HttpClass c = classify(resp, now_ms);
  // Plaid names two classes in the body whatever the status (plaid-openapi PlaidError).
  if (type == "RATE_LIMIT_EXCEEDED") c.code = CX_ERR_RATE_LIMITED;
  else if (code == "INVALID_API_KEYS" && c.code != CX_ERR_UPSTREAM && c.code != CX_ERR_RATE_LIMITED) c.code = CX_ERR_AUTH;
  std::string text = "plaid " + std::to_string(resp.status);
  if (!type.empty() || !code.empty()) text += " " + type + "/" + code;
  text += ": " + (message.empty() ? std::string("no error message") : message);
  return PlaidError(c.code, std::move(text), resp.status, std::move(type), std::move(code), c.retry_after_ms);
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
  if (!resp.ok()) throw classify_error(resp, host_.now_ms());
  JsonCall spec;
  spec.what = "plaid " + std::string(path);
  spec.shape = Shape::object;
  spec.exact = json::Numbers::rounded;  // Plaid amounts are doubles: read them correctly rounded
  return std::move(json_of(resp, spec, 0).get_object());
}

}  // namespace cx::plaid
