// The Powens connector against the Powens sandbox over real HTTP: forward, link through the
// webview automation contract, webhooks (signature + translation), polling with the watermark,
// a pending transaction that posts under a new id, and the result compared with the sandbox's
// ground truth. The FakeHost's HTTP service is backed by a real cpp-httplib client.
#include "helpers.hpp"
#include <connectivity/http.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

using namespace powens_test;
using namespace std::chrono_literals;

namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// The sandbox process for the duration of a test.
struct SandboxProcess {
  pid_t pid = -1;
  int port = free_port();
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  explicit SandboxProcess(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{CX_SANDBOX_BIN, "powens", "--listen", "127.0.0.1:" + std::to_string(port), "--seed", "7",
                                  "--start-date", "2024-03-29"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test, even if it crashes
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execv(CX_SANDBOX_BIN, argv.data());
      ::_exit(127);
    }
    httplib::Client c(base);
    for (int i = 0; i < 100; ++i) {
      if (auto r = c.Get("/sandbox/console"); r && r->status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL("the sandbox did not start");
  }
  ~SandboxProcess() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

/// Receives webhooks like the daemon's public route would.
struct Receiver {
  struct Hook {
    std::string path, body;
    json::object headers;
  };
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::mutex mu;
  std::vector<Hook> hooks;
  Receiver() {
    server.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      Hook h{req.path, req.body, {}};
      for (auto& [k, v] : req.headers) {
        std::string name = k;
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        h.headers[name] = json::array{json::string(v)};
      }
      std::lock_guard l(mu);
      hooks.push_back(std::move(h));
      res.status = 204;
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~Receiver() {
    server.stop();
    thread.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  /// Waits for the n-th webhook (1-based).
  Hook wait(size_t n) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard l(mu);
        if (hooks.size() >= n) return hooks[n - 1];
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL("no webhook arrived");
    return {};
  }
};

/// Backs FakeHost's http service with a real client.
void use_real_http(cx::testing::FakeHost& host) {
  host.on_http([](const cx::HttpRequest& r) {
    auto origin = cx::url_origin(r.url).value();
    std::string target = r.url.substr(origin.size());
    httplib::Client c(origin);
    httplib::Headers headers;
    std::string content_type = "application/json";
    for (auto& [k, v] : r.headers)
      if (k == "Content-Type") content_type = v;
      else headers.emplace(k, v);
    httplib::Result res = r.method == "GET"      ? c.Get(target, headers)
                          : r.method == "DELETE" ? c.Delete(target, headers)
                          : r.method == "PUT"    ? c.Put(target, headers, r.body, content_type)
                                                 : c.Post(target, headers, r.body, content_type);
    cx::HttpResponse out;
    if (!res) return cx::HttpResponse{599, {}, "transport failure"};
    out.status = res->status;
    for (auto& [k, v] : res->headers) {
      std::string name = k;
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[name] = v;
    }
    out.body = res->body;
    return out;
  });
}

/// A minimal store applying op results the way the host does: upsert by reference, deletions.
struct Store {
  std::map<std::string, json::object> payments;
  std::map<std::string, json::object> accounts;
  std::map<std::string, std::string> balances;  // account -> amount asset
  void apply_payments(const json::value& v) {
    for (auto& p : v.as_array()) payments[std::string(p.at("reference").as_string())] = p.as_object();
  }
  void apply_deletes(const json::value& v) {
    for (auto& p : v.as_array()) payments.erase(std::string(p.at("reference").as_string()));
  }
  void apply_responses(const json::value& out) {
    for (auto& r : out.at("responses").as_array()) {
      auto& o = r.as_object();
      if (auto* p = o.if_contains("payments")) apply_payments(*p);
      if (auto* d = o.if_contains("paymentsToDelete")) apply_deletes(*d);
      if (auto* a = o.if_contains("accounts"))
        for (auto& acc : a->as_array()) accounts[std::string(acc.at("reference").as_string())] = acc.as_object();
      if (auto* b = o.if_contains("balances"))
        for (auto& bal : b->as_array())
          balances[std::string(bal.at("accountReference").as_string())] =
              std::string(bal.at("amount").as_string()) + " " + std::string(bal.at("asset").as_string());
    }
  }
  /// (reference, account, amount, asset, type, status) rows, comparable with the truth.
  std::set<std::string> rows() const {
    std::set<std::string> out;
    for (auto& [ref, p] : payments) {
      auto* acc = p.if_contains("sourceAccountReference");
      if (!acc) acc = p.if_contains("destinationAccountReference");
      out.insert(ref + "|" + std::string(acc->as_string()) + "|" + std::string(p.at("amount").as_string()) + "|" +
                 std::string(p.at("asset").as_string()) + "|" + std::string(p.at("type").as_string()) + "|" +
                 std::string(p.at("status").as_string()));
    }
    return out;
  }
};

std::set<std::string> truth_rows(const json::object& truth) {
  std::set<std::string> out;
  for (auto& p : truth.at("payments").as_array())
    if (!p.at("malformed").as_bool())
      out.insert(std::string(p.at("reference").as_string()) + "|" + std::string(p.at("accountReference").as_string()) + "|" +
                 std::string(p.at("amount").as_string()) + "|" + std::string(p.at("asset").as_string()) + "|" +
                 std::string(p.at("type").as_string()) + "|" + std::string(p.at("status").as_string()));
  return out;
}

json::object get_json(const std::string& base, const std::string& path) {
  httplib::Client c(base);
  auto r = c.Get(path);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return json::parse(r->body).as_object();
}

json::object webhook_request(const Receiver& rx, const Receiver::Hook& h, const json::array& configs) {
  json::object config;
  for (auto& c : configs)
    if (c.at("name") == "CONNECTION_SYNCED") config = c.as_object();
  config["fullURL"] = rx.url(h.path);
  return {{"name", "CONNECTION_SYNCED"},
          {"webhook", json::object{{"path", "/connection-synced"}, {"fullURL", rx.url(h.path)}, {"method", "POST"},
                                   {"headers", h.headers}, {"queryValues", json::object{}}, {"body", h.body}}},
          {"config", config}};
}

/// Polls every account of the connection to completion, applying results to `store`.
/// `states` carries each account's payment watermark between runs.
void poll(cx::testing::Driver& d, const json::object& user, const std::string& connection_id, Store& store,
          std::map<std::string, json::value>& states) {
  auto base = [&](json::value parent, json::value state) {
    json::object payload{{"psuID", "psu-1"}, {"forwardedUser", user},
                         {"connection", json::object{{"connectionID", connection_id}}}, {"fromPayload", std::move(parent)}};
    return json::object{{"state", std::move(state)}, {"fromPayload", std::move(payload)}, {"pageSize", 25}};
  };
  auto accounts = d.call_ok(&cx_connector::fetch_accounts, base(nullptr, nullptr)).at("accounts").as_array();
  for (auto& a : accounts) {
    std::string ref(a.at("reference").as_string());
    store.accounts[ref] = a.as_object();
    auto parent = json::parse(json::serialize(a));  // as the host stores and returns it
    auto balances = d.call_ok(&cx_connector::fetch_balances, base(parent, nullptr));
    for (auto& b : balances.at("balances").as_array())
      store.balances[ref] = std::string(b.at("amount").as_string()) + " " + std::string(b.at("asset").as_string());
    json::value& state = states[ref];
    for (int guard = 0; guard < 100; ++guard) {
      auto out = d.call_ok(&cx_connector::fetch_payments, base(parent, state)).as_object();
      store.apply_payments(out.at("payments"));
      store.apply_deletes(out.at("paymentsToDelete"));
      state = out.at("newState");
      if (!out.at("hasMore").as_bool()) break;
    }
  }
}

}  // namespace

TEST_CASE("interop: link, webhooks and polling against the sandbox end equal to its ground truth") {
  if (!std::filesystem::exists(CX_SANDBOX_BIN)) {
    WARN("connectivity-sandbox is not built; skipping");
    return;
  }
  SandboxProcess sbx;
  Receiver rx;
  cx::testing::FakeHost host;
  use_real_http(host);
  json::object cfg{{"name", "interop"}, {"clientID", "cx-sandbox-client"}, {"clientSecret", "cx-sandbox-secret"},
                   {"configurationToken", "cx-sandbox-config-token"}, {"domain", "sandbox"}, {"endpoint", sbx.base},
                   {"webviewURL", sbx.base}, {"maxConnectionsPerLink", 1}, {"pageSize", 25}};
  cx::testing::Driver d(descriptor(), host, json::serialize(cfg));
  REQUIRE(d.created());

  // Webhooks: the HMAC auth, then the console registration (one call per event).
  auto configs = d.call_ok(&cx_connector::create_webhooks, json::object{{"connectorID", "c1"}, {"webhookBaseURL", rx.url("")}})
                     .at("configs").as_array();
  httplib::Client console(sbx.base);
  auto reg = console.Post("/sandbox/console/webhooks",
                          json::serialize(json::object{{"event", "CONNECTION_SYNCED"},
                                                       {"url", rx.url("/api/payments/v3/connectors/webhooks/c1/connection-synced")}}),
                          "application/json");
  REQUIRE(reg);
  CHECK(reg->status == 204);

  // Forward the PSU, create a link and play the end user through sandbox_auto.
  auto created = d.call_ok(&cx_connector::create_user, json::object{{"psu", json::object{{"id", "psu-1"}}}}).as_object();
  json::object user{{"psuID", "psu-1"}, {"connectorID", "c1"}, {"providerUserID", created.at("providerUserID")},
                    {"accessToken", created.at("permanentToken")}, {"metadata", created.at("metadata")}};
  auto link = d.call_ok(&cx_connector::create_user_link,
                        json::object{{"attemptID", "a1"}, {"psu", json::object{{"id", "psu-1"}}}, {"forwardedUser", user},
                                     {"clientRedirectURL", "http://app.example/done"},
                                     {"redirectURL", "http://127.0.0.1:9/api/payments/v3/connectors/open-banking/c1/redirect"},
                                     {"callbackState", "st+1/="}, {"webhookBaseURL", rx.url("")}})
                  .at("link").as_string();
  std::string link_url(link);
  auto origin = cx::url_origin(link_url).value();
  auto res = httplib::Client(origin).Get(link_url.substr(origin.size()) + "&sandbox_auto=1");
  REQUIRE(res);
  REQUIRE(res->status == 302);
  std::string location = res->get_header_value("Location");
  INFO("redirect: " << location);
  CHECK(location.rfind("http://127.0.0.1:9/api/payments/v3/connectors/open-banking/c1/redirect?", 0) == 0);
  // cpp-httplib's client percent-decodes a Location header when it reads it; the state came back whole.
  CHECK(cx::query_param(location, "state") == std::optional<std::string>("st+1/="));
  auto connection_id = cx::query_param(location, "connection_id").value();
  auto completed = d.call_ok(&cx_connector::complete_user_link,
                             json::object{{"httpCall", json::object{{"queryValues", json::object{
                                                                         {"state", json::array{"st+1/="}},
                                                                         {"connection_id", json::array{json::string(connection_id)}}}}}}});
  CHECK(completed.at("success").at("connections").as_array()[0].at("connectionID") == connection_id.c_str());

  // The CONNECTION_SYNCED webhook: verified, then translated into a store.
  Store by_webhook;
  auto first = rx.wait(1);
  auto req = webhook_request(rx, first, configs);
  REQUIRE(d.call(&cx_connector::verify_webhook, req).code == CX_OK);
  by_webhook.apply_responses(d.call_ok(&cx_connector::translate_webhook, req));

  // A forged copy is refused.
  auto forged = req;
  forged.at("webhook").as_object()["body"] = first.body + " ";
  CHECK(d.call(&cx_connector::verify_webhook, forged).code == CX_ERR_AUTH);

  // Polling the same connection yields the same data.
  Store by_polling;
  std::map<std::string, json::value> states;
  poll(d, user, connection_id, by_polling, states);

  std::string uid(created.at("providerUserID").as_string());
  auto truth = get_json(sbx.base, "/sandbox/console/truth?user=" + uid);
  auto expected = truth_rows(truth);
  REQUIRE(expected.size() > 100);
  CHECK(by_webhook.rows() == expected);
  CHECK(by_polling.rows() == expected);
  CHECK(by_polling.accounts.size() == truth.at("accounts").as_array().size());
  std::map<std::string, std::string> truth_balances;
  for (auto& b : truth.at("balances").as_array())
    truth_balances[std::string(b.at("accountReference").as_string())] =
        std::string(b.at("amount").as_string()) + " " + std::string(b.at("asset").as_string());
  CHECK(by_polling.balances == truth_balances);
  CHECK(by_webhook.balances == truth_balances);
  std::set<std::string> assets;
  for (auto& [ref, a] : by_polling.accounts) assets.insert(std::string(a.at("defaultAsset").as_string()));
  CHECK(assets == std::set<std::string>{"EUR/2", "JPY/0", "KWD/3"});
  size_t pending = 0;
  for (auto& [ref, p] : by_polling.payments) pending += p.at("status") == "PENDING";
  CHECK(pending > 0);

  // Two days later pending rows post, some under new ids; both paths converge on the truth.
  auto advanced = console.Post("/sandbox/console/clock", R"({"advance":"48h"})", "application/json");
  REQUIRE(advanced);
  REQUIRE(advanced->status == 200);
  auto replaced = json::parse(advanced->body).at("replaced").as_array();
  REQUIRE_FALSE(replaced.empty());
  auto second = rx.wait(2);
  auto req2 = webhook_request(rx, second, configs);
  REQUIRE(d.call(&cx_connector::verify_webhook, req2).code == CX_OK);
  by_webhook.apply_responses(d.call_ok(&cx_connector::translate_webhook, req2));
  poll(d, user, connection_id, by_polling, states);

  truth = get_json(sbx.base, "/sandbox/console/truth?user=" + uid);
  expected = truth_rows(truth);
  CHECK(by_webhook.rows() == expected);
  CHECK(by_polling.rows() == expected);
  for (auto& r : replaced) {
    std::string provisional = std::to_string(r.at("provisional").as_int64());
    std::string permanent = std::to_string(r.at("permanent").as_int64());
    CHECK(by_polling.payments.count(provisional) == 0);
    CHECK(by_webhook.payments.count(provisional) == 0);
    REQUIRE(by_polling.payments.count(permanent) == 1);
    CHECK(by_polling.payments.at(permanent).at("status") == "SUCCEEDED");
  }
  // The first delivery replayed after the second (out of order) changes nothing.
  Store replayed = by_webhook;
  replayed.apply_responses(d.call_ok(&cx_connector::translate_webhook, req));
  CHECK(replayed.rows() == expected);
  CHECK(replayed.balances == by_webhook.balances);
}

TEST_CASE("interop: API faults surface as retryable statuses and malformed amounts are rejected, not rounded") {
  if (!std::filesystem::exists(CX_SANDBOX_BIN)) return;
  SandboxProcess sbx({"--faults", R"({"rate429":1})"});
  cx::testing::FakeHost host;
  use_real_http(host);
  json::object cfg{{"clientID", "cx-sandbox-client"}, {"clientSecret", "cx-sandbox-secret"},
                   {"configurationToken", "cx-sandbox-config-token"}, {"domain", "sandbox"}, {"endpoint", sbx.base},
                   {"webviewURL", sbx.base}, {"maxConnectionsPerLink", 1}};
  cx::testing::Driver d(descriptor(), host, json::serialize(cfg));
  auto limited = d.call(&cx_connector::create_user, json::object{{"psu", json::object{{"id", "p"}}}});
  CHECK(limited.code == CX_ERR_RATE_LIMITED);
  CHECK(json::parse(limited.err).at("retryAfterMs") == 1000);
  httplib::Client console(sbx.base);
  REQUIRE(console.Post("/sandbox/console/faults", R"({"rate429":0,"rate5xx":1})", "application/json"));
  CHECK(d.call(&cx_connector::create_user, json::object{{"psu", json::object{{"id", "p"}}}}).code == CX_ERR_UPSTREAM);
  REQUIRE(console.Post("/sandbox/console/faults", R"({"rate5xx":0,"malformedAmountRate":0.2})", "application/json"));
  auto created = d.call_ok(&cx_connector::create_user, json::object{{"psu", json::object{{"id", "p"}}}}).as_object();
  json::object user{{"providerUserID", created.at("providerUserID")}, {"accessToken", created.at("permanentToken")}};
  auto link = std::string(d.call_ok(&cx_connector::create_user_link,
                                    json::object{{"forwardedUser", user}, {"redirectURL", "http://127.0.0.1:9/r"}, {"callbackState", "s"}})
                              .at("link").as_string());
  auto origin = cx::url_origin(link).value();
  auto res = httplib::Client(origin).Get(link.substr(origin.size()) + "&sandbox_auto=1");
  REQUIRE(res);
  auto connection_id = cx::query_param(res->get_header_value("Location"), "connection_id").value();
  Store store;
  std::map<std::string, json::value> states;
  poll(d, user, connection_id, store, states);
  auto truth = get_json(sbx.base, "/sandbox/console/truth?user=" + std::string(created.at("providerUserID").as_string()));
  size_t malformed = 0;
  for (auto& p : truth.at("payments").as_array()) malformed += p.at("malformed").as_bool();
  REQUIRE(malformed > 0);
  CHECK(store.rows() == truth_rows(truth));  // every malformed row rejected, every other one exact
  size_t rejections = 0;
  for (auto& [level, msg] : host.logs()) rejections += level == CX_LOG_ERROR && msg.find("rejected") != std::string::npos;
  CHECK(rejections >= malformed);
}

TEST_CASE("interop: duplicate, out-of-order and forged webhooks still converge on the truth") {
  if (!std::filesystem::exists(CX_SANDBOX_BIN)) return;
  SandboxProcess sbx({"--faults", R"({"duplicateWebhookRate":0.5,"outOfOrderWebhookRate":0.5,"outOfOrderDelayMs":400,"badSignatureRate":0.5})"});
  Receiver rx;
  cx::testing::FakeHost host;
  use_real_http(host);
  json::object cfg{{"name", "faults"}, {"clientID", "cx-sandbox-client"}, {"clientSecret", "cx-sandbox-secret"},
                   {"configurationToken", "cx-sandbox-config-token"}, {"domain", "sandbox"}, {"endpoint", sbx.base},
                   {"webviewURL", sbx.base}, {"maxConnectionsPerLink", 1}};
  cx::testing::Driver d(descriptor(), host, json::serialize(cfg));
  auto configs = d.call_ok(&cx_connector::create_webhooks, json::object{{"connectorID", "c1"}}).at("configs").as_array();
  httplib::Client console(sbx.base);
  REQUIRE(console.Post("/sandbox/console/webhooks",
                       json::serialize(json::object{{"event", "CONNECTION_SYNCED"}, {"url", rx.url("/hooks/connection-synced")}}),
                       "application/json"));
  auto created = d.call_ok(&cx_connector::create_user, json::object{{"psu", json::object{{"id", "p"}}}}).as_object();
  json::object user{{"providerUserID", created.at("providerUserID")}, {"accessToken", created.at("permanentToken")}};
  auto link = std::string(d.call_ok(&cx_connector::create_user_link,
                                    json::object{{"forwardedUser", user}, {"redirectURL", "http://127.0.0.1:9/r"}, {"callbackState", "s"}})
                              .at("link").as_string());
  auto origin = cx::url_origin(link).value();
  REQUIRE(httplib::Client(origin).Get(link.substr(origin.size()) + "&sandbox_auto=1"));
  for (int i = 0; i < 3; ++i) REQUIRE(console.Post("/sandbox/console/clock", R"({"advance":"30h"})", "application/json"));
  // Wait until the sandbox has delivered everything.
  for (int i = 0; i < 200; ++i) {
    auto st = get_json(sbx.base, "/sandbox/console/deliveries");
    if (st.at("queued").as_int64() == 0 && st.at("inFlight").as_int64() == 0 && st.at("deliveries").as_array().size() >= 4) break;
    std::this_thread::sleep_for(50ms);
  }
  Store store;
  std::set<std::string> keys;
  size_t refused = 0, duplicates = 0;
  std::vector<Receiver::Hook> hooks;
  {
    std::lock_guard l(rx.mu);
    hooks = rx.hooks;
  }
  for (auto& h : hooks) {
    auto req = webhook_request(rx, h, configs);
    auto verified = d.call(&cx_connector::verify_webhook, req);
    if (verified.code != CX_OK) {
      ++refused;
      continue;
    }
    std::string key(verified.json().at("idempotencyKey").as_string());
    if (!keys.insert(key).second) {
      ++duplicates;  // the host stores a delivery once per idempotency key
      continue;
    }
    store.apply_responses(d.call_ok(&cx_connector::translate_webhook, req));
  }
  INFO("hooks " << hooks.size() << ", refused " << refused << ", duplicates " << duplicates);
  CHECK(refused > 0);
  CHECK(duplicates > 0);
  auto truth = get_json(sbx.base, "/sandbox/console/truth?user=" + std::string(created.at("providerUserID").as_string()));
  CHECK(store.rows() == truth_rows(truth));
}
