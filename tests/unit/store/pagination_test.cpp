// Lists: newest first, insertion order as the tiebreak, page_size+1 rows read for has_more,
// keyset pages (after/before a (created_at, sort_id) key) that hold still under writes.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

TEST_CASE("pages walk every row once, newest first, ties broken by insertion order") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    // 23 accounts over 5 distinct timestamps: many ties.
    for (int i = 0; i < 23; ++i) accounts::insert(tx, account("a" + std::to_string(i), "c1", 1000 + (i % 5)));
  });
  std::vector<std::string> seen;
  PageQuery q;
  q.page_size = 5;
  for (;;) {
    auto page = db->read([&](ReadTx& tx) { return accounts::list(tx, q); });
    CHECK(page.items.size() <= 5);
    for (auto& a : page.items) seen.push_back(a.id);
    if (!page.has_more) {
      CHECK(page.items.size() == 3);
      break;
    }
    CHECK(page.items.size() == 5);
    q.after = page.last;
  }
  REQUIRE(seen.size() == 23);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 23);
  // created_at 1004 first; within one timestamp, the later insert first.
  CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 5) ==
        std::vector<std::string>{"a19", "a14", "a9", "a4", "a18"});
  CHECK(seen.back() == "a0");
}

TEST_CASE("has_more is exact at the page boundary; offset past the end is an empty page") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    for (int i = 0; i < 10; ++i) psus::insert(tx, psu("u" + std::to_string(i)));
  });
  auto page = [&](int64_t offset, int size) {
    PageQuery q;
    q.offset = offset;
    q.page_size = size;
    return db->read([&](ReadTx& tx) { return psus::list(tx, q); });
  };
  CHECK(page(0, 10).items.size() == 10);
  CHECK_FALSE(page(0, 10).has_more);
  CHECK(page(0, 9).has_more);
  CHECK(page(5, 5).items.size() == 5);
  CHECK_FALSE(page(5, 5).has_more);
  CHECK(page(10, 5).items.empty());
  CHECK(page(100, 5).items.empty());
}

TEST_CASE("scoped lists only show their parent's rows") {
  TempDir dir;
  TestDb db(dir);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    connectors::insert(tx, connector("c2"));
    for (auto c : {"c1", "c2"})
      for (int i = 0; i < 3; ++i) {
        ScheduleRecord s;
        s.id = std::string(c) + "-s" + std::to_string(i);
        s.connector_id = c;
        s.period_ms = 60000;
        schedules::upsert(tx, s);
      }
  });
  auto page = db->read([](ReadTx& tx) { return schedules::list(tx, "c2", PageQuery{}); });
  REQUIRE(page.items.size() == 3);
  for (auto& s : page.items) CHECK(s.connector_id == "c2");
}

namespace {

// Walks accounts::list forward by its `after` key, calling between(page_number) before each page
// after the first. Bounded: at most 100 pages.
template <class Between>
std::vector<std::string> walk_accounts(TestDb& db, int page_size, Between&& between) {
  std::vector<std::string> seen;
  PageQuery q;
  q.page_size = page_size;
  for (int n = 0; n < 100; ++n) {
    if (n > 0) between(n);
    auto page = db->read([&](ReadTx& tx) { return accounts::list(tx, q); });
    for (auto& a : page.items) seen.push_back(a.id);
    if (!page.has_more) break;
    q.after = page.last;
  }
  return seen;
}

}  // namespace

TEST_CASE("rows written between pages neither repeat nor push existing rows out of the walk") {
  TempDir dir;
  TestDb db(dir);
  std::set<std::string> at_start;
  db->write([&](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    for (int i = 0; i < 40; ++i) {
      accounts::insert(tx, account("old" + std::to_string(i), "c1", 10'000 + 10 * i));
      at_start.insert("old" + std::to_string(i));
    }
  });
  // Between pages a sync lands: rows newer than everything (an offset walk would repeat rows)
  // and rows spread across the range, some already passed, some ahead of the walk.
  int added = 0;
  auto seen = walk_accounts(db, 7, [&](int n) {
    db->write([&](WriteTx& tx) {
      for (int k = 0; k < 5; ++k) {
        const std::string id = "new" + std::to_string(n) + "-" + std::to_string(k);
        accounts::insert(tx, account(id, "c1", k < 3 ? 20'000 + 100 * n + k : 10'000 + 10 * (k * 9) + 5));
        ++added;
      }
    });
  });
  CHECK(added > 0);
  std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());  // no repeat
  for (const auto& id : at_start) CHECK(unique.count(id) == 1);  // no skip
}

TEST_CASE("a before key reads the previous page back, newest first, even after inserts") {
  TempDir dir;
  TestDb db(dir);
  db->write([&](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    for (int i = 0; i < 12; ++i) accounts::insert(tx, account("a" + std::to_string(i), "c1", 1000 + i));
  });
  PageQuery q;
  q.page_size = 5;
  auto p1 = db->read([&](ReadTx& tx) { return accounts::list(tx, q); });
  CHECK_FALSE(p1.has_newer);
  REQUIRE(p1.has_more);
  q.after = p1.last;
  auto p2 = db->read([&](ReadTx& tx) { return accounts::list(tx, q); });
  CHECK(p2.has_newer);
  REQUIRE(p2.items.front().id == "a6");

  auto ids = [](const auto& page) {
    std::vector<std::string> out;
    for (auto& a : page.items) out.push_back(a.id);
    return out;
  };
  PageQuery back;
  back.page_size = 5;
  back.before = p2.first;
  auto again = db->read([&](ReadTx& tx) { return accounts::list(tx, back); });
  CHECK(ids(again) == ids(p1));
  CHECK_FALSE(again.has_newer);
  CHECK(again.has_more);

  // Two newer rows arrive: the previous page is still the five rows just above page 2, and now
  // there is a page before it.
  db->write([&](WriteTx& tx) {
    accounts::insert(tx, account("n1", "c1", 5000));
    accounts::insert(tx, account("n2", "c1", 5001));
  });
  again = db->read([&](ReadTx& tx) { return accounts::list(tx, back); });
  CHECK(ids(again) == ids(p1));
  CHECK(again.has_newer);
}
