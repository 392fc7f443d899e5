// The connector against the reference service (connectivity-sandbox generic) over loopback:
// what the connector delivers equals the service's ground truth after the first poll, after the
// service's clock moves (pending transactions settle, new ones arrive), with items arriving at
// the watermark's exact timestamp, and with injected 429/5xx.
#include "fake_service.hpp"

#include <csignal>
#include <cstdio>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

/// A sandbox process on a free loopback port, stopped (by its pid) at destruction.
class Sandbox {
 public:
  explicit Sandbox(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> all{CX_SANDBOX_BIN, "generic", "--listen", "127.0.0.1:0"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, CX_SANDBOX_BIN, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[512] = {0};
    REQUIRE(std::fgets(line, sizeof line, out) != nullptr);
    std::fclose(out);
    std::string text(line);
    auto at = text.find("http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    port_ = std::stoi(text.substr(at + 17));
  }
  ~Sandbox() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  /// A console call; returns the parsed JSON body.
  boost::json::value console(const std::string& method, const std::string& path, const std::string& body = "") const {
    httplib::Client c("127.0.0.1", port_);
    auto r = method == "GET" ? c.Get(path.c_str()) : c.Post(path.c_str(), body, "application/json");
    REQUIRE(r);
    INFO(path << " -> " << r->status << " " << r->body);
    REQUIRE(r->status == 200);
    return boost::json::parse(r->body);
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

/// The host's view: everything delivered so far, by reference (later deliveries replace).
struct View {
  std::map<std::string, boost::json::object> accounts, external, payments;
  std::map<std::string, boost::json::array> balances;
};

void poll_all(const cx::testing::Driver& d, std::map<std::string, gtest::Poller>& pollers, View& v) {
  for (auto& a : pollers.at("accounts").poll()) v.accounts[std::string(a.at("reference").as_string())] = a;
  for (auto& a : pollers.at("external").poll()) v.external[std::string(a.at("reference").as_string())] = a;
  for (auto& p : pollers.at("payments").poll()) v.payments[std::string(p.at("reference").as_string())] = p;
  for (auto& [ref, account] : v.accounts) {
    boost::json::object req{{"state", nullptr}, {"fromPayload", account}, {"pageSize", 100}};
    cx::testing::Outcome o;
    for (int attempt = 0; attempt < 50; ++attempt)
      if ((o = d.call(&cx_connector::fetch_balances, req)).code == CX_OK) break;
    REQUIRE(o.code == CX_OK);
    v.balances[ref] = o.json().at("balances").as_array();
  }
}

std::string type_of(const boost::json::value& t) { return t == "PAYIN" ? "PAY-IN" : std::string(t.as_string()); }

/// The view equals the service's ground truth, field by field.
void check_equal(const View& v, const boost::json::object& truth) {
  const auto& accounts = truth.at("accounts").as_array();
  REQUIRE(v.accounts.size() == accounts.size());
  for (auto& a : accounts) {
    const auto& got = v.accounts.at(std::string(a.at("id").as_string()));
    CHECK(got.at("name") == a.at("accountName"));
    CHECK(got.at("createdAt") == a.at("createdAt"));
    CHECK(got.at("metadata") == a.at("metadata"));
  }
  const auto& bens = truth.at("beneficiaries").as_array();
  REQUIRE(v.external.size() == bens.size());
  for (auto& b : bens) {
    const auto& got = v.external.at(std::string(b.at("id").as_string()));
    CHECK(got.at("name") == b.at("ownerName"));
    CHECK(got.at("createdAt") == b.at("createdAt"));
  }
  for (auto& b : truth.at("balances").as_array()) {
    const auto& got = v.balances.at(std::string(b.at("accountID").as_string()));
    const auto& lines = b.at("balances").as_array();
    REQUIRE(got.size() == lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      CHECK(got[i].at("amount") == lines[i].at("amount"));
      CHECK(got[i].at("asset") == lines[i].at("currency"));
      CHECK(got[i].at("createdAt") == b.at("at"));
    }
  }
  const auto& txs = truth.at("transactions").as_array();
  REQUIRE(v.payments.size() == txs.size());
  size_t mismatches = 0;
  for (auto& t : txs) {
    const auto& o = t.as_object();
    const auto& got = v.payments.at(std::string(o.at("id").as_string()));
    bool same = got.at("status") == o.at("status") && got.at("amount") == o.at("amount") &&
                got.at("asset") == o.at("currency") && got.at("type").as_string() == type_of(o.at("type")) &&
                got.at("createdAt") == o.at("createdAt") && got.at("raw").at("updatedAt") == o.at("updatedAt") &&
                got.at("metadata") == o.at("metadata") &&
                (o.contains("relatedTransactionID") ? got.at("parentReference") == o.at("relatedTransactionID")
                                                    : !got.contains("parentReference"));
    if (!same) {
      UNSCOPED_INFO("mismatch: " << boost::json::serialize(got) << " vs " << boost::json::serialize(o));
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("service: the connector's view equals the reference service's truth through updates and faults") {
  if (access(CX_SANDBOX_BIN, X_OK) != 0) {
    WARN("not built: " CX_SANDBOX_BIN " (build target connectivity-sandbox to run this test)");
    return;
  }
  Sandbox sandbox({"--api-key", "k-123", "--seed", "5", "--transactions", "2500"});
  cx::testing::FakeHost host;
  host.on_http([&](const cx::HttpRequest& r) {
    REQUIRE(r.url.rfind(sandbox.base(), 0) == 0);
    httplib::Client c("127.0.0.1", sandbox.port());
    httplib::Headers headers(r.headers.begin(), r.headers.end());
    auto res = c.Get(r.url.substr(sandbox.base().size()).c_str(), headers);
    REQUIRE(res);
    cx::HttpResponse out{res->status, {}, res->body};
    for (auto& [k, v] : res->headers) {
      std::string lower = k;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[lower] = v;
    }
    return out;
  });
  std::string config = R"({"name":"g","apiKey":"k-123","endpoint":")" + sandbox.base() + R"("})";
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, config);
  REQUIRE(d.created());
  std::map<std::string, gtest::Poller> pollers;
  pollers.emplace("accounts", gtest::Poller(d, &cx_connector::fetch_accounts, "accounts", 4));
  pollers.emplace("external", gtest::Poller(d, &cx_connector::fetch_external_accounts, "externalAccounts", 10));
  pollers.emplace("payments", gtest::Poller(d, &cx_connector::fetch_payments, "payments", 100));
  View view;

  poll_all(d, pollers, view);
  auto truth = sandbox.console("GET", "/sandbox/console/truth").as_object();
  size_t pending = 0;
  for (auto& t : truth.at("transactions").as_array()) pending += t.at("status") == "PENDING";
  CHECK(pending > 0);
  check_equal(view, truth);

  // The clock moves: pending transactions settle (newer updatedAt), new ones arrive.
  auto adv = sandbox.console("POST", "/sandbox/console/clock/advance", R"({"duration":"2d"})").as_object();
  CHECK(adv.at("settled").as_int64() > 0);
  CHECK(adv.at("added").as_int64() > 0);
  poll_all(d, pollers, view);
  check_equal(view, sandbox.console("GET", "/sandbox/console/truth").as_object());

  // Items that arrive later carrying the watermark's exact timestamp.
  std::string watermark(pollers.at("payments").state.at("watermark").as_string());
  std::string account(view.accounts.begin()->first);
  std::string late = R"({"transactions":[)";
  for (int i = 0; i < 3; ++i)
    late += std::string(i ? "," : "") + R"({"id":"late-)" + std::to_string(i) + R"(","createdAt":")" + watermark +
            R"(","updatedAt":")" + watermark + R"(","currency":"EUR/2","type":"PAYIN","status":"SUCCEEDED","amount":"100","destinationAccountID":")" +
            account + R"(","metadata":{}})";
  sandbox.console("POST", "/sandbox/console/items", late + "]}");
  poll_all(d, pollers, view);
  CHECK(view.payments.count("late-2") == 1);
  check_equal(view, sandbox.console("GET", "/sandbox/console/truth").as_object());

  // 10% 429 and 10% 5xx while the service changes again.
  sandbox.console("POST", "/sandbox/console/faults", R"({"rate429":0.1,"rate5xx":0.1,"retryAfterSeconds":0})");
  sandbox.console("POST", "/sandbox/console/clock/advance", R"({"duration":"3d"})");
  poll_all(d, pollers, view);
  auto stats = sandbox.console("GET", "/sandbox/console/stats").as_object();
  CHECK(stats.at("injected429").to_number<int64_t>() + stats.at("injected5xx").to_number<int64_t>() > 0);
  sandbox.console("POST", "/sandbox/console/faults", R"({"rate429":0,"rate5xx":0})");
  check_equal(view, sandbox.console("GET", "/sandbox/console/truth").as_object());
}
