// The connector against the real Plaid sandbox process: link via Hosted Link automation, signed
// webhooks verified and translated, fetches until the stored state equals the sandbox's ground
// truth, pending -> posted, mutation during pagination, and forged webhooks refused.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <set>
#include <spawn.h>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

extern char** environ;

using namespace plaid_test;
namespace json = cx::json;

namespace {
/// A port free right now (a plain socket: httplib's listeners use SO_REUSEPORT and would keep
/// sharing the port with the sandbox).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// The sandbox process and a webhook receiver, for one test.
struct Rig {
  pid_t pid = 0;
  int port = 0;
  std::string base;
  httplib::Server hooks;
  int hook_port = 0;
  std::thread hook_thread;
  std::mutex mu;
  std::vector<boost::json::object> received;  // webhook_request() shapes

  bool start() {
    if (access(CX_SANDBOX_BIN, X_OK) != 0) return false;
    port = free_port();
    base = "http://127.0.0.1:" + std::to_string(port);
    std::string listen = "127.0.0.1:" + std::to_string(port);
    std::vector<std::string> args = {CX_SANDBOX_BIN, "plaid", "--listen", listen, "--seed", "11", "--webhook-delay-ms", "10"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid, CX_SANDBOX_BIN, nullptr, nullptr, argv.data(), environ) != 0) return false;
    hooks.Post(R"(/wh/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      auto r = webhook_request(req.body, req.get_header_value("Plaid-Verification"),
                               req.has_param("attemptID") ? req.get_param_value("attemptID") : "");
      std::lock_guard l(mu);
      received.push_back(std::move(r));
      res.status = 200;
    });
    hook_port = hooks.bind_to_any_port("127.0.0.1");
    hook_thread = std::thread([this] { hooks.listen_after_bind(); });
    httplib::Client c(base);
    for (int i = 0; i < 200; ++i) {
      if (auto r = c.Get("/sandbox/console"); r && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }
  ~Rig() {
    hooks.stop();
    if (hook_thread.joinable()) hook_thread.join();
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
  boost::json::value console(const std::string& path, const std::string& body = "") {
    httplib::Client c(base);
    auto r = body.empty() ? c.Get(path) : c.Post(path, body, "application/json");
    REQUIRE(r);
    return boost::json::parse(r->body);
  }
  /// Waits until `n` webhooks arrived (the sandbox delivers them in order).
  std::vector<boost::json::object> wait_hooks(size_t n) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard l(mu);
        if (received.size() >= n) return received;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    std::lock_guard l(mu);
    return received;
  }
  /// Routes the FakeHost's HTTP to the sandbox.
  void wire(cx::testing::FakeHost& host) {
    host.on_http([this](const cx::HttpRequest& r) {
      httplib::Client c(base);
      httplib::Headers h;
      for (auto& [k, v] : r.headers)
        if (k != "Content-Type") h.emplace(k, v);
      auto res = c.Post(r.url.substr(base.size()), h, r.body, "application/json");
      cx::HttpResponse out;
      if (!res) {
        UNSCOPED_INFO("sandbox request failed: " << httplib::to_string(res.error()) << " " << r.url);
        return out;
      }
      out.status = res->status;
      for (auto& [k, v] : res->headers) {
        std::string lower = k;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[lower] = v;
      }
      out.body = res->body;
      return out;
    });
  }
};

/// The host's view after applying fetch pages: payments by reference, balances by account.
struct Store {
  std::map<std::string, boost::json::object> payments, balances;
  std::set<std::string> accounts;
  boost::json::value payments_state = nullptr;
};

boost::json::object scope(const boost::json::object& conn, boost::json::value state, boost::json::value parent, int page) {
  return boost::json::object{{"state", std::move(state)}, {"pageSize", page},
                             {"fromPayload", boost::json::object{{"psuID", "psu"}, {"forwardedUser", boost::json::object{{"providerUserID", "u"}}},
                                                                 {"connection", conn}, {"fromPayload", std::move(parent)}}}};
}

void sync_all(const cx::testing::Driver& d, const boost::json::object& conn, Store& s, int page) {
  auto accounts = d.call_ok(&cx_connector::fetch_accounts, scope(conn, nullptr, nullptr, page)).as_object();
  for (auto& a : accounts.at("accounts").as_array()) {
    s.accounts.insert(std::string(a.at("reference").as_string()));
    auto b = d.call_ok(&cx_connector::fetch_balances, scope(conn, nullptr, a, page)).as_object();
    for (auto& bal : b.at("balances").as_array()) s.balances[std::string(bal.at("accountReference").as_string())] = bal.as_object();
  }
  for (int guard = 0; guard < 1000; ++guard) {
    auto p = d.call_ok(&cx_connector::fetch_payments, scope(conn, s.payments_state, nullptr, page)).as_object();
    for (auto& pay : p.at("payments").as_array()) s.payments[std::string(pay.at("reference").as_string())] = pay.as_object();
    for (auto& del : p.at("paymentsToDelete").as_array()) s.payments.erase(std::string(del.at("reference").as_string()));
    s.payments_state = p.at("newState");
    if (!p.at("hasMore").as_bool()) break;
  }
}

void check_truth(Rig& rig, const std::string& item_id, const Store& s) {
  auto truth = rig.console("/sandbox/console/truth?item_id=" + item_id).as_object();
  std::set<std::string> accounts;
  for (auto& a : truth.at("accounts").as_array()) accounts.insert(std::string(a.at("reference").as_string()));
  CHECK(accounts == s.accounts);
  CHECK(truth.at("balances").as_array().size() == s.balances.size());
  for (auto& b : truth.at("balances").as_array()) {
    auto it = s.balances.find(std::string(b.at("accountReference").as_string()));
    REQUIRE(it != s.balances.end());
    CHECK(it->second.at("amount") == b.at("amount"));
    CHECK(it->second.at("asset") == b.at("asset"));
  }
  CHECK(truth.at("payments").as_array().size() == s.payments.size());
  for (auto& p : truth.at("payments").as_array()) {
    auto it = s.payments.find(std::string(p.at("reference").as_string()));
    REQUIRE(it != s.payments.end());
    for (const char* k : {"type", "amount", "asset", "status", "createdAt"}) CHECK(it->second.at(k) == p.at(k));
  }
}
}  // namespace

TEST_CASE("connector + sandbox: link, signed webhooks, sync equals the truth", "[sandbox]") {
  Rig rig;
  if (!rig.start()) {
    WARN("connectivity-sandbox not available; skipped");
    return;
  }
  cx::testing::FakeHost host;
  host.now_ms = wall_ms();
  rig.wire(host);
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host,
                        R"({"clientID":"c","clientSecret":"s","baseURL":")" + rig.base + R"("})");
  REQUIRE(d.created());

  auto psu = boost::json::object{{"id", "0b7f6f5e-0000-4000-8000-000000000042"}, {"name", "Ada"},
                                 {"contactDetails", boost::json::object{{"locale", "en-US"}}},
                                 {"address", boost::json::object{{"country", "US"}}}};
  auto user = d.call_ok(&cx_connector::create_user, boost::json::object{{"psu", psu}}).as_object();
  boost::json::object fu{{"providerUserID", user.at("providerUserID")}, {"accessToken", user.at("permanentToken")}};
  auto link = d.call_ok(&cx_connector::create_user_link,
                        boost::json::object{{"attemptID", "att-42"}, {"psu", psu}, {"forwardedUser", fu},
                                            {"clientRedirectURL", "https://app.example/back"},
                                            {"webhookBaseURL", "http://127.0.0.1:" + std::to_string(rig.hook_port) + "/wh"}})
                  .as_object();
  std::string url(link.at("link").as_string());
  httplib::Client browser(rig.base);
  auto hop = browser.Get(url.substr(rig.base.size()) + "?sandbox_auto=1");
  REQUIRE(hop);
  CHECK(hop->status == 303);
  CHECK(hop->get_header_value("Location") == "https://app.example/back");

  // ITEM_ADD_RESULT, SESSION_FINISHED; then HISTORICAL_UPDATE once the token is exchanged.
  auto hooks = rig.wait_hooks(2);
  REQUIRE(hooks.size() >= 2);
  boost::json::object conn;
  for (size_t i = 0; i < 2; ++i) {
    REQUIRE(d.call(&cx_connector::verify_webhook, hooks[i]).code == CX_OK);
    auto out = d.call_ok(&cx_connector::translate_webhook, hooks[i]).as_object();
    for (auto& r : out.at("responses").as_array())
      if (auto* c = r.as_object().if_contains("userLinkConnections")) {
        CHECK(c->at("attemptID") == "att-42");
        conn = c->at("connections").as_array().at(0).as_object();
      }
  }
  REQUIRE(conn.contains("connectionID"));
  std::string item_id(conn.at("connectionID").as_string());
  hooks = rig.wait_hooks(3);
  REQUIRE(hooks.size() >= 3);
  REQUIRE(d.call(&cx_connector::verify_webhook, hooks[2]).code == CX_OK);
  auto ready = d.call_ok(&cx_connector::translate_webhook, hooks[2]).at("responses").as_array();
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].at("dataReadyToFetch").at("connectionID") == boost::json::value(item_id));

  Store store;
  sync_all(d, conn, store, 7);
  check_truth(rig, item_id, store);
  bool pending = false;
  for (auto& [ref, p] : store.payments) pending |= p.at("status") == "PENDING";
  CHECK(pending);
  std::set<std::string> assets;
  for (auto& [ref, b] : store.balances) assets.insert(std::string(b.at("asset").as_string()));
  CHECK(assets.count("JPY/0") == 1);

  SECTION("pending -> posted ends as SUCCEEDED payments and nothing pending") {
    rig.console("/sandbox/console/post_pending", R"({"item_id":")" + item_id + R"("})");
    sync_all(d, conn, store, 3);
    check_truth(rig, item_id, store);
    for (auto& [ref, p] : store.payments) CHECK(p.at("status") == "SUCCEEDED");
  }

  SECTION("mutation during pagination restarts and still converges") {
    rig.console("/sandbox/console/faults", R"({"mutationDuringPagination":2})");
    Store fresh;
    sync_all(d, conn, fresh, 4);
    // The mutations landed after the balances were read: the next periodic pass catches up.
    sync_all(d, conn, fresh, 4);
    check_truth(rig, item_id, fresh);
  }

  SECTION("faulty amounts are skipped exactly as the truth says") {
    for (const char* kind : {"float_artefact", "extra_decimals", "unofficial_currency", "null_balance", "modify"})
      rig.console("/sandbox/console/inject", std::string(R"({"item_id":")") + item_id + R"(","kind":")" + kind + "\"}");
    sync_all(d, conn, store, 50);
    check_truth(rig, item_id, store);
  }

  SECTION("forged webhooks are refused, a genuine one accepted") {
    size_t seen = rig.wait_hooks(3).size();
    std::string faults = R"({"webhook":["expired_key","stale_iat","bad_body_hash","alg_none","alg_hs256","unknown_kid","bad_signature"]})";
    rig.console("/sandbox/console/faults", faults);
    std::string fire = R"({"access_token":")" + std::string(conn.at("accessToken").at("token").as_string()) +
                       R"(","webhook_code":"SYNC_UPDATES_AVAILABLE"})";
    httplib::Client api(rig.base);
    httplib::Headers h{{"PLAID-CLIENT-ID", "c"}, {"PLAID-SECRET", "s"}};
    for (int i = 0; i < 8; ++i) REQUIRE(api.Post("/sandbox/item/fire_webhook", h, fire, "application/json")->status == 200);
    auto all = rig.wait_hooks(seen + 8);
    REQUIRE(all.size() >= seen + 8);
    for (size_t i = seen; i < seen + 7; ++i) {
      auto o = d.call(&cx_connector::verify_webhook, all[i]);
      CHECK(o.code == CX_ERR_AUTH);
      INFO(o.message());
    }
    CHECK(d.call(&cx_connector::verify_webhook, all[seen + 7]).code == CX_OK);
  }
}
