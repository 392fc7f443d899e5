// List routes page by keyset cursors: payments written while a client pages through /payments
// neither repeat nor push existing payments out of reach; filters and previous survive the
// cursor; a tampered cursor is a 400 naming the cursor.
#include "host/util/encoding.hpp"

#include "handler_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace cx::api::test;

namespace {

std::vector<std::string> ids_of(const Reply& r) {
  std::vector<std::string> out;
  const auto body = r.json();
  for (auto& p : body.at("cursor").at("data").as_array()) out.emplace_back(p.at("id").as_string());
  return out;
}

std::string cursor_field(const Reply& r, const char* name) {
  const auto body = r.json();
  const auto& c = body.at("cursor").as_object();
  return c.contains(name) ? std::string(c.at(name).as_string()) : "";
}

}  // namespace

TEST_CASE("payments paged while a sync writes: no repeat, no skip of the payments listed at the start") {
  Fixture f;
  std::string cid = f.add_connector();
  std::set<std::string> at_start;
  for (int i = 0; i < 30; ++i) at_start.insert(f.add_payment(cid, "old-" + std::to_string(i), "100"));

  std::vector<std::string> seen;
  std::string next;
  int written = 0;
  for (int n = 0; n < 50; ++n) {  // bounded: 30 rows at 4 a page
    auto page = f.get("/api/payments/v3/payments?pageSize=4" + (next.empty() ? "" : "&cursor=" + next));
    REQUIRE(page.status == 200);
    for (auto& id : ids_of(page)) seen.push_back(id);
    next = cursor_field(page, "next");
    if (next.empty()) break;
    // The sync lands newer payments between two pages.
    for (int k = 0; k < 3; ++k) f.add_payment(cid, "new-" + std::to_string(written++), "200");
  }
  CHECK(written > 0);
  std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());
  for (auto& id : at_start) CHECK(unique.count(id) == 1);
}

TEST_CASE("the cursor keeps the filter, and previous reads the page before") {
  Fixture f;
  std::string cid = f.add_connector();
  for (int i = 0; i < 9; ++i) f.add_payment(cid, "p-" + std::to_string(i), i % 2 ? "5000" : "10");
  // Big payments only: p-7, p-5, p-3, p-1 (newest first).
  auto p1 = f.get("/api/payments/v3/payments?pageSize=2", R"({"$gt":{"amount":1000}})");
  REQUIRE(p1.status == 200);
  CHECK(cursor_field(p1, "previous").empty());
  auto p2 = f.get("/api/payments/v3/payments?cursor=" + cursor_field(p1, "next"));
  REQUIRE(p2.status == 200);
  CHECK(ids_of(p2).size() == 2);
  for (auto& id : ids_of(p2))
    for (auto& p1id : ids_of(p1)) CHECK(id != p1id);
  CHECK_FALSE(p2.json().at("cursor").at("hasMore").as_bool());
  const auto p2body = p2.json();
  for (auto& p : p2body.at("cursor").at("data").as_array()) CHECK(p.at("amount").as_int64() == 5000);
  auto back = f.get("/api/payments/v3/payments?cursor=" + cursor_field(p2, "previous"));
  REQUIRE(back.status == 200);
  CHECK(ids_of(back) == ids_of(p1));
  CHECK(cursor_field(back, "previous").empty());
}

TEST_CASE("a garbage or tampered cursor is a 400 VALIDATION naming the cursor") {
  Fixture f;
  for (std::string bad : {std::string("%%%"), cx::util::base64url_encode("garbage"),
                          cx::util::base64url_encode(R"({"offset":15,"order":1,"pageSize":15})"),
                          cx::util::base64url_encode(R"({"pageSize":15,"after":["x",1]})")}) {
    auto r = f.get("/api/payments/v3/payments?cursor=" + bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "VALIDATION");
    CHECK(r.message().find("cursor") != std::string::npos);
  }
}
