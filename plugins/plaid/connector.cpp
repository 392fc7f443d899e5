// plaid/connector.cpp — the Plaid connector: wires each op of sdk/OPS.md to the modules of this
// folder and registers the plugin as "plaid".
#include "client.hpp"

#include "config.hpp"
#include "fetch.hpp"
#include "key_cache.hpp"
#include "link.hpp"
#include "mapping.hpp"
#include "translate.hpp"
#include "verify.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/crypto.hpp>
#include <connectivity/json.hpp>
#include <connectivity/model.hpp>
#include <connectivity/time.hpp>

namespace cx::plaid {

class PlaidConnector final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema = cx::plaid::kConfigSchema;

  PlaidConnector(cx::Host host, const boost::json::object& config)
      : Connector(std::move(host)), client_(this->host(), Config::parse(config)) {}

  boost::json::value uninstall(const cx::Call&) override { return boost::json::object{}; }

  boost::json::value create_webhooks(const cx::Call&) override {
    cx::WebhookConfig all{"all", "/all", {}};
    return boost::json::object{{"configs", boost::json::value_from(std::vector<cx::WebhookConfig>{all})}};
  }

  boost::json::value verify_webhook(const cx::Call& call) override {
    auto* webhook = json::object_or_null(call.object(), "webhook");
    if (!webhook) throw cx::Failure(CX_ERR_AUTH, "webhook refused: no webhook in the request");
    std::string jwt = verification_header(*webhook);
    std::string body = json::string_or_none(*webhook, "body").value_or("");
    int64_t iat = verify_webhook_jwt(jwt, body, host().now_ms(),
                                     [&](const std::string& kid) { return webhook_key(client_, host(), kid, &call); });
    return boost::json::object{{"signedAt", cx::time::format_rfc3339(iat * 1000)}};
  }

  boost::json::value translate_webhook(const cx::Call& call) override {
    auto* webhook = json::object_or_null(call.object(), "webhook");
    if (!webhook) throw cx::invalid("webhook", "webhook is required");
    std::string attempt;
    if (auto* q = json::object_or_null(*webhook, "queryValues"))
      if (auto* v = q->if_contains("attemptID")) {
        if (v->is_string()) attempt = std::string(v->get_string());
        else if (v->is_array() && !v->get_array().empty() && v->get_array()[0].is_string())
          attempt = std::string(v->get_array()[0].get_string());
      }
    TranslateDeps deps;
    deps.now = now();
    deps.log = [this](const std::string& m) { host().info("plaid webhook: " + m); };
    deps.exchange = [&](const std::string& public_token) { return exchange(public_token, &call); };
    return boost::json::object{
        {"responses", translate_webhook_body(json::string_or_none(*webhook, "body").value_or(""), attempt, deps)}};
  }

  boost::json::value fetch_accounts(const cx::Call& call) override {
    Skipped skipped;
    auto snapshots = account_snapshots();
    auto out = plaid::fetch_accounts(client_, connection_scope(call, now()), skipped, &call, &snapshots);
    log_skipped(skipped);
    return out;
  }

  boost::json::value fetch_balances(const cx::Call& call) override {
    Skipped skipped;
    auto snapshots = account_snapshots();
    auto out = plaid::fetch_balances(client_, connection_scope(call, now()), skipped, &call, &snapshots);
    log_skipped(skipped);
    return out;
  }

  /// Plaid has no beneficiaries: always an empty page.
  boost::json::value fetch_external_accounts(const cx::Call&) override {
    return cx::ExternalAccountsPage{};
  }

  boost::json::value fetch_payments(const cx::Call& call) override {
    Skipped skipped;
    auto out = plaid::fetch_payments(client_, connection_scope(call, now()),
                                     cx::FetchRequest::of(call, kSyncCount), skipped, &call);
    log_skipped(skipped);
    return out;
  }

  boost::json::value create_user(const cx::Call& call) override {
    return user_create_response(client_.post("/user/create", user_create_request(call.object()), &call));
  }

  boost::json::value create_user_link(const cx::Call& call) override {
    return link_response(client_.post("/link/token/create", link_token_request(call.object(), false), &call));
  }

  boost::json::value update_user_link(const cx::Call& call) override {
    return link_response(client_.post("/link/token/create", link_token_request(call.object(), true), &call));
  }

  /// Hosted Link's completion redirect carries nothing reliable (docs/providers/plaid.md §5):
  /// connections arrive with LINK/SESSION_FINISHED instead.
  boost::json::value complete_user_link(const cx::Call&) override {
    return boost::json::object{{"success", boost::json::object{{"connections", boost::json::array{}}}}};
  }

  boost::json::value delete_user(const cx::Call& call) override {
    boost::json::object body;
    if (auto* fu = json::object_or_null(call.object(), "forwardedUser")) {
      auto* token = json::object_or_null(*fu, "accessToken");
      if (auto t = token ? json::string_or_none(*token, "token") : std::nullopt; t && !t->empty())
        body["user_token"] = *t;
      else if (auto id = json::string_or_none(*fu, "providerUserID"); id && !id->empty())
        body["user_id"] = *id;
    }
    if (body.empty()) throw cx::invalid("forwardedUser", "the forwarded user has neither user token nor user id");
    post_ignoring_gone("/user/remove", body, &call, {"INVALID_USER_TOKEN", "INVALID_USER_ID", "USER_NOT_FOUND"});
    return boost::json::object{};
  }

  boost::json::value delete_user_connection(const cx::Call& call) override {
    auto* conn = json::object_or_null(call.object(), "connection");
    auto* token = conn ? json::object_or_null(*conn, "accessToken") : nullptr;
    auto access = token ? json::string_or_none(*token, "token") : std::nullopt;
    if (!access || access->empty()) throw cx::invalid("connection.accessToken", "the connection has no access token");
    post_ignoring_gone("/item/remove", boost::json::object{{"access_token", *access}}, &call, {"ITEM_NOT_FOUND"});
    return boost::json::object{};
  }

 private:
  std::string now() const { return cx::time::format_rfc3339(host().now_ms()); }

  /// Each account's latest AccountBase, in the state service under "account/{account_id}".
  AccountSnapshots account_snapshots() const {
    return AccountSnapshots{
        [this](const std::string& id, const std::string& text) { host().state_put("account/" + id, text); },
        [this](const std::string& id) { return host().state_get("account/" + id); }};
  }

  void log_skipped(const Skipped& skipped) const {
    for (auto& s : skipped) host().warn("plaid: skipped " + s);
  }

  /// Deletions are idempotent: Plaid saying the object is already gone counts as done.
  void post_ignoring_gone(std::string_view path, const boost::json::object& body, const cx::Call* call,
                          std::initializer_list<const char*> gone_codes) const {
    try {
      client_.post(path, body, call);
    } catch (const PlaidError& e) {
      for (const char* c : gone_codes)
        if (e.error_code() == c) {
          host().info("plaid " + std::string(path) + ": already removed (" + e.error_code() + ")");
          return;
        }
      throw;
    }
  }

  /// /item/public_token/exchange, remembered in the state service under the token's hash so a
  /// retried translation reuses the Item instead of spending the single-use token twice.
  cx::Connection exchange(const std::string& public_token, const cx::Call* call) const {
    const std::string key = "exchange/" + crypto::sha256_hex(public_token);
    boost::json::object result;
    if (auto cached = host().state_get(key); cached)
      if (auto v = json::parse_exact(*cached, json::Numbers::rounded); v && v->is_object()) result = v->get_object();
    if (!json::string_or_none(result, "item_id") || !json::string_or_none(result, "access_token")) {
      auto resp = client_.post("/item/public_token/exchange", boost::json::object{{"public_token", public_token}}, call);
      auto item = json::string_or_none(resp, "item_id");
      auto access = json::string_or_none(resp, "access_token");
      if (!item || !access) throw cx::Failure(CX_ERR_UPSTREAM, "plaid /item/public_token/exchange returned no item");
      result = boost::json::object{{"item_id", *item}, {"access_token", *access}, {"createdAt", now()}};
      host().state_put(key, boost::json::serialize(result));
    }
    cx::Connection c;
    c.connection_id = std::string(result.at("item_id").get_string());
    c.created_at = json::string_or_none(result, "createdAt").value_or(now());
    c.access_token = cx::Token{std::string(result.at("access_token").get_string()), std::nullopt};
    c.metadata["plaid.item_id"] = c.connection_id;
    return c;
  }

  Client client_;
};

}  // namespace cx::plaid

CX_CONNECTOR(cx::plaid::PlaidConnector, "plaid", "1.0.0",
             CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS | CX_CAP_FETCH_PAYMENTS |
                 CX_CAP_CREATE_WEBHOOKS | CX_CAP_TRANSLATE_WEBHOOKS | CX_CAP_OPEN_BANKING)
