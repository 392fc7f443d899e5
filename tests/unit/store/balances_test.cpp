// Balances as a time series per (account, asset).
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

namespace {
struct Fixture {
  TempDir dir;
  TestDb db{dir};
  Fixture() {
    db->write([](WriteTx& tx) {
      connectors::insert(tx, connector("c1"));
      psus::insert(tx, psu("u1"));
      auto a = account("a1", "c1");
      a.psu_id = "u1";
      a.connection_id = "cn1";
      accounts::insert(tx, a);
    });
  }
  BalanceWrite record(const std::string& amount, int64_t at, const std::string& asset = "EUR/2") {
    BalanceRecord b;
    b.account_id = "a1";
    b.asset = asset;
    b.balance = amount;
    b.created_at = at;
    return db->write([&](WriteTx& tx) { return balances::record(tx, b); });
  }
  std::vector<BalanceRecord> rows(const std::string& asset = "EUR/2") {
    BalanceQuery bq{"a1", asset, std::nullopt, std::nullopt};
    return db->read([&](ReadTx& tx) { return balances::list(tx, bq, PageQuery{}); }).items;
  }
};
}  // namespace

TEST_CASE("the same amount only moves last_updated_at; a new amount closes the row and opens one") {
  Fixture f;
  CHECK(f.record("100", 1000) == BalanceWrite::Inserted);
  CHECK(f.record("100", 2000) == BalanceWrite::Bumped);
  auto r = f.rows();
  REQUIRE(r.size() == 1);
  CHECK(r[0].created_at == 1000);
  CHECK(r[0].last_updated_at == 2000);
  CHECK(r[0].psu_id == "u1");  // inherited from the account
  CHECK(r[0].connection_id == "cn1");

  CHECK(f.record("-250", 3000) == BalanceWrite::Inserted);
  r = f.rows();
  REQUIRE(r.size() == 2);
  CHECK(r[0].balance == "-250");  // newest first
  CHECK(r[0].created_at == 3000);
  CHECK(r[0].last_updated_at == 3000);
  CHECK(r[1].balance == "100");
  CHECK(r[1].last_updated_at == 3000);  // closed when the amount changed
}

TEST_CASE("an observation older than what is known is ignored; a replay is a no-op") {
  Fixture f;
  f.record("100", 1000);
  f.record("100", 2000);
  CHECK(f.record("999", 1500) == BalanceWrite::Ignored);
  CHECK(f.record("100", 2000) == BalanceWrite::Ignored);
  auto r = f.rows();
  REQUIRE(r.size() == 1);
  CHECK(r[0].balance == "100");
  CHECK(count(*f.db, "events") == 2);  // SAVED_ACCOUNT + the first SAVED_BALANCE
}

TEST_CASE("assets are separate series; latest gives one row per asset") {
  Fixture f;
  f.record("100", 1000, "EUR/2");
  f.record("5", 1000, "USD/2");
  f.record("7", 2000, "USD/2");
  CHECK(f.rows("EUR/2").size() == 1);
  CHECK(f.rows("USD/2").size() == 2);
  auto latest = f.db->read([](ReadTx& tx) { return balances::latest(tx, "a1"); });
  REQUIRE(latest.size() == 2);
  CHECK(latest[0].asset == "EUR/2");
  CHECK(latest[1].balance == "7");
}

TEST_CASE("from/to select by last_updated_at and created_at") {
  Fixture f;
  f.record("1", 1000);
  f.record("2", 2000);
  f.record("3", 3000);
  auto list = [&](std::optional<int64_t> from, std::optional<int64_t> to) {
    BalanceQuery bq{"a1", std::nullopt, from, to};
    std::vector<std::string> out;
    for (auto& b : f.db->read([&](ReadTx& tx) { return balances::list(tx, bq, PageQuery{}); }).items)
      out.push_back(b.balance);
    return out;
  };
  CHECK(list(2500, std::nullopt) == std::vector<std::string>{"3", "2"});
  CHECK(list(std::nullopt, 1500) == std::vector<std::string>{"1"});
}

TEST_CASE("a balance of an unknown account, or a non-integer amount, is refused") {
  Fixture f;
  BalanceRecord b{"nope", "EUR/2", "1", 1000, 0, std::nullopt, std::nullopt};
  CHECK_THROWS_AS(f.db->write([&](WriteTx& tx) { return balances::record(tx, b); }), InvalidReference);
  CHECK_THROWS_AS(f.record("1.5", 1000), InvalidValue);
}
