// Payments and adjustments: insert-once, idempotent replays, status and amount rules, exact
// amounts of any size.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

namespace {
struct Fixture {
  TempDir dir;
  TestDb db{dir};
  Fixture() {
    db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  }
  PaymentWriteResult upsert(const PaymentWrite& p) {
    return db->write([&](WriteTx& tx) { return payments::upsert(tx, p); });
  }
  PaymentRecord get(const std::string& id) { return *db->read([&](ReadTx& tx) { return payments::get(tx, id); }); }
};

FetchedPage page_of(int first, int n) {
  FetchedPage page;
  page.connector_id = "c1";
  for (int i = first; i < first + n; ++i) page.payments.push_back(payment("p" + std::to_string(i), "c1", "100"));
  page.state_key = "FETCH_PAYMENTS";
  page.new_state = boost::json::object{{"cursor", first + n}};
  return page;
}
}  // namespace

TEST_CASE("a replayed page of payments is stored once, with one event per payment") {
  Fixture f;
  auto r1 = f.db->write([](WriteTx& tx) { return store_fetched_page(tx, page_of(0, 100)); });
  CHECK(r1.payments_inserted == 100);
  CHECK(r1.payments_updated == 0);
  auto r2 = f.db->write([](WriteTx& tx) { return store_fetched_page(tx, page_of(0, 100)); });
  CHECK(r2.payments_inserted + r2.payments_updated == 0);
  auto r3 = f.db->write([](WriteTx& tx) { return store_fetched_page(tx, page_of(50, 100)); });
  CHECK(r3.payments_inserted == 50);
  CHECK(count(*f.db, "payments") == 150);
  CHECK(count(*f.db, "payment_adjustments") == 150);
  CHECK(count(*f.db, "events") == 150);
  auto state = f.db->read([](ReadTx& tx) { return fetch_states::get(tx, "c1", "FETCH_PAYMENTS"); });
  CHECK(state->at("cursor").as_int64() == 150);
}

TEST_CASE("a page either commits whole, with its state, or not at all") {
  Fixture f;
  auto page = page_of(0, 10);
  page.payments[7].amount = "12.5";  // not minor units: the page is refused
  CHECK_THROWS_AS(f.db->write([&](WriteTx& tx) { return store_fetched_page(tx, page); }), InvalidValue);
  CHECK(count(*f.db, "payments") == 0);
  CHECK(count(*f.db, "events") == 0);
  CHECK_FALSE(f.db->read([](ReadTx& tx) { return fetch_states::get(tx, "c1", "FETCH_PAYMENTS"); }));
}

TEST_CASE("status follows the latest adjustment; replays and older adjustments do not move it") {
  Fixture f;
  CHECK(f.upsert(payment("p", "c1", "500", "PENDING", 1000)) == PaymentWriteResult::Inserted);
  CHECK(f.get("p").status == "PENDING");
  CHECK(f.upsert(payment("p", "c1", "500", "PENDING", 1000)) == PaymentWriteResult::Unchanged);
  CHECK(f.upsert(payment("p", "c1", "500", "SUCCEEDED", 2000)) == PaymentWriteResult::Updated);
  CHECK(f.get("p").status == "SUCCEEDED");
  // A late-arriving older observation is recorded but does not roll the status back.
  CHECK(f.upsert(payment("p", "c1", "500", "FAILED", 1500)) == PaymentWriteResult::Updated);
  auto p = f.get("p");
  CHECK(p.status == "SUCCEEDED");
  REQUIRE(p.adjustments.size() == 3);
  CHECK(p.adjustments[0].status == "SUCCEEDED");  // newest first
  CHECK(p.adjustments[1].status == "FAILED");
  CHECK(p.adjustments[2].status == "PENDING");
  CHECK(p.adjustments[2].raw_json == R"({"amount":"500"})");
  CHECK(p.created_at == 1000);
  CHECK(count(*f.db, "events") == 3);
}

TEST_CASE("refunds, captures and amount adjustments move the amounts exactly") {
  Fixture f;
  f.upsert(payment("p", "c1", "1000", "SUCCEEDED", 1000));
  f.upsert(payment("p", "c1", "300", "REFUNDED", 2000));
  CHECK(f.get("p").amount == "700");
  CHECK(f.get("p").initial_amount == "1000");
  CHECK(f.get("p").status == "REFUNDED");
  f.upsert(payment("p", "c1", "300", "REFUND_REVERSED", 3000));
  CHECK(f.get("p").amount == "1000");
  f.upsert(payment("p", "c1", "1200", "AMOUNT_ADJUSTEMENT", 4000));
  CHECK(f.get("p").initial_amount == "1200");

  f.upsert(payment("a", "c1", "800", "AUTHORISATION", 1000));
  CHECK(f.get("a").amount == "0");
  CHECK(f.get("a").initial_amount == "800");
  f.upsert(payment("a", "c1", "800", "CAPTURE", 2000));
  CHECK(f.get("a").amount == "800");
  CHECK(f.get("a").status == "CAPTURE");
}

TEST_CASE("amounts of any size round-trip exactly and compare numerically") {
  Fixture f;
  const std::string huge = "123456789012345678901234567890123456789";  // far beyond int64
  f.upsert(payment("big", "c1", huge));
  f.upsert(payment("small", "c1", "99"));
  f.upsert(payment("leading", "c1", "0007"));
  CHECK(f.get("big").amount == huge);
  CHECK(f.get("leading").amount == "7");
  f.upsert(payment("big", "c1", "1", "REFUNDED", 2000));
  CHECK(f.get("big").amount == "123456789012345678901234567890123456788");

  auto ids = [&](Filter::Kind op, boost::json::value v) {
    PageQuery q;
    q.filter = Filter{op, "amount", std::move(v), {}};
    std::set<std::string> out;
    for (auto& p : f.db->read([&](ReadTx& tx) { return payments::list(tx, q); }).items) out.insert(p.id);
    return out;
  };
  CHECK(ids(Filter::Kind::Gt, 100) == std::set<std::string>{"big"});
  CHECK(ids(Filter::Kind::Lt, 100) == std::set<std::string>{"leading", "small"});
  CHECK(ids(Filter::Kind::Gte, "99") == std::set<std::string>{"big", "small"});
  CHECK(ids(Filter::Kind::Match, 7) == std::set<std::string>{"leading"});
  CHECK(ids(Filter::Kind::Lt, "-5").empty());
  CHECK_THROWS_AS(ids(Filter::Kind::Gt, 1.5), QueryError);
}

TEST_CASE("deleting a payment removes its adjustments and emits DELETED_PAYMENT") {
  Fixture f;
  f.upsert(payment("p", "c1", "10"));
  f.upsert(payment("p", "c1", "10", "REFUNDED", 2000));
  CHECK(f.db->write([](WriteTx& tx) { return payments::remove(tx, "p"); }));
  CHECK_FALSE(f.db->write([](WriteTx& tx) { return payments::remove(tx, "p"); }));
  CHECK(count(*f.db, "payment_adjustments") == 0);
  auto last = f.db->read([](ReadTx& tx) { return events::after(tx, 0, 100); }).back();
  CHECK(last.type == "DELETED_PAYMENT");
  CHECK(last.payload.at("id") == "p");
}

TEST_CASE("metadata updates merge") {
  Fixture f;
  auto p = payment("p", "c1", "10");
  p.metadata = {{"a", "1"}, {"b", "2"}};
  f.upsert(p);
  f.db->write([](WriteTx& tx) { payments::update_metadata(tx, "p", {{"b", "3"}, {"c", "4"}}); });
  CHECK(f.get("p").metadata == Metadata{{"a", "1"}, {"b", "3"}, {"c", "4"}});
  CHECK_THROWS_AS(f.db->write([](WriteTx& tx) { payments::update_metadata(tx, "nope", {}); }), NotFound);
}
