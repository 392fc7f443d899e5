// The daemon's ledger client (host/reconciliation/ledger_client) against the ledger emulator
// served on a loopback port, including a failing ledger side.
#include "host/reconciliation/ledger_client.hpp"
#include "tools/sandbox/ledger/api.hpp"
#include "tools/sandbox/ledger/http.hpp"

#include <connectivity/time.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <httplib.h>

#include <thread>

namespace json = boost::json;
using namespace std::chrono_literals;
using cx::recon::aggregate_balances;
using cx::recon::LedgerConfig;
using cx::recon::LedgerError;
using Balances = std::map<std::string, std::string>;

namespace {

// The emulator on 127.0.0.1:<free port>, with a plain HTTP client to seed it.
struct Ledger {
  cx::sandbox::ledger::World world;
  cx::sandbox::ledger::Api api;
  cx::sandbox::ledger::HttpServer server;
  int port;
  explicit Ledger(cx::sandbox::ledger::AuthOptions auth = {})
      : api(world, std::move(auth)), server([this](const auto& req) { return api.handle(req); }), port(server.bind("127.0.0.1", 0)) {
    server.start();
  }
  ~Ledger() { server.stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  int post(const std::string& path, const std::string& body, const std::string& token = "") {
    httplib::Client c("127.0.0.1", port);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = c.Post(path.c_str(), h, body, "application/json");
    return r ? r->status : 0;
  }
  json::value stats() {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/_sandbox/stats");
    REQUIRE(r);
    return json::parse(r->body);
  }
  void seed(const std::string& token = "") {
    REQUIRE(post("/v2/main", "", token) == 204);
    REQUIRE(post("/v2/main/transactions",
                 R"({"postings":[{"source":"world","destination":"psp:stripe:main","amount":150000,"asset":"EUR/2"},
                                 {"source":"world","destination":"psp:stripe:main","amount":2500,"asset":"USD/2"}],
                     "timestamp":"2024-09-26T08:00:00Z","metadata":{}})",
                 token) == 200);
    REQUIRE(post("/v2/main/transactions",
                 R"({"postings":[{"source":"world","destination":"users:001","amount":340282366920938463463374607431768211456,"asset":"EUR/2"}],
                     "timestamp":"2024-09-26T10:00:00Z","metadata":{}})",
                 token) == 200);
  }
};

LedgerConfig config_for(std::string url, std::string token = "") {
  LedgerConfig c;
  c.url = std::move(url);
  c.bearer_token = std::move(token);
  return c;
}

std::chrono::system_clock::time_point at(const char* rfc3339) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(*cx::time::parse_rfc3339(rfc3339)));
}
const json::object kWorld{{"$match", json::object{{"address", "world"}}}};
auto deadline(std::chrono::milliseconds d = 5s) { return std::chrono::steady_clock::now() + d; }

Balances ok(const std::variant<Balances, LedgerError>& r) {
  if (auto* e = std::get_if<LedgerError>(&r)) FAIL("ledger error: " << e->message);
  return std::get<Balances>(r);
}
LedgerError failed(const std::variant<Balances, LedgerError>& r) {
  REQUIRE(std::holds_alternative<LedgerError>(r));
  return std::get<LedgerError>(r);
}

}  // namespace

TEST_CASE("the client reads aggregated balances at a pit, with the policy's filter", "[ledger][client]") {
  Ledger ledger;
  ledger.seed();
  LedgerConfig config = config_for(ledger.url());
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())) ==
        Balances{{"EUR/2", "-150000"}, {"USD/2", "-2500"}});
  // Amounts beyond 64 bits come back exact.
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T10:00:00Z"), deadline())) ==
        Balances{{"EUR/2", "-340282366920938463463374607431768361456"}, {"USD/2", "-2500"}});
  CHECK(ok(aggregate_balances(config, "main", json::object{{"$match", json::object{{"address", "psp::main"}}}},
                              at("2024-09-26T10:00:00Z"), deadline())) == Balances{{"EUR/2", "150000"}, {"USD/2", "2500"}});
  CHECK(ok(aggregate_balances(config, "main", {}, at("2024-09-26T07:59:59Z"), deadline())).empty());
  // An empty filter: every account, so each asset sums to 0.
  CHECK(ok(aggregate_balances(config, "main", {}, at("2024-09-26T09:00:00Z"), deadline())) == Balances{{"EUR/2", "0"}, {"USD/2", "0"}});

  // A stack gateway prefix, with or without a trailing slash.
  for (auto url : {ledger.url() + "/api/ledger", ledger.url() + "/api/ledger/"}) {
    LedgerConfig gw = config_for(url);
    CHECK(ok(aggregate_balances(gw, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())) ==
          Balances{{"EUR/2", "-150000"}, {"USD/2", "-2500"}});
  }
}

TEST_CASE("ledger-side errors name the ledger and the cause", "[ledger][client]") {
  Ledger ledger;
  ledger.seed();
  LedgerConfig config = config_for(ledger.url());
  auto missing = failed(aggregate_balances(config, "nope", kWorld, at("2024-09-26T09:00:00Z"), deadline()));
  CHECK(missing.http_status == 404);
  CHECK_THAT(missing.message, Catch::Contains("ledger GET") && Catch::Contains("LEDGER_NOT_FOUND"));
  auto bad_filter = failed(aggregate_balances(config, "main", json::object{{"$match", json::object{{"balance", "1"}}}},
                                              at("2024-09-26T09:00:00Z"), deadline()));
  CHECK(bad_filter.http_status == 400);
  CHECK_THAT(bad_filter.message, Catch::Contains("unknown key 'balance'"));
  CHECK_THAT(failed(aggregate_balances(config, "bad/name", kWorld, at("2024-09-26T09:00:00Z"), deadline())).message,
             Catch::Contains("invalid ledger name"));
  CHECK_THAT(failed(aggregate_balances(LedgerConfig(), "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).message,
             Catch::Contains("no ledger URL"));
}

TEST_CASE("a 500 then a 200 is retried within the deadline; 429 honours Retry-After", "[ledger][client]") {
  Ledger ledger;
  ledger.seed();
  LedgerConfig config = config_for(ledger.url());
  REQUIRE(ledger.post("/_sandbox/faults", R"({"status":500,"count":1})") == 204);
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).at("EUR/2") == "-150000");
  CHECK(ledger.stats().at("apiRequests").to_number<uint64_t>() == 5);  // 3 to seed, the failed attempt and its retry
  REQUIRE(ledger.post("/_sandbox/faults", R"({"status":429,"count":1,"retryAfter":"1"})") == 204);
  auto start = std::chrono::steady_clock::now();
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).at("EUR/2") == "-150000");
  CHECK(std::chrono::steady_clock::now() - start >= 950ms);
  // A Retry-After beyond the deadline is not waited for: the error says what the ledger said.
  REQUIRE(ledger.post("/_sandbox/faults", R"({"status":503,"count":5,"retryAfter":"30"})") == 204);
  start = std::chrono::steady_clock::now();
  auto e = failed(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline(2s)));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(e.http_status == 503);
  CHECK_THAT(e.message, Catch::Contains("HTTP 503") && Catch::Contains("injected fault"));
}

TEST_CASE("a ledger that keeps failing gives up at the deadline", "[ledger][client]") {
  Ledger ledger;
  ledger.seed();
  REQUIRE(ledger.post("/_sandbox/faults", R"({"status":502,"count":1000})") == 204);
  auto start = std::chrono::steady_clock::now();
  auto e = failed(aggregate_balances(config_for(ledger.url()), "main", kWorld, at("2024-09-26T09:00:00Z"), deadline(800ms)));
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(e.http_status == 502);
  CHECK(ledger.stats().at("apiRequests").to_number<uint64_t>() >= 4);  // retried with backoff (100, 200, 400 ms)

  // A slow ledger: the attempt is cut at the deadline.
  REQUIRE(ledger.post("/_sandbox/faults", R"({"status":500,"count":1,"delayMs":3000})") == 204);
  start = std::chrono::steady_clock::now();
  auto slow = failed(aggregate_balances(config_for(ledger.url()), "main", kWorld, at("2024-09-26T09:00:00Z"), deadline(500ms)));
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK_THAT(slow.message, Catch::Contains("timed out") || Catch::Contains("deadline"));
}

TEST_CASE("an unreachable ledger is reported as such", "[ledger][client]") {
  int port;
  {
    Ledger gone;  // a port that was free a moment ago and is closed now
    port = gone.port;
  }
  auto e = failed(aggregate_balances(config_for("http://127.0.0.1:" + std::to_string(port)), "main", kWorld,
                                     at("2024-09-26T09:00:00Z"), deadline(600ms)));
  CHECK(e.http_status == 0);
  CHECK_THAT(e.message, Catch::Contains("unreachable"));
}

TEST_CASE("a bearer token is sent; a refused one is a 401 error", "[ledger][client]") {
  Ledger ledger(cx::sandbox::ledger::AuthOptions{"s3cret", "", "", 3600});
  ledger.seed("s3cret");
  LedgerConfig config = config_for(ledger.url(), "s3cret");
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).at("USD/2") == "-2500");
  config.bearer_token = "wrong";
  auto e = failed(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline()));
  CHECK(e.http_status == 401);
  CHECK_THAT(e.message, Catch::Contains("HTTP 401") && Catch::Contains("credentials refused"));
  config.bearer_token.clear();
  CHECK_THAT(failed(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).message,
             Catch::Contains("no credentials configured"));
}

TEST_CASE("OAuth2 client credentials: one token, cached until it expires", "[ledger][client]") {
  Ledger ledger(cx::sandbox::ledger::AuthOptions{"seed-token", "recon-client", "recon-secret", 3600});
  ledger.seed("seed-token");
  LedgerConfig config = config_for(ledger.url());
  config.client_id = "recon-client";
  config.client_secret = "recon-secret";
  CHECK(cx::recon::ledger_token_url(config) == ledger.url() + "/oauth/token");
  for (int i = 0; i < 3; ++i)
    CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).at("EUR/2") == "-150000");
  CHECK(ledger.stats().at("tokensIssued").to_number<uint64_t>() == 1);

  // The ledger forgets its tokens (a restart): the client fetches a new one, once, and goes on.
  REQUIRE(ledger.post("/_sandbox/reset", "") == 204);
  ledger.seed("seed-token");
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())).at("EUR/2") == "-150000");
  CHECK(ledger.stats().at("tokensIssued").to_number<uint64_t>() == 1);

  LedgerConfig wrong = config;
  wrong.client_secret = "nope";
  auto e = failed(aggregate_balances(wrong, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline()));
  CHECK(e.http_status == 401);
  CHECK_THAT(e.message, Catch::Contains("token endpoint") && Catch::Contains("invalid_client"));
}

TEST_CASE("the token endpoint is derived from the ledger URL unless configured", "[ledger][client]") {
  LedgerConfig c = config_for("https://stack.example.com/api/ledger/");
  CHECK(cx::recon::ledger_token_url(c) == "https://stack.example.com/api/auth/oauth/token");
  c.url = "http://ledger:3068";
  CHECK(cx::recon::ledger_token_url(c) == "http://ledger:3068/oauth/token");
  c.token_url = "https://auth.example.com/token";
  CHECK(cx::recon::ledger_token_url(c) == "https://auth.example.com/token");
}

TEST_CASE("an answer that is not {\"data\": {asset: integer}} is an error, not balances", "[ledger][client]") {
  httplib::Server fake;
  std::string answer;
  fake.Get(R"(/v2/main/aggregate/balances)", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(answer, "application/json");
  });
  int port = fake.bind_to_any_port("127.0.0.1");
  std::thread t([&] { fake.listen_after_bind(); });
  auto config = config_for("http://127.0.0.1:" + std::to_string(port));
  for (std::string bad : {R"({"data":{"eur":1}})", R"({"data":{"EUR/2":1.5}})", R"({"data":{"EUR/2":"100"}})", R"({"data":[]})",
                          R"({"balances":{}})", "not json", R"({"data":{"EUR/2":1})"}) {
    answer = bad;
    auto e = failed(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline()));
    CHECK(e.http_status == 200);
    CHECK_THAT(e.message, Catch::Contains("ledger GET"));
  }
  answer = R"({"data":{"EUR/2":-184467440737095516160,"JPY":0,"USD_CENT/2":5}})";
  CHECK(ok(aggregate_balances(config, "main", kWorld, at("2024-09-26T09:00:00Z"), deadline())) ==
        Balances{{"EUR/2", "-184467440737095516160"}, {"JPY", "0"}, {"USD_CENT/2", "5"}});
  fake.stop();
  t.join();
}
