#include "client.hpp"

#include "errors.hpp"

#include <connectivity/http.hpp>
#include <connectivity/json.hpp>

namespace powens {

namespace json = boost::json;

cx::HttpResponse Client::send(const cx::Call& call, const std::string& method, const std::string& url,
                              const std::string& bearer, const std::string& json_body) const {
  cx::HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers.emplace_back("Accept", "application/json");
  if (!bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer);
  if (!json_body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = json_body;
  return host_.http(req, &call);
}

cx::HttpResponse Client::expect(const cx::Call& call, const std::string& method, const std::string& url,
                                const std::string& bearer, const std::string& json_body, const char* what,
                                bool missing_ok) const {
  cx::HttpResponse resp = send(call, method, url, bearer, json_body);
  if (resp.ok() || (missing_ok && resp.status == 404)) return resp;
  throw failure_from_response(resp, what, host_.now_ms());
}

namespace {
/// The 2xx body as an object, amounts kept as their source text; garbage is CX_ERR_UPSTREAM.
json::object body_object(const cx::HttpResponse& resp, const char* what) {
  cx::JsonCall spec;
  spec.what = std::string("powens ") + what;
  spec.shape = cx::Shape::object;
  spec.exact = cx::json::Numbers::text;
  return std::move(cx::json_of(resp, spec, 0).get_object());
}
[[noreturn]] void missing(const char* what, const char* field) {
  throw cx::Failure(CX_ERR_UPSTREAM, std::string("powens ") + what + ": response lacks " + field);
}
}  // namespace

Client::AuthInit Client::auth_init(const cx::Call& call) const {
  json::object body{{"client_id", config_.client_id}, {"client_secret", config_.client_secret}};
  auto resp = expect(call, "POST", config_.api_base() + "/auth/init", {}, json::serialize(body), "auth/init");
  auto o = body_object(resp, "auth/init");
  AuthInit out;
  auto token = cx::json::text_or_none(o, "auth_token");
  auto user = cx::json::id_text(o.if_contains("id_user"));
  if (!token) missing("auth/init", "auth_token");
  if (!user) missing("auth/init", "id_user");
  out.auth_token = *token;
  out.user_id = *user;
  if (auto* e = o.if_contains("expires_in"); e && e->is_int64() && e->get_int64() > 0) out.expires_in_s = e->get_int64();
  return out;
}

Client::TemporaryCode Client::token_code(const cx::Call& call, const std::string& user_token) const {
  auto resp = expect(call, "GET", config_.api_base() + "/auth/token/code", user_token, {}, "auth/token/code");
  auto o = body_object(resp, "auth/token/code");
  TemporaryCode out;
  auto code = cx::json::text_or_none(o, "code");
  if (!code) missing("auth/token/code", "code");
  out.code = *code;
  if (auto* e = o.if_contains("expires_in"); e && e->is_int64() && e->get_int64() > 0) out.expires_in_s = e->get_int64();
  return out;
}

void Client::delete_user(const cx::Call& call, const std::string& user_token) const {
  expect(call, "DELETE", config_.api_base() + "/users/me", user_token, {}, "delete user", /*missing_ok=*/true);
}

void Client::delete_connection(const cx::Call& call, const std::string& user_token,
                               const std::string& connection_id) const {
  expect(call, "DELETE", config_.api_base() + "/users/me/connections/" + cx::percent_encode(connection_id), user_token, {},
         "delete connection", /*missing_ok=*/true);
}

json::array Client::connection_accounts(const cx::Call& call, const std::string& user_token,
                                        const std::string& connection_id) const {
  auto resp = expect(call, "GET", config_.api_base() + "/users/me/connections/" + cx::percent_encode(connection_id) + "/accounts",
                     user_token, {}, "list accounts");
  auto o = body_object(resp, "list accounts");
  auto* accounts = cx::json::array_or_null(o, "accounts");
  if (!accounts) missing("list accounts", "accounts");
  return *accounts;
}

std::string Client::transactions_url(const std::string& account_id, int64_t limit, int64_t offset,
                                     const std::optional<std::string>& last_update) const {
  cx::Query query{{"limit", std::to_string(limit)}, {"offset", std::to_string(offset)}, {"all", "true"}};
  if (last_update) query.emplace_back("last_update", *last_update);
  return cx::with_query(config_.api_base() + "/users/me/accounts/" + cx::percent_encode(account_id) + "/transactions", query);
}

Client::TransactionsPage Client::transactions_page(const cx::Call& call, const std::string& user_token,
                                                   const std::string& url) const {
  if (cx::url_origin(url) != cx::url_origin(config_.endpoint))
    throw cx::Failure(CX_ERR_UPSTREAM, "powens list transactions: refusing a page URL outside the configured endpoint: " + url);
  auto resp = expect(call, "GET", url, user_token, {}, "list transactions");
  auto o = body_object(resp, "list transactions");
  TransactionsPage page;
  auto* txs = cx::json::array_or_null(o, "transactions");
  if (!txs) missing("list transactions", "transactions");
  page.transactions = *txs;
  if (auto* links = cx::json::object_or_null(o, "_links"))
    if (auto* next = cx::json::object_or_null(*links, "next"))
      if (auto href = cx::json::text_or_none(*next, "href")) page.next = *href;
  return page;
}

std::string Client::create_hmac_auth(const cx::Call& call, const std::string& name) const {
  std::string url = config_.endpoint + "/webhooks/auth?type=hmac_signature&name=" + cx::percent_encode(name);
  auto resp = expect(call, "POST", url, config_.configuration_token, {}, "create webhook auth");
  auto o = body_object(resp, "create webhook auth");
  auto* cfg = cx::json::object_or_null(o, "config");
  auto secret = cfg ? cx::json::text_or_none(*cfg, "secret_key") : std::nullopt;
  if (!secret) missing("create webhook auth", "config.secret_key");
  return *secret;
}

std::vector<Client::AuthProvider> Client::webhook_auths(const cx::Call& call) const {
  auto resp = expect(call, "GET", config_.endpoint + "/webhooks/auth?limit=1000", config_.configuration_token, {},
                     "list webhook auths");
  auto o = body_object(resp, "list webhook auths");
  std::vector<AuthProvider> out;
  if (auto* list = cx::json::array_or_null(o, "authproviders"))
    for (auto& v : *list) {
      if (!v.is_object()) continue;
      auto& a = v.get_object();
      out.push_back({cx::json::id_text(a.if_contains("id")).value_or(""), cx::json::text_or_none(a, "type").value_or(""),
                     cx::json::text_or_none(a, "name").value_or("")});
    }
  return out;
}

void Client::delete_webhook_auth(const cx::Call& call, const std::string& id) const {
  expect(call, "DELETE", config_.endpoint + "/webhooks/auth/" + cx::percent_encode(id), config_.configuration_token, {},
         "delete webhook auth", /*missing_ok=*/true);
}

}  // namespace powens
