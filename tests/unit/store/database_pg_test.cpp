// store::Database on PostgreSQL: the store's migrations applied once, the master key checked, and
// repository statements (through the backend boundary) running on a real server.
#include "backends.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

namespace {

std::unique_ptr<Database> open_pg(const std::string& url, uint8_t key_seed = 1) {
  DatabaseOptions o;
  o.url = db::DatabaseUrl::parse(url);
  o.readers = 2;
  return std::make_unique<Database>(std::move(o), key(key_seed));
}

FetchedPage page_of(int first, int n) {
  FetchedPage page;
  page.connector_id = "c1";
  for (int i = first; i < first + n; ++i)
    page.payments.push_back(payment("p" + std::to_string(i), "c1", "100", "SUCCEEDED", 1000 + i));
  page.state_key = "FETCH_PAYMENTS";
  page.new_state = boost::json::object{{"cursor", first + n}};
  return page;
}

}  // namespace

TEST_CASE("Database on PostgreSQL applies the store's migrations once and checks the master key", "[pg]") {
  PgDatabase pg("store_open");
  {
    auto db = open_pg(pg.url);
    CHECK(db->backend() == db::Backend::postgres);
    CHECK(db->schema_version() == Database::latest_schema_version());
  }
  auto again = open_pg(pg.url);  // a restart (or a second node) finds the schema in place
  CHECK(again->schema_version() == Database::latest_schema_version());
  CHECK_THROWS_AS(open_pg(pg.url, 2), cx::crypto::KeyError);
}

TEST_CASE("on PostgreSQL a replayed page of payments is stored once, with its events and state", "[pg]") {
  PgDatabase pg("store_payments");
  auto db = open_pg(pg.url);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  auto r1 = db->write([](WriteTx& tx) { return store_fetched_page(tx, page_of(0, 30)); });
  CHECK(r1.payments_inserted == 30);
  auto r2 = db->write([](WriteTx& tx) { return store_fetched_page(tx, page_of(0, 30)); });
  CHECK(r2.payments_inserted + r2.payments_updated == 0);
  CHECK(count(*db, "payments") == 30);
  CHECK(count(*db, "events") == 30);
  auto state = db->read([](ReadTx& tx) { return fetch_states::get(tx, "c1", "FETCH_PAYMENTS"); });
  REQUIRE(state);
  CHECK(state->at("cursor").as_int64() == 30);
  auto p = db->read([](ReadTx& tx) { return payments::get(tx, "p7"); });
  REQUIRE(p);
  CHECK(p->amount == "100");
}

TEST_CASE("on PostgreSQL payment lists page by key, newest first", "[pg]") {
  PgDatabase pg("store_paging");
  auto db = open_pg(pg.url);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  db->write([](WriteTx& tx) { store_fetched_page(tx, page_of(0, 25)); });
  PageQuery q;
  q.page_size = 10;
  auto first = db->read([&](ReadTx& tx) { return payments::list(tx, q); });
  REQUIRE(first.items.size() == 10);
  CHECK(first.items.front().id == "p24");
  CHECK(first.has_more);
  q.after = first.last;
  auto second = db->read([&](ReadTx& tx) { return payments::list(tx, q); });
  REQUIRE(second.items.size() == 10);
  CHECK(second.items.front().id == "p14");
}

TEST_CASE("on PostgreSQL a duplicate key is a Conflict and the transaction rolls back whole", "[pg]") {
  PgDatabase pg("store_conflict");
  auto db = open_pg(pg.url);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  CHECK_THROWS_AS(db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c22"));
    connectors::insert(tx, connector("c1"));
  }),
                  Conflict);
  CHECK(count(*db, "connectors") == 1);
}

TEST_CASE("on PostgreSQL account filters select the same rows as on SQLite", "[pg]") {
  PgDatabase pg("store_filters");
  auto db = open_pg(pg.url);
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    psus::insert(tx, psu("u1"));
    auto a = account("a1", "c1", 1000);
    a.name = "Jane's checking";
    a.metadata = {{"com.acme/kind", "savings"}, {"public.tier", "gold"}};
    a.psu_id = "u1";
    accounts::insert(tx, a);
    accounts::insert(tx, account("a2", "c1", 2000));
  });
  using K = Filter::Kind;
  auto ids = [&](Filter f) {
    PageQuery q;
    q.filter = std::move(f);
    std::vector<std::string> out;
    for (auto& a : db->read([&](ReadTx& tx) { return accounts::list(tx, q); }).items) out.push_back(a.id);
    return out;
  };
  auto leaf = [](K kind, std::string key, boost::json::value v) { return Filter{kind, std::move(key), std::move(v), {}}; };
  using V = std::vector<std::string>;
  CHECK(ids(leaf(K::Match, "name", "Jane's checking")) == V{"a1"});  // sealed: blind index
  CHECK(ids(leaf(K::Match, "metadata[com.acme/kind]", "savings")) == V{"a1"});  // sealed metadata
  CHECK(ids(leaf(K::Match, "metadata[public.tier]", "gold")) == V{"a1"});  // clear JSON metadata
  CHECK(ids(leaf(K::Match, "metadata[public.tier]", "silver")).empty());
  CHECK(ids(leaf(K::In, "id", boost::json::array{})).empty());
  CHECK(ids(Filter{K::And, "", nullptr, {}}) == V{"a2", "a1"});
  CHECK(ids(Filter{K::Or, "", nullptr, {}}).empty());
}

TEST_CASE("on PostgreSQL a row naming a missing parent is an InvalidReference", "[pg]") {
  PgDatabase pg("store_fk");
  auto db = open_pg(pg.url);
  CHECK_THROWS_AS(db->write([](WriteTx& tx) { accounts::insert(tx, account("a1", "no-such-connector")); }),
                  InvalidReference);
}

TEST_CASE("on PostgreSQL a read transaction keeps one snapshot while others commit", "[pg]") {
  PgDatabase pg("store_snapshot");
  auto db = open_pg(pg.url);
  db->write([](WriteTx& tx) { connectors::insert(tx, connector("c1")); });
  auto seen = db->read([&](ReadTx& tx) {
    auto count_now = [&] {
      auto& s = tx.prepare("SELECT count(*) FROM connectors");
      s.step();
      return s.get_int64(0);
    };
    int64_t first = count_now();
    db->write([](WriteTx& w) { connectors::insert(w, connector("c2")); });  // commits meanwhile
    return std::pair{first, count_now()};
  });
  CHECK(seen.first == 1);
  CHECK(seen.second == 1);  // READ COMMITTED would see 2
  CHECK(count(*db, "connectors") == 2);
  CHECK_THROWS(db->read([](ReadTx& tx) { tx.exec("DELETE FROM connectors"); }));  // reads are read-only
}
