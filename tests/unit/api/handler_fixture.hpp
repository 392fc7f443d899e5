// Handler tests' fixture: a real temporary store, a scriptable fake Backend, the full route table,
// and a request helper that calls Api::handle directly (the HTTP transport has its own tests).
#pragma once

#include "host/api/api.hpp"
#include "host/api/backend.hpp"
#include "host/api/routes.hpp"
#include "host/store/store.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <boost/url/pct_string_view.hpp>
#include <connectivity/abi.h>

#include <httplib.h>

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace cx::api::test {

/// Records every call; answers with the configured results (success by default).
class FakeBackend : public Backend {
 public:
  std::vector<std::string> calls;              ///< "install powens", "forward <psu> <cid>", …
  std::optional<Failure> fail_next;            ///< returned (once) by the next action
  boost::json::object last_config;
  LinkInput last_link;
  InboundInput last_inbound;
  RedirectOutput redirect{std::string("https://app.example/done")};
  std::string installed_id;

  std::string webhook_base_url(const std::string& connector_id) const override {
    return "https://cx.example/api/payments/v3/connectors/webhooks/" + connector_id;
  }
  std::vector<PluginInfo> plugins() const override {
    return {PluginInfo{"generic", "1.0.0", CX_ABI_VERSION,
                       CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_PAYMENTS | CX_CAP_ALLOW_ACCOUNT_CREATION,
                       R"({"type":"object","required":["apiKey","endpoint"],"properties":{"apiKey":{"type":"string"},
                          "endpoint":{"type":"string"},"pageSize":{"type":"integer","default":100}}})"},
            PluginInfo{"powens", "1.2.0", CX_ABI_VERSION,
                       CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_OPEN_BANKING | CX_CAP_CREATE_WEBHOOKS,
                       R"({"type":"object","required":["clientID"],"properties":{"clientID":{"type":"string"},
                          "pollingPeriod":{"type":"string","format":"duration","default":"30m"}}})"}};
  }

  template <class T>
  Result<T> answer(std::string call, T value) {
    calls.push_back(std::move(call));
    if (fail_next) {
      Failure f = *fail_next;
      fail_next.reset();
      return f;
    }
    return value;
  }
  Result<void> answer_void(std::string call) {
    calls.push_back(std::move(call));
    if (fail_next) {
      Failure f = *fail_next;
      fail_next.reset();
      return f;
    }
    return {};
  }

  Result<std::string> install_connector(const std::string& provider, const boost::json::object& config) override {
    last_config = config;
    return answer("install " + provider, installed_id);
  }
  Result<void> update_connector_config(const std::string& id, const boost::json::object& config) override {
    last_config = config;
    return answer_void("update_config " + id);
  }
  Result<std::string> uninstall_connector(const std::string& id) override { return answer("uninstall " + id, std::string("task-u")); }
  Result<std::string> reset_connector(const std::string& id) override { return answer("reset " + id, std::string("task-r")); }
  Result<void> forward_psu(const std::string& psu, const std::string& cid) override {
    return answer_void("forward " + psu + " " + cid);
  }
  Result<LinkOutput> create_link(const LinkInput& in) override {
    last_link = in;
    return answer("create_link " + in.psu_id, LinkOutput{"attempt-1", "https://provider.example/webview?x=<&>"});
  }
  Result<LinkOutput> update_link(const LinkInput& in) override {
    last_link = in;
    return answer("update_link " + in.connection_id.value_or(""), LinkOutput{"attempt-2", "https://provider.example/u"});
  }
  Result<std::string> delete_psu(const std::string& psu) override { return answer("delete_psu " + psu, std::string("task-d")); }
  Result<std::string> delete_psu_connector(const std::string& psu, const std::string& cid) override {
    return answer("delete_psu_connector " + psu + " " + cid, std::string("task-dc"));
  }
  Result<std::string> delete_connection(const std::string& psu, const std::string&, const std::string& conn) override {
    return answer("delete_connection " + psu + " " + conn, std::string("task-conn"));
  }
  Result<std::string> forward_bank_account(const std::string& ba, const std::string&) override {
    return answer("forward_bank_account " + ba, std::string("task-ba"));
  }
  Result<WebhookOutput> handle_webhook(const InboundInput& in) override {
    last_inbound = in;
    return answer("webhook " + in.path, WebhookOutput{200, ""});
  }
  Result<RedirectOutput> handle_redirect(const InboundInput& in) override {
    last_inbound = in;
    return answer("redirect", redirect);
  }
  std::map<std::string, int64_t> task_counts() const override { return {{"running", 2}}; }
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("cx-api-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  boost::json::value json() const { return boost::json::parse(body); }
  std::string code() const { return std::string(json().at("errorCode").as_string()); }
  std::string message() const { return std::string(json().at("errorMessage").as_string()); }
  std::string header(const std::string& k) const {
    for (const auto& [hk, hv] : headers)
      if (hk == k) return hv;
    return "";
  }
};

inline constexpr const char* kToken = "test-token";

/// Percent-decoding of one query component.
/// A malformed escape stays as sent, so handlers see (and refuse) the raw bytes.
inline std::string decode(const std::string& s) {
  auto pct = boost::urls::make_pct_string_view(s);
  return pct ? pct->decode(boost::urls::encoding_opts(/*space_as_plus=*/true)) : s;
}

class Fixture {
 public:
  TempDir dir;
  std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(1'700'000'000'000);
  std::unique_ptr<store::Database> db;
  FakeBackend backend;
  std::unique_ptr<Api> api;

  Fixture() {
    store::DatabaseOptions o;
    o.path = dir.path / "connectivity.db";
    o.readers = 2;
    auto c = clock;
    o.clock = [c] { return c->load(); };
    uint8_t key[32];
    for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i * 3 + 1);
    db = std::make_unique<store::Database>(std::move(o), crypto::MasterKey::from_bytes(key, sizeof key));
    api = std::make_unique<Api>(Authenticator({kToken}), nullptr);
    add_all_routes(*api, Services{*db, backend, "1.2.3"});
  }

  /// Advances the store clock by `ms` (orders rows by created_at).
  void tick(int64_t ms = 1000) { clock->fetch_add(ms); }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             bool auth = true, std::vector<std::pair<std::string, std::string>> headers = {}) const {
    ApiRequest r;
    r.method = method;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string qs = target.substr(q + 1);
      size_t start = 0;
      while (start <= qs.size()) {
        size_t amp = qs.find('&', start);
        if (amp == std::string::npos) amp = qs.size();
        std::string kv = qs.substr(start, amp - start);
        auto eq = kv.find('=');
        if (!kv.empty()) r.query.emplace(decode(kv.substr(0, eq)), eq == std::string::npos ? "" : decode(kv.substr(eq + 1)));
        start = amp + 1;
      }
    }
    r.body = body;
    r.headers = std::move(headers);
    if (auth) r.headers.emplace_back("Authorization", std::string("Bearer ") + kToken);
    ApiResponse res = api->handle(r);
    return Reply{res.status, res.body, res.content_type, res.headers};
  }
  Reply get(const std::string& t, const std::string& body = "") const { return call("GET", t, body); }
  Reply post(const std::string& t, const std::string& body = "") const { return call("POST", t, body); }

  // ---- seeding ----
  std::string add_connector(const std::string& provider = "powens", const std::string& name = "main") {
    ids::ConnectorID cid{provider, util::uuid_v4()};
    store::ConnectorRecord c;
    c.id = ids::encode(cid);
    c.reference = cid.reference;
    c.name = name;
    c.provider = provider;
    c.config = boost::json::object{{"name", name}, {"pollingPeriod", "30m0s"}, {"clientID", "id-1"}};
    db->write([&](store::WriteTx& tx) { store::connectors::insert(tx, c); });
    tick();
    return c.id;
  }
  std::string add_psu(const std::string& name = "Ada", store::Metadata metadata = {}) {
    store::PsuRecord p;
    p.id = util::uuid_v4();
    p.name = name;
    p.metadata = std::move(metadata);
    db->write([&](store::WriteTx& tx) { store::psus::insert(tx, p); });
    tick();
    return p.id;
  }
  std::string add_account(const std::string& connector_id, const std::string& ref,
                          std::optional<std::string> psu = std::nullopt, std::string raw = R"({"iban":"FR76"})") {
    auto cid = *ids::decode_connector_id(connector_id);
    store::AccountRecord a;
    a.id = ids::encode(ids::AccountID{cid, ref});
    a.connector_id = connector_id;
    a.reference = ref;
    a.name = "Account " + ref;
    a.default_asset = "EUR/2";
    a.psu_id = psu;
    a.raw_json = std::move(raw);
    a.created_at = clock->load();
    db->write([&](store::WriteTx& tx) { store::accounts::insert(tx, a); });
    tick();
    return a.id;
  }
  std::string add_payment(const std::string& connector_id, const std::string& ref, const std::string& amount,
                          std::optional<std::string> psu = std::nullopt) {
    auto cid = *ids::decode_connector_id(connector_id);
    store::PaymentWrite p;
    ids::PaymentID pid{cid, ref, "PAY-IN"};
    p.id = ids::encode(pid);
    p.adjustment_id = ids::encode(ids::PaymentAdjustmentID{pid, ref, "2024-01-01T00:00:00Z", "SUCCEEDED"});
    p.connector_id = connector_id;
    p.reference = ref;
    p.adjustment_reference = ref;
    p.type = "PAY-IN";
    p.amount = amount;
    p.asset = "EUR/2";
    p.status = "SUCCEEDED";
    p.psu_id = psu;
    p.raw_json = R"({"id":")" + ref + R"(","big":123456789012345678901234567890})";
    p.created_at = clock->load();
    db->write([&](store::WriteTx& tx) { store::payments::upsert(tx, p); });
    tick();
    return p.id;
  }
};

/// base64url of arbitrary text (forged cursors and IDs).
inline std::string b64(const std::string& s) { return util::base64url_encode(s); }

}  // namespace cx::api::test
