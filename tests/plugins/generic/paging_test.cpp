// Paging and watermarks of the generic connector, through the C ABI against an in-memory service.
#include "fake_service.hpp"
#include "watermark.hpp"

#include <random>
#include <set>

using cx::testing::Driver;
using cx::testing::FakeHost;
using gtest::FakeService;
using gtest::Poller;
using gtest::tx;

namespace {

std::vector<std::string> ids_of(const std::vector<boost::json::object>& items) {
  std::vector<std::string> ids;
  for (auto& i : items) ids.emplace_back(i.at("reference").as_string());
  return ids;
}

std::multiset<std::string> sorted(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

struct Rig {
  FakeHost host;
  FakeService service;
  Driver driver{cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig};
  Rig() {
    host.on_http([this](const cx::HttpRequest& r) { return service.handle(r); });
  }
};

}  // namespace

TEST_CASE("paging: a page boundary inside a run of equal timestamps loses and duplicates nothing") {
  Rig rig;
  rig.service.exclusive_bound = GENERATE(false, true);
  const int64_t page_size = GENERATE(1, 2, 3, 4);
  // t2..t8 share one updatedAt: with pageSize 3 the boundaries fall after t3 and t6, inside the run.
  rig.service.transaction(tx("t1", "2024-05-01T10:00:00Z"));
  for (int i = 2; i <= 8; ++i) rig.service.transaction(tx("t" + std::to_string(i), "2024-05-01T10:00:05Z"));
  rig.service.transaction(tx("t9", "2024-05-01T10:00:09Z"));
  rig.service.transaction(tx("t10", "2024-05-01T10:00:09Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", page_size);
  auto got = ids_of(p.poll());
  INFO("exclusive=" << rig.service.exclusive_bound << " pageSize=" << page_size);
  CHECK(got == std::vector<std::string>{"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10"});
  CHECK(p.poll().empty());  // the next periodic poll finds nothing new
}

TEST_CASE("paging: items that arrive later with the watermark's exact timestamp are not lost") {
  // The reference connector skips every item <= its watermark, so t4/t5 below would be lost.
  Rig rig;
  rig.service.exclusive_bound = GENERATE(false, true);
  const int64_t page_size = GENERATE(1, 2, 5);
  rig.service.transaction(tx("t1", "2024-05-01T10:00:00Z"));
  rig.service.transaction(tx("t2", "2024-05-01T10:00:07Z"));
  rig.service.transaction(tx("t3", "2024-05-01T10:00:07Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", page_size);
  CHECK(ids_of(p.poll()) == std::vector<std::string>{"t1", "t2", "t3"});
  auto state = p.state.as_object();
  CHECK(state.at("watermark") == "2024-05-01T10:00:07Z");
  CHECK(boost::json::serialize(state.at("seen")) == R"(["t2","t3"])");

  rig.service.transaction(tx("t4", "2024-05-01T10:00:07Z"));
  rig.service.transaction(tx("t5", "2024-05-01T10:00:07Z"));
  rig.service.transaction(tx("t6", "2024-05-01T10:00:08Z"));
  CHECK(ids_of(p.poll()) == std::vector<std::string>{"t4", "t5", "t6"});
  CHECK(p.poll().empty());
}

TEST_CASE("paging: query parameters carry page, pageSize, sort and the watermark bound") {
  Rig rig;
  for (int i = 1; i <= 5; ++i) rig.service.transaction(tx("t" + std::to_string(i), "2024-05-01T10:00:0" + std::to_string(i) + ".250Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", 2);
  p.poll();
  const auto& reqs = rig.host.requests();
  REQUIRE(reqs.size() >= 2);
  CHECK(gtest::query_param(reqs[0].url, "page") == "1");
  CHECK(gtest::query_param(reqs[0].url, "pageSize") == "2");
  CHECK(gtest::query_param(reqs[0].url, "sort") == "updatedAt:asc");
  CHECK_FALSE(gtest::query_param(reqs[0].url, "updatedAtFrom"));
  // After t1, t2 (watermark 10:00:02.250) the bound is that second minus one, in whole seconds.
  CHECK(gtest::query_param(reqs[1].url, "updatedAtFrom") == "2024-05-01T10:00:01Z");
  CHECK(gtest::query_param(reqs[1].url, "page") == "1");
  for (auto& r : reqs) CHECK_FALSE(gtest::query_param(r.url, "createdAtFrom"));
}

TEST_CASE("paging: inside a run longer than a page the cursor walks pages under one bound") {
  Rig rig;
  for (int i = 0; i < 9; ++i) rig.service.transaction(tx("r" + std::to_string(i), "2024-05-01T12:00:00Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", 2);
  CHECK(p.poll().size() == 9);
  std::vector<std::string> pages;
  for (auto& r : rig.host.requests()) pages.push_back(*gtest::query_param(r.url, "page"));
  // page 1 unbounded, then pages 1..5 of updatedAtFrom=11:59:59 (page 5 is the short one)
  CHECK(pages == std::vector<std::string>{"1", "1", "2", "3", "4", "5"});
}

TEST_CASE("paging: a run longer than the ids a cursor keeps stays linear and loses nothing") {
  Rig rig;
  const int64_t page_size = 100;
  const size_t run = cx::generic::seen_kept(page_size) * 2 + 450;  // 2 450 items at one timestamp
  rig.service.transaction(tx("first", "2024-05-01T11:00:00Z"));
  for (size_t i = 0; i < run; ++i) rig.service.transaction(tx("r" + std::to_string(i), "2024-05-01T12:00:00Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", page_size);
  auto first = ids_of(p.poll());
  CHECK(first.size() == run + 1);
  CHECK(std::set<std::string>(first.begin(), first.end()).size() == run + 1);
  // The state keeps a bounded number of ids, not the whole run.
  CHECK(p.state.at("seen").as_array().size() == cx::generic::seen_kept(page_size));
  CHECK(p.state.at("seenAll") == false);

  // The next poll re-reads only the last page, not the run from page 1.
  const auto before = rig.host.requests().size();
  CHECK(p.poll().empty());
  CHECK(rig.host.requests().size() == before + 1);
  CHECK(gtest::query_param(rig.host.requests().back().url, "page") == std::to_string(run / page_size + 1));

  SECTION("items after the run come once") {
    rig.service.transaction(tx("after", "2024-05-01T12:00:01Z"));
    CHECK(ids_of(p.poll()) == std::vector<std::string>{"after"});
    CHECK(p.poll().empty());
  }
  SECTION("an item of the run that moved to the end shifts the list: restart, deliver again, lose nothing") {
    rig.service.transaction(tx("r7", "2024-05-01T12:00:02Z"));  // r7 leaves the run: every page shifts left
    rig.service.transaction(tx("after", "2024-05-01T12:00:03Z"));
    auto got = ids_of(p.poll());
    std::set<std::string> got_set(got.begin(), got.end());
    CHECK(got_set.count("r7"));
    CHECK(got_set.count("after"));
    CHECK(got.back() == "after");
    // The restart may deliver the run once more (the host's upsert absorbs it), never more.
    CHECK(got.size() <= run + 2);
    CHECK(p.poll().empty());
  }
}

TEST_CASE("paging: a failed page never advances the watermark") {
  Rig rig;
  for (int i = 1; i <= 12; ++i) rig.service.transaction(tx("t" + std::to_string(i), i <= 8 ? "2024-05-01T10:00:05Z" : "2024-05-01T10:00:06Z"));

  SECTION("the failed call returns no state and the same state then fetches what it would have") {
    Poller p(rig.driver, &cx_connector::fetch_payments, "payments", 3);
    boost::json::object req{{"state", nullptr}, {"pageSize", 3}};
    // Walk to a state inside the run of equal timestamps (t1..t8 at 10:00:05).
    for (int i = 0; i < 2; ++i) req["state"] = rig.driver.call_ok(&cx_connector::fetch_payments, req).at("newState");
    auto expected = rig.driver.call_ok(&cx_connector::fetch_payments, req);
    rig.service.fault = [](const std::string&, int) { return cx::HttpResponse{503, {}, "busy"}; };
    auto failed = rig.driver.call(&cx_connector::fetch_payments, req);
    CHECK(failed.code == CX_ERR_UPSTREAM);
    CHECK(failed.out.empty());
    rig.service.fault = nullptr;
    CHECK(rig.driver.call_ok(&cx_connector::fetch_payments, req) == expected);
    CHECK(rig.host.state().empty());  // nothing is kept beside the returned state
    p.state = req["state"];
    auto rest = ids_of(p.poll());
    CHECK(rest.size() + 3 == 12);  // the first page (t1..t3) came before; nothing lost or repeated
    CHECK(std::set<std::string>(rest.begin(), rest.end()).count("t1") == 0);
  }

  SECTION("every other page failing still ends with each item exactly once") {
    rig.service.fault = [](const std::string&, int n) -> std::optional<cx::HttpResponse> {
      if (n % 2 == 0) return cx::HttpResponse{n % 4 == 0 ? 429 : 502, {{"retry-after", "1"}}, R"({"Title":"x","Detail":"y"})"};
      return std::nullopt;
    };
    Poller p(rig.driver, &cx_connector::fetch_payments, "payments", 3);
    auto got = ids_of(p.poll());
    CHECK(p.failed_calls > 0);
    CHECK(sorted(got) == std::multiset<std::string>{"t1", "t10", "t11", "t12", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"});
  }
}

TEST_CASE("paging: a service that ignores pageSize still delivers each item once, at most pageSize per call") {
  Rig rig;
  rig.service.forced_page_size = 7;
  for (int i = 1; i <= 20; ++i)
    rig.service.transaction(tx("t" + std::to_string(i), "2024-05-01T10:00:0" + std::to_string(i / 3) + "Z"));
  std::vector<std::string> got;
  boost::json::value state = nullptr;
  for (int calls = 0; calls < 100; ++calls) {
    auto out = rig.driver.call_ok(&cx_connector::fetch_payments, boost::json::object{{"state", state}, {"pageSize", 3}}).as_object();
    CHECK(out.at("payments").as_array().size() <= 3);
    for (auto& p : out.at("payments").as_array()) got.emplace_back(p.at("reference").as_string());
    state = out.at("newState");
    if (!out.at("hasMore").as_bool()) break;
  }
  CHECK(got.size() == 20);
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == 20);
}

TEST_CASE("paging: a PENDING transaction that comes back SUCCEEDED is delivered again") {
  Rig rig;
  rig.service.transaction(tx("p1", "2024-05-01T10:00:00Z", "PENDING", "2024-05-01T10:00:00Z"));
  rig.service.transaction(tx("s1", "2024-05-01T10:00:01Z"));
  Poller p(rig.driver, &cx_connector::fetch_payments, "payments", 10);
  auto first = p.poll();
  REQUIRE(first.size() == 2);
  CHECK(first[0].at("status") == "PENDING");

  rig.service.transaction(tx("p1", "2024-05-02T08:00:00Z", "SUCCEEDED", "2024-05-01T10:00:00Z"));
  auto second = p.poll();
  REQUIRE(second.size() == 1);
  CHECK(second[0].at("reference") == "p1");
  CHECK(second[0].at("status") == "SUCCEEDED");
  CHECK(second[0].at("createdAt") == "2024-05-01T10:00:00Z");  // same payment, new status: an adjustment
  CHECK(p.poll().empty());
}

TEST_CASE("paging: an unsorted page is delivered in timestamp order") {
  FakeHost host;
  host.push_response(200, boost::json::serialize(boost::json::array{
                              tx("c", "2024-05-01T10:00:03Z"), tx("a", "2024-05-01T10:00:01Z"), tx("b", "2024-05-01T10:00:02Z")}));
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  auto out = d.call_ok(&cx_connector::fetch_payments, R"({"state":null,"pageSize":10})"sv).as_object();
  std::vector<std::string> got;
  for (auto& p : out.at("payments").as_array()) got.emplace_back(p.at("reference").as_string());
  CHECK(got == std::vector<std::string>{"a", "b", "c"});
  CHECK(out.at("newState").at("watermark") == "2024-05-01T10:00:03Z");
  CHECK_FALSE(out.at("hasMore").as_bool());
}

TEST_CASE("paging: accounts and beneficiaries use createdAt and createdAtFrom") {
  Rig rig;
  auto account = [](std::string id, std::string at) {
    return boost::json::object{{"id", id}, {"accountName", "Acc " + id}, {"createdAt", at}};
  };
  auto beneficiary = [](std::string id, std::string at) {
    return boost::json::object{{"id", id}, {"ownerName", "Owner " + id}, {"createdAt", at}};
  };
  for (int i = 1; i <= 5; ++i) rig.service.put("/accounts", account("a" + std::to_string(i), "2024-01-01T00:00:00Z"));
  for (int i = 1; i <= 5; ++i) rig.service.put("/beneficiaries", beneficiary("b" + std::to_string(i), "2024-01-02T00:00:00Z"));
  Poller accounts(rig.driver, &cx_connector::fetch_accounts, "accounts", 2);
  Poller beneficiaries(rig.driver, &cx_connector::fetch_external_accounts, "externalAccounts", 2);
  CHECK(ids_of(accounts.poll()) == std::vector<std::string>{"a1", "a2", "a3", "a4", "a5"});
  CHECK(ids_of(beneficiaries.poll()) == std::vector<std::string>{"b1", "b2", "b3", "b4", "b5"});
  rig.service.put("/accounts", account("a6", "2024-01-01T00:00:00Z"));
  CHECK(ids_of(accounts.poll()) == std::vector<std::string>{"a6"});
  CHECK(beneficiaries.poll().empty());
  bool saw_bound = false;
  for (auto& r : rig.host.requests()) {
    CHECK_FALSE(gtest::query_param(r.url, "updatedAtFrom"));
    if (r.url.find("/accounts?") != std::string::npos) CHECK(gtest::query_param(r.url, "sort") == "createdAt:asc");
    saw_bound |= gtest::query_param(r.url, "createdAtFrom").has_value();
  }
  CHECK(saw_bound);
}

TEST_CASE("paging: random collisions, page sizes and updates between polls end equal to the service") {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    Rig rig;
    rig.service.exclusive_bound = rng() % 2;
    const int64_t page_size = 1 + rng() % 6;
    // A service may serve more than pageSize (never fewer: a short page ends the list).
    if (rng() % 4 == 0) rig.service.forced_page_size = page_size + rng() % 4;
    int64_t clock = 1714557600000;  // 2024-05-01T10:00:00Z
    int next_id = 0;
    std::set<std::pair<std::string, std::string>> delivered;  // (id, updatedAt) versions
    std::map<std::string, boost::json::object> view;          // what the host holds
    Poller p(rig.driver, &cx_connector::fetch_payments, "payments", page_size);
    for (int round = 0; round < 8; ++round) {
      int changes = 1 + static_cast<int>(rng() % 12);
      for (int c = 0; c < changes; ++c) {
        if (rng() % 3 == 0) clock += (rng() % 2 ? 1000 : 250);  // many share a timestamp
        auto truth = rig.service.truth("/transactions");
        std::string at = cx::time::format_rfc3339(clock);
        if (!truth.empty() && rng() % 3 == 0) {
          // An update moves updatedAt forward (a service whose update keeps the timestamp
          // cannot be polled incrementally by anyone).
          auto it = std::next(truth.begin(), static_cast<long>(rng() % truth.size()));
          if (it->second.at("updatedAt").as_string() == at) at = cx::time::format_rfc3339(clock += 1000);
          rig.service.transaction(tx(it->first, at, rng() % 2 ? "SUCCEEDED" : "FAILED"));
        } else {
          rig.service.transaction(tx("x" + std::to_string(next_id++), at, "PENDING"));
        }
      }
      for (auto& item : p.poll()) {
        std::string id(item.at("reference").as_string());
        std::string updated(item.at("raw").at("updatedAt").as_string());
        CHECK(delivered.emplace(id, updated).second);  // never the same version twice
        view[id] = item;
      }
      auto truth = rig.service.truth("/transactions");
      REQUIRE(view.size() == truth.size());
      for (auto& [id, item] : truth) {
        REQUIRE(view.count(id));
        CHECK(view[id].at("raw").at("updatedAt") == item.at("updatedAt"));
        CHECK(view[id].at("status") == item.at("status"));
      }
    }
  }
}

TEST_CASE("balances: one call for the account in fromPayload, the id path-encoded, no paging") {
  Rig rig;
  rig.service.balances["acc/1 x"] = boost::json::parse(R"({"id":"b1","accountID":"acc/1 x","at":"2024-05-01T12:00:00+02:00",
    "balances":[{"amount":"-1500","currency":"EUR/2"},{"amount":"700","currency":"JPY"}]})"sv).as_object();
  auto out = rig.driver.call_ok(&cx_connector::fetch_balances,
                                R"({"state":null,"fromPayload":{"reference":"acc/1 x","createdAt":"2024-01-01T00:00:00Z"},"pageSize":100})"sv)
                 .as_object();
  REQUIRE(rig.host.requests().size() == 1);
  CHECK(rig.host.requests()[0].url == "http://svc.test/api/accounts/acc%2F1%20x/balances");
  CHECK_FALSE(out.at("hasMore").as_bool());
  auto expected = boost::json::parse(R"([
    {"accountReference":"acc/1 x","createdAt":"2024-05-01T10:00:00Z","amount":"-1500","asset":"EUR/2"},
    {"accountReference":"acc/1 x","createdAt":"2024-05-01T10:00:00Z","amount":"700","asset":"JPY/0"}])");
  CHECK(out.at("balances") == expected);
}

TEST_CASE("balances: fromPayload without an account reference is refused") {
  Rig rig;
  auto o = rig.driver.call(&cx_connector::fetch_balances, R"({"state":null,"fromPayload":null,"pageSize":100})"sv);
  CHECK(o.code == CX_ERR_INVALID_ARGUMENT);
  CHECK(boost::json::parse(o.err).at("field") == "fromPayload");
  CHECK(rig.host.requests().empty());
}

TEST_CASE("balances: an unknown account is NOT_FOUND") {
  Rig rig;
  auto o = rig.driver.call(&cx_connector::fetch_balances, R"({"fromPayload":{"reference":"nope"}})"sv);
  CHECK(o.code == CX_ERR_NOT_FOUND);
  CHECK(o.message().find("no such account") != std::string::npos);
}
