// Lists: newest first, insertion order as the tiebreak, page_size+1 rows read for has_more.
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
    q.offset += q.page_size;
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
