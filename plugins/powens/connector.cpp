// The Powens connector: wires the ops of the SDK to the Powens client, mapping and webhooks.
#include "client.hpp"

#include "config.hpp"
#include "fetch.hpp"
#include "link.hpp"
#include "webhooks.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/json.hpp>
#include <connectivity/model.hpp>
#include <connectivity/time.hpp>

namespace powens {
namespace {

namespace json = boost::json;

json::object task(const char* type, const char* name, bool periodically, json::array next = {}) {
  return {{"taskType", type}, {"name", name}, {"periodically", periodically}, {"nextTasks", std::move(next)}};
}

/// The PSU's permanent Powens token from forwardedUser.accessToken.token.
std::string user_token(const json::object& req) {
  auto* user = cx::json::object_or_null(req, "forwardedUser");
  auto* tok = user ? cx::json::object_or_null(*user, "accessToken") : nullptr;
  auto token = tok ? cx::json::text_or_none(*tok, "token") : std::nullopt;
  if (!token) throw cx::invalid("forwardedUser.accessToken", "the PSU has no Powens user token (forward it first)");
  return *token;
}

std::string required(const json::object& req, const char* key) {
  auto v = cx::json::text_or_none(req, key);
  if (!v) throw cx::invalid(key, std::string(key) + " is required");
  return *v;
}

/// Powens refuses long or dashed auth names with 500 dataError (docs/providers/powens.md §4).
std::string auth_name(const std::string& connector_name) {
  std::string out;
  for (char c : connector_name)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') out += c;
  if (out.size() > 30) out.resize(30);
  return out.empty() ? std::string("connectivity") : out;
}

}  // namespace

/// Powens (docs/providers/powens.md; issue 5). Data comes both by polling (per PSU connection) and by
/// CONNECTION_SYNCED webhooks; both map identically so a transaction seen twice is stored once.
class Connector final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema = powens::kConfigSchema;

  Connector(cx::Host h, const json::object& config) : cx::Connector(std::move(h)), client_(host(), parse_config(config)) {}

  /// Task tree: accounts per connection (periodic) -> balances from the account payload,
  /// payments and counterparties per account (periodic, watermarked); webhooks once.
  json::value install(const cx::Call&) override {
    // Children run once per account each time their periodic parent runs (sdk/schemas common.json Task).
    json::array children{task("FETCH_BALANCES", "fetch_balances", false), task("FETCH_PAYMENTS", "fetch_payments", false),
                         task("FETCH_EXTERNAL_ACCOUNTS", "fetch_external_accounts", false)};
    return json::object{{"workflow", json::array{task("FETCH_ACCOUNTS", "fetch_accounts", true, std::move(children)),
                                                 task("CREATE_WEBHOOKS", "create_webhooks", false)}}};
  }

  /// Removes the HMAC auths this connector created (matched by name, as Powens has no filter).
  /// Best effort: a failure is logged, not fatal, so an unreachable Powens never blocks uninstall.
  json::value uninstall(const cx::Call& call) override {
    try {
      std::string name = auth_name(client_.config().name);
      for (auto& a : client_.webhook_auths(call))
        if (a.name == name && !a.id.empty()) client_.delete_webhook_auth(call, a.id);
    } catch (const cx::Failure& e) {
      host().warn(std::string("powens: could not remove the webhook auth at uninstall: ") + e.what());
    }
    return json::object{};
  }

  json::value create_webhooks(const cx::Call& call) override {
    std::string secret = client_.create_hmac_auth(call, auth_name(client_.config().name));
    return json::object{{"configs", json::value_from(webhook_configs(secret))}};
  }

  json::value verify_webhook(const cx::Call& call) override { return powens::verify_webhook(call.object()); }
  json::value translate_webhook(const cx::Call& call) override { return powens::translate_webhook(call.object(), host()); }

  json::value fetch_accounts(const cx::Call& call) override { return powens::fetch_accounts(client_, call, host()); }
  json::value fetch_balances(const cx::Call& call) override { return powens::fetch_balances(call, host()); }
  json::value fetch_payments(const cx::Call& call) override { return powens::fetch_payments(client_, call, host()); }
  json::value fetch_external_accounts(const cx::Call& call) override {
    return powens::fetch_external_accounts(client_, call, host());
  }

  /// forward: POST /2.0/auth/init -> permanent token + id_user; PSU metadata user_id, expires_in.
  json::value create_user(const cx::Call& call) override {
    auto init = client_.auth_init(call);
    cx::Token token{init.auth_token, std::nullopt};
    if (init.expires_in_s) token.expires_at = cx::time::format_rfc3339(host().now_ms() + *init.expires_in_s * 1000);
    json::object metadata{{"user_id", init.user_id},
                          {"expires_in", std::to_string(init.expires_in_s.value_or(0))}};
    json::object shown = metadata;  // shown on the PSU (docs/providers/powens.md "PSU metadata")
    return json::object{{"providerUserID", init.user_id},
                        {"permanentToken", json::value_from(token)},
                        {"metadata", std::move(metadata)},
                        {"psuMetadata", std::move(shown)}};
  }

  json::value create_user_link(const cx::Call& call) override { return link(call, std::nullopt); }

  json::value update_user_link(const cx::Call& call) override {
    auto* connection = cx::json::object_or_null(call.object(), "connection");
    auto id = connection ? cx::json::text_or_none(*connection, "connectionID") : std::nullopt;
    if (!id) throw cx::invalid("connection.connectionID", "update-link needs the connection to repair");
    return link(call, id);
  }

  json::value complete_user_link(const cx::Call& call) override {
    auto* http = cx::json::object_or_null(call.object(), "httpCall");
    auto* query = http ? cx::json::object_or_null(*http, "queryValues") : nullptr;
    if (!query) throw cx::invalid("httpCall.queryValues", "the redirect's query values are required");
    return complete_link(*query, cx::time::format_rfc3339(host().now_ms()));
  }

  json::value delete_user(const cx::Call& call) override {
    client_.delete_user(call, user_token(call.object()));
    return json::object{};
  }

  json::value delete_user_connection(const cx::Call& call) override {
    auto* connection = cx::json::object_or_null(call.object(), "connection");
    auto id = connection ? cx::json::text_or_none(*connection, "connectionID") : std::nullopt;
    if (!id) throw cx::invalid("connection.connectionID", "the connection to delete is required");
    client_.delete_connection(call, user_token(call.object()), *id);
    return json::object{};
  }

 private:
  /// create-link / update-link: a fresh temporary code, then the webview URL.
  json::value link(const cx::Call& call, const std::optional<std::string>& connection_id) {
    auto& req = call.object();
    std::string token = user_token(req);
    WebviewLink l;
    l.state = required(req, "callbackState");
    l.redirect_uri = required(req, "redirectURL");
    l.connection_id = connection_id;
    auto code = client_.token_code(call, token);
    l.code = code.code;
    cx::Token temporary{code.code, cx::time::format_rfc3339(host().now_ms() + code.expires_in_s * 1000)};
    return json::object{{"link", webview_url(client_.config(), l)}, {"temporaryToken", json::value_from(temporary)}};
  }

  Client client_;
};

}  // namespace powens

CX_CONNECTOR(powens::Connector, "powens", "1.0.0",
             CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS | CX_CAP_FETCH_PAYMENTS |
                 CX_CAP_CREATE_WEBHOOKS | CX_CAP_TRANSLATE_WEBHOOKS | CX_CAP_OPEN_BANKING)
