// The worked examples of docs/reconciliation.md §2, under this project's rule: any non-zero drift
// fails the asset.
#include "host/reconciliation/algorithm.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace cx::recon;
using namespace std::chrono_literals;

namespace {
Fetch returns(Balances b) {
  return [b](std::chrono::steady_clock::time_point) -> SideResult { return b; };
}
Fetch fails(std::string message, int status) {
  return [=](std::chrono::steady_clock::time_point) -> SideResult { return SideError{message, status}; };
}
auto soon() { return std::chrono::steady_clock::now() + 5s; }
}  // namespace

TEST_CASE("worked example 1: matching sides are OK with zero drift") {
  auto o = compare({{"USD", "-100"}, {"EUR", "-200"}}, {{"USD", "100"}, {"EUR", "200"}});
  CHECK(o.status == "OK");
  CHECK(o.error.empty());
  CHECK(o.drift == Balances{{"EUR", "0"}, {"USD", "0"}});
}

TEST_CASE("worked example 2: positive drift fails every asset, messages in asset order") {
  auto o = compare({{"USD", "-100"}, {"EUR", "-200"}}, {{"USD", "200"}, {"EUR", "300"}});
  CHECK(o.status == "NOT_OK");
  CHECK(o.error == "balance drift for asset EUR; balance drift for asset USD");
  CHECK(o.drift == Balances{{"EUR", "100"}, {"USD", "100"}});
}

TEST_CASE("worked example 3: negative drift on one asset, stored as its absolute value") {
  auto o = compare({{"USD", "-100"}, {"EUR", "-400"}}, {{"USD", "100"}, {"EUR", "200"}});
  CHECK(o.status == "NOT_OK");
  CHECK(o.error == "balance drift for asset EUR");
  CHECK(o.drift == Balances{{"EUR", "200"}, {"USD", "0"}});
}

TEST_CASE("worked example 4: an asset missing on the ledger counts as 0 there") {
  auto o = compare({{"USD", "-100"}, {"EUR", "-200"}}, {{"EUR", "200"}});
  CHECK(o.status == "NOT_OK");
  CHECK(o.error == "balance drift for asset USD");
  CHECK(o.ledger == Balances{{"EUR", "200"}, {"USD", "0"}});
  CHECK(o.drift == Balances{{"EUR", "0"}, {"USD", "100"}});
}

TEST_CASE("worked example 5: different assets on each side fail both unmatched ones") {
  auto o = compare({{"USD", "-100"}, {"DKK", "-200"}}, {{"USD", "100"}, {"EUR", "200"}});
  CHECK(o.status == "NOT_OK");
  CHECK(o.error == "balance drift for asset DKK; balance drift for asset EUR");
  CHECK(o.drift == Balances{{"DKK", "200"}, {"EUR", "200"}, {"USD", "0"}});
  CHECK(o.payments == Balances{{"DKK", "-200"}, {"EUR", "0"}, {"USD", "-100"}});
  CHECK(o.ledger == Balances{{"DKK", "0"}, {"EUR", "200"}, {"USD", "100"}});
}

TEST_CASE("worked example 6: a zero asset on one side is harmonised and OK") {
  auto o = compare({{"USD", "-100"}}, {{"USD", "100"}, {"EUR", "0"}});
  CHECK(o.status == "OK");
  CHECK(o.payments == Balances{{"EUR", "0"}, {"USD", "-100"}});
}

TEST_CASE("worked example 7: two empty sides are OK with empty maps") {
  auto o = compare({}, {});
  CHECK(o.status == "OK");
  CHECK(o.payments.empty());
  CHECK(o.ledger.empty());
  CHECK(o.drift.empty());
}

TEST_CASE("amounts beyond 64 bits stay exact; non-integers are refused") {
  auto o = compare({{"EUR/2", "123456789012345678901234567890"}}, {{"EUR/2", "-123456789012345678901234567891"}});
  CHECK(o.status == "NOT_OK");
  CHECK(o.drift.at("EUR/2") == "1");
  CHECK_THROWS_AS(compare({{"EUR/2", "1.5"}}, {}), std::invalid_argument);
}

TEST_CASE("run: both sides are fetched concurrently") {
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  auto slow = [&](Balances b) {
    return [&, b](std::chrono::steady_clock::time_point) -> SideResult {
      if (++inside == 2) overlapped = true;
      for (int i = 0; i < 200 && !overlapped; ++i) std::this_thread::sleep_for(5ms);
      --inside;
      return b;
    };
  };
  auto r = run(slow({{"EUR/2", "5"}}), slow({{"EUR/2", "-5"}}), soon());
  REQUIRE(std::holds_alternative<Outcome>(r));
  CHECK(std::get<Outcome>(r).status == "OK");
  CHECK(overlapped);
}

TEST_CASE("run: a failing side is named with its reason, nothing compared") {
  auto r = run(returns({{"EUR/2", "5"}}), fails("ledger answered 404 LEDGER_NOT_FOUND", 404), soon());
  REQUIRE(std::holds_alternative<FetchFailure>(r));
  CHECK(std::get<FetchFailure>(r).side == "ledger");
  CHECK(std::get<FetchFailure>(r).http_status == 404);
  CHECK(std::get<FetchFailure>(r).message == "ledger answered 404 LEDGER_NOT_FOUND");

  auto thrown = run([](auto) -> SideResult { throw std::runtime_error("pool vanished"); }, returns({}), soon());
  REQUIRE(std::holds_alternative<FetchFailure>(thrown));
  CHECK(std::get<FetchFailure>(thrown).side == "payments");
  CHECK(std::get<FetchFailure>(thrown).message == "pool vanished");

  auto garbage = run(returns({}), returns({{"EUR/2", "12abc"}}), soon());
  REQUIRE(std::holds_alternative<FetchFailure>(garbage));
  CHECK(std::get<FetchFailure>(garbage).side == "ledger");
}
