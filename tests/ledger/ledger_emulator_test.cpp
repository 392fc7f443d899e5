// The ledger emulator (tools/sandbox/ledger) against the examples of the Formance Ledger v2 spec
// (docs/ledger/ledger-v2-subset.md), through its HTTP handler without a socket.
#include "host/util/json_bigint.hpp"
#include "tools/sandbox/ledger/api.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace json = boost::json;
using namespace cx::sandbox::ledger;

namespace {

int64_t g_now = 1'727'341'200'000;  // 2024-09-26T09:00:00Z
int64_t test_clock() { return g_now; }

struct Emulator {
  World world{&test_clock};
  Api api;
  explicit Emulator(AuthOptions auth = {}) : api(world, std::move(auth)) {}

  HttpResponse call(const std::string& method, const std::string& path, std::map<std::string, std::string> query = {},
                    std::string body = "", std::map<std::string, std::string> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    for (auto& [k, v] : query) req.query[k].push_back(v);
    req.headers = std::move(headers);
    req.body = std::move(body);
    return api.handle(req);
  }
  json::value data(const HttpResponse& r) {
    auto v = cx::util::parse_bigint_json(r.body);
    REQUIRE(v);
    return *v;
  }
  void post(const std::string& ledger, const std::string& body) {
    auto r = call("POST", "/v2/" + ledger + "/transactions", {}, body);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
  // The aggregated balances as serialized: {"EUR/2":-150000,…}
  std::string balances(const std::string& ledger, std::map<std::string, std::string> query = {}, std::string body = "") {
    auto r = call("GET", "/v2/" + ledger + "/aggregate/balances", std::move(query), std::move(body));
    INFO(r.body);
    REQUIRE(r.status == 200);
    return cx::util::serialize_bigint_json(data(r).at("data"));
  }
};

std::string error_code(const HttpResponse& r) {
  auto v = json::parse(r.body);
  REQUIRE(v.as_object().contains("errorMessage"));
  return std::string(v.at("errorCode").as_string());
}

std::string posting(const std::string& src, const std::string& dst, const std::string& amount, const std::string& asset,
                    const std::string& extra = "") {
  return R"({"postings":[{"source":")" + src + R"(","destination":")" + dst + R"(","amount":)" + amount + R"(,"asset":")" + asset +
         R"("}],"metadata":{})" + extra + "}";
}

}  // namespace

TEST_CASE("creating a ledger: 204, then LEDGER_ALREADY_EXISTS; bad names and features are VALIDATION", "[ledger][emulator]") {
  Emulator e;
  CHECK(e.call("POST", "/v2/main", {}, R"({"metadata":{"team":"finance"}})").status == 204);
  auto again = e.call("POST", "/v2/main");
  CHECK(again.status == 400);
  CHECK(error_code(again) == "LEDGER_ALREADY_EXISTS");
  CHECK(error_code(e.call("POST", "/v2/bad.name")) == "VALIDATION");
  CHECK(error_code(e.call("POST", "/v2/_info")) == "VALIDATION");
  CHECK(error_code(e.call("POST", "/v2/other", {}, R"({"features":{"NOPE":"ON"}})")) == "VALIDATION");

  auto got = e.call("GET", "/v2/main");
  REQUIRE(got.status == 200);
  auto d = e.data(got).at("data");
  CHECK(d.at("name") == "main");
  CHECK(d.at("bucket") == "_default");
  CHECK(d.at("addedAt") == "2024-09-26T09:00:00Z");
  CHECK(d.at("metadata").at("team") == "finance");
  CHECK(d.at("features").at("MOVES_HISTORY") == "ON");

  auto missing = e.call("GET", "/v2/nope/aggregate/balances");
  CHECK(missing.status == 404);
  CHECK(error_code(missing) == "LEDGER_NOT_FOUND");
}

TEST_CASE("posting a transaction answers the spec's V2Transaction with volumes", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  auto r = e.call("POST", "/v2/main/transactions", {},
                  posting("world", "psp:stripe:main", "150000", "EUR/2", R"(,"timestamp":"2024-09-26T08:00:00Z","reference":"ref-1")"));
  REQUIRE(r.status == 200);
  auto tx = e.data(r).at("data");
  CHECK(tx.at("id") == 1);
  CHECK(tx.at("timestamp") == "2024-09-26T08:00:00Z");
  CHECK(tx.at("insertedAt") == "2024-09-26T09:00:00Z");
  CHECK(tx.at("reference") == "ref-1");
  CHECK(tx.at("reverted") == false);
  CHECK(tx.at("postings").at(0).at("amount") == 150000);
  CHECK(json::serialize(tx.at("postCommitVolumes").at("world")) == R"({"EUR/2":{"input":0,"output":150000,"balance":-150000}})");
  CHECK(json::serialize(tx.at("preCommitVolumes").at("psp:stripe:main")) == R"({"EUR/2":{"input":0,"output":0,"balance":0}})");

  auto dup = e.call("POST", "/v2/main/transactions", {}, posting("world", "a", "1", "EUR/2", R"(,"reference":"ref-1")"));
  CHECK(dup.status == 409);
  CHECK(error_code(dup) == "CONFLICT");

  auto second = e.data(e.call("POST", "/v2/main/transactions", {}, posting("world", "a", "1", "EUR/2"))).at("data");
  CHECK(second.at("id") == 2);
  CHECK(second.at("timestamp") == "2024-09-26T09:00:00Z");  // no timestamp: now
}

TEST_CASE("postings are validated as the ledger does", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  auto code = [&](const std::string& body) { return error_code(e.call("POST", "/v2/main/transactions", {}, body)); };
  CHECK(code(posting("world", "a", "-1", "EUR/2")) == "VALIDATION");
  CHECK(code(posting("world", "a", "1.5", "EUR/2")) == "VALIDATION");
  CHECK(code(posting("world", "a", "\"100\"", "EUR/2")) == "VALIDATION");
  CHECK(code(posting("world", "bad address", "1", "EUR/2")) == "VALIDATION");
  CHECK(code(posting("world", "a", "1", "eur/2")) == "VALIDATION");
  CHECK(code(posting("world", "a", "1", "EUR/2", R"(,"timestamp":"yesterday")")) == "VALIDATION");
  CHECK(code(R"({"postings":[],"metadata":{}})") == "NO_POSTINGS");
  CHECK(code("not json") == "VALIDATION");
  auto poor = e.call("POST", "/v2/main/transactions", {}, posting("users:001", "a", "1", "EUR/2"));
  CHECK(poor.status == 400);
  CHECK(error_code(poor) == "INSUFFICIENT_FUND");
  CHECK(e.call("POST", "/v2/main/transactions", {{"force", "true"}}, posting("users:001", "a", "1", "EUR/2")).status == 200);
  // Nothing of the refused transactions was written.
  CHECK(e.balances("main") == R"({"EUR/2":0})");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"users:001"}})"}}) == R"({"EUR/2":-1})");
}

TEST_CASE("amounts beyond 64 bits are summed exactly", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  e.post("main", posting("world", "users:001", "100000000000000000000000000000", "USD/2"));
  e.post("main", posting("world", "users:002", "18446744073709551616", "USD/2"));
  e.post("main", posting("users:001", "users:002", "1", "USD/2"));
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"users:"}})"}}) == R"({"USD/2":100000000018446744073709551616})");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"world"}})"}}) == R"({"USD/2":-100000000018446744073709551616})");
  // Header Formance-Bigint-As-String: true turns them into strings.
  auto r = e.call("GET", "/v2/main/aggregate/balances", {{"query", R"({"$match":{"address":"users:002"}})"}}, "",
                  {{"formance-bigint-as-string", "true"}});
  CHECK(json::parse(r.body).at("data").at("USD/2") == "18446744073709551617");
}

TEST_CASE("aggregated balances at a past pit count only moves dated at or before it", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  e.post("main", posting("world", "psp:stripe:main", "150000", "EUR/2", R"(,"timestamp":"2024-09-26T08:00:00Z")"));
  e.post("main", posting("world", "psp:stripe:main", "2500", "USD/2", R"(,"timestamp":"2024-09-26T08:30:00Z")"));
  e.post("main", posting("psp:stripe:main", "users:001", "50000", "EUR/2", R"(,"timestamp":"2024-09-26T08:45:00Z")"));
  // Back-dated: inserted last, effective first.
  e.post("main", posting("world", "psp:adyen:main", "700", "EUR/2", R"(,"timestamp":"2024-09-26T07:00:00Z")"));

  const std::string world = R"({"$match":{"address":"world"}})";
  CHECK(e.balances("main", {{"query", world}}) == R"({"EUR/2":-150700,"USD/2":-2500})");
  CHECK(e.balances("main", {{"query", world}, {"pit", "2024-09-26T08:00:00Z"}}) == R"({"EUR/2":-150700})");  // inclusive
  CHECK(e.balances("main", {{"query", world}, {"pit", "2024-09-26T07:59:59.999Z"}}) == R"({"EUR/2":-700})");
  CHECK(e.balances("main", {{"query", world}, {"pit", "2024-09-26T06:00:00Z"}}) == R"({})");
  CHECK(e.balances("main", {{"pit", "2024-09-26T10:00:00+02:00"}}) == R"({"EUR/2":0})");  // 08:00Z: offsets honoured
  // useInsertionDate: every transaction was inserted at 09:00, after that pit.
  CHECK(e.balances("main", {{"query", world}, {"pit", "2024-09-26T08:00:00Z"}, {"useInsertionDate", "true"}}) == R"({})");
  CHECK(error_code(e.call("GET", "/v2/main/aggregate/balances", {{"pit", "26/09/2024"}})) == "VALIDATION");
  // An asset with moves stays present at 0.
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"psp:stripe:main"}})"}, {"pit", "2024-09-26T08:40:00Z"}}) ==
        R"({"EUR/2":150000,"USD/2":2500})");
}

TEST_CASE("address patterns: empty segments are wildcards of one segment, '...' a tail", "[ledger][emulator]") {
  CHECK(address_matches("users:", "users:001"));
  CHECK_FALSE(address_matches("users:", "users:001:main"));
  CHECK_FALSE(address_matches("users:", "users"));
  CHECK(address_matches(":main", "psp:main"));
  CHECK_FALSE(address_matches(":main", "psp:stripe:main"));
  CHECK(address_matches("psp::main", "psp:stripe:main"));
  CHECK_FALSE(address_matches("psp::main", "psp:stripe:fees"));
  CHECK(address_matches("users:...", "users:1:2:3"));
  CHECK_FALSE(address_matches("users:...", "users"));
  CHECK(address_matches("world", "world"));
  CHECK_FALSE(address_matches("world", "world:x"));

  Emulator e;
  e.call("POST", "/v2/main");
  e.post("main", posting("world", "psp:stripe:main", "100", "EUR/2"));
  e.post("main", posting("world", "psp:adyen:main", "20", "EUR/2"));
  e.post("main", posting("world", "psp:stripe:fees", "3", "EUR/2"));
  e.post("main", posting("world", "users:001", "4000", "EUR/2"));
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"psp::main"}})"}}) == R"({"EUR/2":120})");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"psp:stripe:"}})"}}) == R"({"EUR/2":103})");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"users:"}})"}}) == R"({"EUR/2":4000})");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"psp:..."}})"}}) == R"({"EUR/2":123})");
  CHECK(e.balances("main", {{"query", R"({"$or":[{"$match":{"address":"users:"}},{"$match":{"address":"psp:stripe:fees"}}]})"}}) ==
        R"({"EUR/2":4003})");
  CHECK(e.balances("main", {{"query", R"({"$and":[{"$match":{"address":"psp::"}},{"$not":{"$match":{"address":"::fees"}}}]})"}}) ==
        R"({"EUR/2":120})");
  CHECK(e.balances("main", {{"query", R"({"$in":{"address":["users:001","psp:adyen:main"]}})"}}) == R"({"EUR/2":4020})");
  // The filter in the GET body, as the spec's requestBody (and the Go SDK) has it.
  CHECK(e.balances("main", {}, R"({"$match":{"address":"psp::main"}})") == R"({"EUR/2":120})");
  // ?query= wins over the body.
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"users:"}})"}}, R"({"$match":{"address":"psp::main"}})") ==
        R"({"EUR/2":4000})");
}

TEST_CASE("metadata filters see account metadata as of the pit", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  e.post("main", posting("world", "psp:stripe:main", "100", "EUR/2", R"(,"timestamp":"2024-09-26T07:00:00Z")"));
  e.post("main", posting("world", "bank:bnp:main", "50", "EUR/2", R"(,"timestamp":"2024-09-26T07:00:00Z")"));
  g_now += 60'000;  // 09:01
  REQUIRE(e.call("POST", "/v2/main/accounts/psp:stripe:main/metadata", {}, R"({"kind":"psp","pool":"eu"})").status == 204);
  REQUIRE(e.call("POST", "/v2/main/accounts/bank:bnp:main/metadata", {}, R"({"kind":"bank"})").status == 204);
  CHECK(e.balances("main", {{"query", R"({"$match":{"metadata[kind]":"psp"}})"}}) == R"({"EUR/2":100})");
  CHECK(e.balances("main", {{"query", R"({"$exists":{"metadata":"kind"}})"}}) == R"({"EUR/2":150})");
  CHECK(e.balances("main", {{"query", R"({"$and":[{"$match":{"metadata[kind]":"psp"}},{"$match":{"metadata[pool]":"eu"}}]})"}}) ==
        R"({"EUR/2":100})");
  // Before the metadata was set, no account carried it.
  CHECK(e.balances("main", {{"query", R"({"$match":{"metadata[kind]":"psp"}})"}, {"pit", "2024-09-26T09:00:30Z"}}) == R"({})");
  CHECK(error_code(e.call("POST", "/v2/main/accounts/psp:stripe:main/metadata", {}, R"({"n":1})")) == "VALIDATION");
  g_now -= 60'000;
}

TEST_CASE("an unknown key or operator in the filter is a VALIDATION error", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  auto bad = [&](const std::string& q) {
    auto r = e.call("GET", "/v2/main/aggregate/balances", {{"query", q}});
    CHECK(r.status == 400);
    return error_code(r);
  };
  CHECK(bad(R"({"$match":{"balance":"1"}})") == "VALIDATION");
  CHECK(json::parse(e.call("GET", "/v2/main/aggregate/balances", {{"query", R"({"$match":{"balance":"1"}})"}}).body)
            .at("errorMessage") == "unknown key 'balance' when building query");
  CHECK(bad(R"({"$gt":{"address":"x"}})") == "VALIDATION");
  CHECK(bad(R"({"$and":{"$match":{"address":"x"}}})") == "VALIDATION");
  CHECK(bad(R"({"$match":{"address":1}})") == "VALIDATION");
  CHECK(bad(R"({"$match":)") == "VALIDATION");
  CHECK(e.balances("main", {{"query", "{}"}}) == "{}");
}

TEST_CASE("lists use the spec's cursor shape, newest first, and keep their parameters", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  for (int i = 1; i <= 5; ++i) e.post("main", posting("world", "users:00" + std::to_string(i), std::to_string(i), "EUR/2"));
  auto first = e.data(e.call("GET", "/v2/main/transactions", {{"pageSize", "2"}})).at("cursor");
  CHECK(first.at("pageSize") == 2);
  CHECK(first.at("hasMore") == true);
  CHECK_FALSE(first.as_object().contains("previous"));
  CHECK(first.at("data").at(0).at("id") == 5);
  CHECK(first.at("data").at(1).at("id") == 4);
  std::string next(first.at("next").as_string());
  auto second = e.data(e.call("GET", "/v2/main/transactions", {{"cursor", next}})).at("cursor");
  CHECK(second.at("data").at(0).at("id") == 3);
  CHECK(second.as_object().contains("previous"));
  auto last = e.data(e.call("GET", "/v2/main/transactions", {{"cursor", std::string(second.at("next").as_string())}})).at("cursor");
  CHECK(last.at("hasMore") == false);
  CHECK(last.at("data").as_array().size() == 1);
  CHECK_FALSE(last.as_object().contains("next"));
  CHECK(error_code(e.call("GET", "/v2/main/transactions", {{"cursor", "garbage!"}})) == "VALIDATION");
  CHECK(error_code(e.call("GET", "/v2/main/transactions", {{"pageSize", "0"}})) == "VALIDATION");

  // Accounts: by address descending, filtered, the filter carried by the cursor.
  auto accounts = e.data(e.call("GET", "/v2/main/accounts", {{"pageSize", "2"}, {"query", R"({"$match":{"address":"users:"}})"}}))
                      .at("cursor");
  CHECK(accounts.at("data").at(0).at("address") == "users:005");
  CHECK(accounts.at("data").at(1).at("address") == "users:004");
  auto more = e.data(e.call("GET", "/v2/main/accounts", {{"cursor", std::string(accounts.at("next").as_string())}})).at("cursor");
  CHECK(more.at("data").at(0).at("address") == "users:003");
  CHECK(more.at("data").at(1).at("address") == "users:002");
  auto one = e.data(e.call("GET", "/v2/main/accounts/users:003", {})).at("data");
  CHECK(json::serialize(one.at("volumes")) == R"({"EUR/2":{"input":3,"output":0,"balance":3}})");
}

TEST_CASE("bearer tokens and OAuth2 client credentials guard the API", "[ledger][emulator]") {
  Emulator e(AuthOptions{"static-token", "client", "secret", 60});
  CHECK(e.call("POST", "/v2/main").status == 401);
  CHECK(e.call("POST", "/v2/main").body.empty());
  CHECK(e.call("POST", "/v2/main", {}, "", {{"authorization", "Bearer wrong"}}).status == 401);
  CHECK(e.call("POST", "/v2/main", {}, "", {{"authorization", "Bearer static-token"}}).status == 204);
  CHECK(e.call("GET", "/_/info").status == 200);  // no auth, like the ledger

  auto refused = e.call("POST", "/oauth/token", {}, "grant_type=client_credentials&client_id=client&client_secret=nope");
  CHECK(refused.status == 401);
  auto issued = e.call("POST", "/oauth/token", {}, "grant_type=client_credentials&client_id=client&client_secret=secret");
  REQUIRE(issued.status == 200);
  auto token = std::string(json::parse(issued.body).at("access_token").as_string());
  CHECK(json::parse(issued.body).at("expires_in") == 60);
  CHECK(e.call("GET", "/v2/main", {}, "", {{"authorization", "Bearer " + token}}).status == 200);
  g_now += 61'000;  // expired
  CHECK(e.call("GET", "/v2/main", {}, "", {{"authorization", "Bearer " + token}}).status == 401);
  g_now -= 61'000;
}

TEST_CASE("Idempotency-Key replays the first answer and refuses another request", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  auto body = posting("world", "a", "5", "EUR/2");
  auto first = e.call("POST", "/v2/main/transactions", {}, body, {{"idempotency-key", "k1"}});
  auto again = e.call("POST", "/v2/main/transactions", {}, body, {{"idempotency-key", "k1"}});
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(again.headers.at(0) == std::pair<std::string, std::string>("Idempotency-Hit", "true"));
  CHECK(error_code(e.call("POST", "/v2/main/transactions", {}, posting("world", "a", "6", "EUR/2"), {{"idempotency-key", "k1"}})) ==
        "VALIDATION");
  CHECK(e.balances("main", {{"query", R"({"$match":{"address":"a"}})"}}) == R"({"EUR/2":5})");
}

TEST_CASE("faults injected through /_sandbox/faults answer the next requests", "[ledger][emulator]") {
  Emulator e;
  e.call("POST", "/v2/main");
  REQUIRE(e.call("POST", "/_sandbox/faults", {}, R"({"status":503,"count":2,"retryAfter":"1"})").status == 204);
  auto f = e.call("GET", "/v2/main/aggregate/balances");
  CHECK(f.status == 503);
  CHECK(f.headers.at(0) == std::pair<std::string, std::string>("Retry-After", "1"));
  CHECK(e.call("GET", "/v2/main/aggregate/balances").status == 503);
  CHECK(e.call("GET", "/v2/main/aggregate/balances").status == 200);
  CHECK(e.call("POST", "/_sandbox/faults", {}, R"({"status":200})").status == 400);
}

TEST_CASE("the state survives a dump and a load", "[ledger][emulator]") {
  Emulator a;
  a.call("POST", "/v2/main");
  a.post("main", posting("world", "psp:stripe:main", "123456789012345678901234", "EUR/2", R"(,"timestamp":"2024-09-26T08:00:00Z")"));
  a.call("POST", "/v2/main/accounts/psp:stripe:main/metadata", {}, R"({"kind":"psp"})");
  Emulator b;
  REQUIRE_FALSE(b.world.load(json::parse(json::serialize(a.world.dump()))));
  CHECK(b.balances("main", {{"query", R"({"$match":{"metadata[kind]":"psp"}})"}}) == R"({"EUR/2":123456789012345678901234})");
  CHECK(b.balances("main", {{"pit", "2024-09-26T07:00:00Z"}}) == "{}");
  CHECK(b.world.load(json::parse(R"({"ledgers":[{"name":1}]})")));  // an error, nothing replaced
  CHECK(b.balances("main") == R"({"EUR/2":0})");
}
