// sdk_schema_payloads FIXTURE_DIR OUT_DIR [PLUGIN_DIR]
// Writes real op payloads for validate.py, one file each, named <op>--<case>.<request|response|error>.json
// (and config--<id>.json for config schemas). Requests are built the way host/engine builds them,
// with its own builders where it has them; responses and errors come from the fixture plugins
// (pager, pager_ob, echo) called through the host's loader, and from the SDK's model.hpp helpers.
#include "host/engine/internal.hpp"
#include "host/plugin/instance.hpp"

#include <connectivity/model.hpp>
#include <connectivity/time.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;
namespace json = boost::json;
using cx::plugin::Op;

namespace {
fs::path g_out;
constexpr int64_t kPageSize = 3;  // engine option fetch_page_size, small so paging shows
const std::string kPublicURL = "http://localhost:8080";

void write(const std::string& name, std::string_view text) {
  std::ofstream f(g_out / (name + ".json"));
  f << text << "\n";
  if (!f) throw std::runtime_error("cannot write " + name);
}
void write(const std::string& name, const json::value& v) { write(name, json::serialize(v)); }

json::object config(const std::string& name, json::object fields) {
  fields["name"] = name;
  fields["pollingPeriod"] = "30m";  // as Runtime::normalize_config stores it
  return fields;
}

class Plugin {
 public:
  Plugin(const fs::path& so, const json::object& cfg)
      : lib_(cx::plugin::PluginLibrary::load(so)),
        inst_(cx::plugin::ConnectorInstance::create(
            lib_, std::make_unique<cx::plugin::HostServices>(cx::plugin::ServiceDeps{lib_->id(), nullptr, nullptr, nullptr, {}}),
            json::serialize(cfg))),
        id_(cx::ids::encode(cx::ids::ConnectorID{lib_->id(), "7f0c1c1e-3b0a-4a57-9d7e-0d3b5c1e2a10"})) {}

  /// Writes the request, calls op, writes the response (CX_OK) or the error JSON; returns the
  /// parsed response (null on error). Throws when the status is not the expected one.
  json::value call(Op op, const std::string& name, const json::object& req, bool expect_ok = true) const {
    std::string base = std::string(cx::plugin::op_name(op)) + "--" + name;
    write(base + ".request", req);
    auto r = inst_->call(op, json::serialize(req));
    if (r.ok() != expect_ok) throw std::runtime_error(base + ": status " + std::to_string(r.code) + " " + r.err);
    write(base + (r.ok() ? ".response" : ".error"), r.ok() ? r.out : r.err);
    return r.ok() ? json::parse(r.out) : json::value(nullptr);
  }
  const cx::plugin::PluginLibrary& lib() const { return *lib_; }
  const std::string& connector_id() const { return id_; }

 private:
  std::shared_ptr<const cx::plugin::PluginLibrary> lib_;
  std::shared_ptr<cx::plugin::ConnectorInstance> inst_;
  std::string id_;
};

json::object fetch_request(json::value state, json::value from_payload) {
  return {{"state", std::move(state)}, {"fromPayload", std::move(from_payload)}, {"pageSize", kPageSize}};
}

/// An account as the host hands it back as a child's fromPayload: re-read from the store
/// (createdAt reformatted from UTC ms, no providerUserID, the owning connection's id).
json::value stored_account(const json::value& item, std::optional<std::string> connection_id) {
  auto a = json::value_to<cx::Account>(item);
  a.created_at = cx::time::format_rfc3339(cx::time::parse_rfc3339(a.created_at).value());
  a.provider_user_id.reset();
  a.connection_id = std::move(connection_id);
  return json::value_from(a);
}

/// Pages fetch_payments until hasMore is false.
void fetch_all_payments(const Plugin& p, const std::string& name, const json::value& from_payload) {
  json::value state = nullptr;
  for (int page = 0;; ++page) {
    auto out = p.call(Op::FetchPayments, name + "_page" + std::to_string(page), fetch_request(state, from_payload));
    state = out.at("newState");
    if (!out.at("hasMore").as_bool() || page > 10) break;
  }
}

json::object webhook(const std::string& connector_id, const std::string& path, const std::string& sig, std::string body) {
  std::string full = kPublicURL + "/api/payments/v3/connectors/webhooks/" + connector_id + path;
  return {{"path", path}, {"fullURL", full}, {"method", "POST"},
          {"headers", {{"content-type", json::array{"application/json"}}, {"x-sig", json::array{sig}}}},
          {"queryValues", {{"v", json::array{"1"}}}}, {"body", std::move(body)}};
}

void psp(const fs::path& dir) {
  Plugin p(dir / "pager.so", config("pager-main", {{"pages", 2}, {"perPage", kPageSize}}));
  const std::string& cid = p.connector_id();

  // install: the host's derived task tree (pager has no install op).
  write("install--pager.request", json::object{{"connectorID", cid}, {"config", config("pager-main", {{"pages", 2}})}});
  write("install--default_workflow.response", json::object{{"workflow", cx::engine::default_workflow(p.lib())}});

  auto hooks = p.call(Op::CreateWebhooks, "pager",
                      {{"connectorID", cid}, {"webhookBaseURL", kPublicURL + "/api/payments/v3/connectors/webhooks/" + cid}});
  auto cfg = json::value_to<cx::WebhookConfig>(hooks.at("configs").at(0));
  auto hook = webhook(cid, cfg.url_path, "good", R"({"payments":["wh-1","wh-2"]})");
  json::object config_json{{"name", cfg.name}, {"urlPath", cfg.url_path}, {"fullURL", hook.at("fullURL")},
                           {"metadata", json::value_from(cfg.metadata)}};
  p.call(Op::VerifyWebhook, "good_signature", {{"webhook", hook}, {"config", config_json}});
  p.call(Op::VerifyWebhook, "bad_signature", {{"webhook", webhook(cid, cfg.url_path, "bad", "{}")}, {"config", config_json}}, false);
  p.call(Op::TranslateWebhook, "payments", {{"name", cfg.name}, {"webhook", hook}, {"config", config_json}});
  write("uninstall--pager.request",
        json::object{{"connectorID", cid}, {"webhookConfigs", json::array{json::value_from(cfg)}}});

  auto accounts = p.call(Op::FetchAccounts, "root", fetch_request(nullptr, nullptr));
  for (auto& a : accounts.at("accounts").as_array()) {
    std::string ref(a.at("reference").as_string());
    p.call(Op::FetchBalances, "account_" + ref, fetch_request(nullptr, stored_account(a, std::nullopt)));
  }
  write("fetch_external_accounts--root.request", fetch_request(nullptr, nullptr));
  fetch_all_payments(p, "root", nullptr);

  // Errors: a retryable one with retryAfterMs, a fatal one naming a field, create() refusing a config.
  Plugin flaky(dir / "pager.so", config("pager-flaky", {{"retryableFailures", 1}}));
  flaky.call(Op::FetchPayments, "rate_limited", fetch_request(nullptr, nullptr), false);
  Plugin broken(dir / "pager.so", config("pager-broken", {{"fatalAtPage", 0}}));
  broken.call(Op::FetchPayments, "invalid_page", fetch_request(nullptr, nullptr), false);
  std::string err;
  cx_sink sink = cx::detail::sink_to(err);
  std::string bad = json::serialize(config("pager-bad", {{"pages", -1}}));
  cx_instance* inst = nullptr;
  if (p.lib().descriptor().create(nullptr, cx::detail::bytes_of(bad), &inst, &sink) == CX_OK)
    throw std::runtime_error("create accepted pages=-1");
  write("create--invalid_config.error", err);
}

void open_banking(const fs::path& dir) {
  Plugin p(dir / "pager_ob.so", config("pager-ob", {{"pages", 1}, {"perPage", 2}}));
  const std::string& cid = p.connector_id();
  const std::string base = kPublicURL + "/api/payments/v3/connectors/";

  cx::store::PsuRecord psu;
  psu.id = "0b5e7a4c-8d2f-4c1e-9a3b-6f1d2e3c4b5a";
  psu.name = "Ada Lovelace";
  psu.created_at = 1700000000123;
  psu.contact_details = cx::store::ContactDetails{"ada@example.org", std::nullopt, "en-GB"};
  psu.address = cx::store::Address{"Main Street", "12", "London", std::nullopt, "N1 9GU", "GB"};
  psu.metadata = {{"segment", "retail"}};
  const json::object psu_json = cx::engine::psu_json(psu);

  // Engine::forward
  auto created = p.call(Op::CreateUser, "pager_ob", {{"psu", psu_json}});
  cx::store::ForwardedUserRecord user;
  user.psu_id = psu.id;
  user.connector_id = cid;
  user.provider_user_id = std::string(created.at("providerUserID").as_string());
  auto token = cx::engine::token_from(created.as_object().if_contains("permanentToken"));
  const json::object user_json = cx::engine::forwarded_user_json(user, token);

  // make_link, without and with a connection
  const std::string attempt_id = "3c9d2b1a-5e4f-4a6b-8c7d-9e0f1a2b3c4d", randomized = "a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7";
  json::object link{{"attemptID", attempt_id}, {"psu", psu_json}, {"forwardedUser", user_json},
                    {"clientRedirectURL", "https://app.example.org/back"},
                    {"redirectURL", base + "open-banking/" + cid + "/redirect"},
                    {"callbackState", cx::ids::encode(cx::ids::CallbackState{attempt_id, randomized})},
                    {"webhookBaseURL", base + "webhooks/" + cid}, {"applicationName", "Schemas"}};
  auto linked = p.call(Op::CreateUserLink, "pager_ob", link);

  // Engine::handle_redirect
  json::object attempt{{"id", attempt_id}, {"psuID", psu.id}, {"state", {{"attemptID", attempt_id}, {"randomized", randomized}}},
                       {"clientRedirectURL", "https://app.example.org/back"}};
  if (auto t = cx::engine::token_from(linked.as_object().if_contains("temporaryToken"))) attempt["temporaryToken"] = cx::engine::token_json(*t);
  auto http_call = [&](json::object query) {
    return json::object{{"queryValues", std::move(query)}, {"headers", {{"accept", json::array{"text/html"}}}}, {"body", ""}};
  };
  auto done = p.call(Op::CompleteUserLink, "success",
                     {{"httpCall", http_call({{"state", json::array{link.at("callbackState")}}, {"connection_id", json::array{"conn-1"}}})},
                      {"attempt", attempt}, {"forwardedUser", user_json}});
  p.call(Op::CompleteUserLink, "provider_error",
         {{"httpCall", http_call({{"state", json::array{link.at("callbackState")}}, {"error", json::array{"access_denied"}}})},
          {"attempt", attempt}, {"forwardedUser", user_json}});

  // activate_connection
  auto c = json::value_to<cx::Connection>(done.at("success").at("connections").at(0));
  cx::store::ConnectionRecord conn;
  conn.psu_id = psu.id;
  conn.connector_id = cid;
  conn.connection_id = c.connection_id;
  conn.metadata = c.metadata;
  conn.access_token = cx::engine::token_from(done.at("success").at("connections").at(0).as_object().if_contains("accessToken"));
  conn.created_at = 1700000100000;
  const json::object conn_json = cx::engine::connection_json(conn);

  json::object update = link;
  update["connection"] = conn_json;
  p.call(Op::UpdateUserLink, "pager_ob", update);

  // Fetches per connection (fetch.cpp's fromPayload).
  auto ob_payload = [&](json::value parent) {
    return json::object{{"psuID", psu.id}, {"forwardedUser", user_json}, {"connection", conn_json}, {"fromPayload", std::move(parent)}};
  };
  auto accounts = p.call(Op::FetchAccounts, "connection", fetch_request(nullptr, ob_payload(nullptr)));
  write("fetch_balances--connection_account.request",
        fetch_request(nullptr, ob_payload(stored_account(accounts.at("accounts").at(0), conn.connection_id))));
  fetch_all_payments(p, "connection", ob_payload(nullptr));

  p.call(Op::DeleteUserConnection, "pager_ob", {{"psu", psu_json}, {"forwardedUser", user_json}, {"connection", conn_json}});
  p.call(Op::DeleteUser, "pager_ob", {{"psu", psu_json}, {"forwardedUser", user_json}});
}

/// Every translate_webhook response kind as model.hpp writes it, plus userLinkConnections as the
/// Plaid connector writes it.
void model_helpers() {
  namespace wh = cx::webhook;
  cx::Account a{"acc-9", "2024-05-01T10:00:00Z", "Savings", "EUR/2", {{"iban", "FR76..."}}, json::object{}, "u-1", "conn-1"};
  cx::Balance b{"acc-9", "2024-05-01T10:00:00.250Z", "-1200", "EUR/2", "u-1", "conn-1"};
  cx::Payment p;
  p.reference = "tx-1";
  p.parent_reference = "tx-0";
  p.created_at = "2024-05-01T10:00:00+02:00";
  p.type = cx::payment_type::kPayout;
  p.amount = "995";
  p.asset = "EUR/2";
  p.status = cx::payment_status::kPending;
  p.source_account_reference = "acc-9";
  cx::Connection c{"conn-2", "2024-05-01T10:00:00Z", cx::Token{"access", "2024-06-01T00:00:00Z"}, {{"institution", "x"}}};
  json::array responses{
      wh::accounts({a}), wh::external_accounts({a}), wh::balances({b}), wh::payments({p}),
      wh::payments_to_delete({cx::PaymentToDelete{"tx-0"}}),
      wh::link_session_finished("att-1", "exited", std::string("user closed the window")),
      json::object{{"userLinkConnections", {{"attemptID", "att-1"}, {"connections", json::array{json::value_from(c)}}}}},
      wh::data_ready_to_fetch("conn-1", {"accounts_and_balances", "payments"}),
      wh::user_disconnected("u-1", std::string("consent revoked")),
      wh::connection_disconnected("u-1", "conn-1", "2024-05-01T10:00:00Z", "USER_ACTION_NEEDED", std::string("expired")),
      wh::connection_reconnected(std::nullopt, "conn-1", "2024-05-02T10:00:00Z"),
      wh::connection_pending_disconnect("u-1", "conn-1", "2024-05-03T10:00:00Z", std::string("consent ends soon"))};
  write("translate_webhook--model_helpers.response", json::object{{"responses", responses}});
}

/// config_schema_json of the echo fixture and of every plugin built next to the daemon.
void config_schemas(const fs::path& fixtures, const std::optional<fs::path>& plugins) {
  std::vector<fs::path> files{fixtures / "echo.so"};
  if (plugins && fs::is_directory(*plugins))
    for (auto& e : fs::directory_iterator(*plugins))
      if (e.path().extension() == ".so") files.push_back(e.path());
  for (auto& f : files) {
    auto lib = cx::plugin::PluginLibrary::load(f);
    if (const char* s = lib->descriptor().config_schema_json) write("config--" + lib->id(), std::string_view(s));
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: sdk_schema_payloads FIXTURE_DIR OUT_DIR [PLUGIN_DIR]\n";
    return 2;
  }
  try {
    fs::path fixtures = argv[1];
    g_out = argv[2];
    fs::create_directories(g_out);
    psp(fixtures);
    open_banking(fixtures);
    model_helpers();
    config_schemas(fixtures, argc > 3 ? std::optional<fs::path>(argv[3]) : std::nullopt);
  } catch (const std::exception& e) {
    std::cerr << "sdk_schema_payloads: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
