// A completed sync (store::connections::set_data_updated_at) reports
// OPEN_BANKING_USER_CONNECTION_DATA_SYNCED in the same transaction.
#include "unit/store/test_support.hpp"

#include <catch2/catch.hpp>

using namespace cx::store;
using namespace cx::store::test;

TEST_CASE("a completed sync appends DATA_SYNCED with the PSU and the connection; a rolled-back one does not") {
  TempDir dir;
  TestDb db{dir};
  db->write([](WriteTx& tx) {
    connectors::insert(tx, connector("c1"));
    psus::insert(tx, psu("u1"));
    ConnectionRecord c;
    c.psu_id = "u1";
    c.connector_id = "c1";
    c.connection_id = "42";
    c.created_at = c.updated_at = tx.now();
    connections::upsert(tx, c);
  });
  const int64_t before = count(*db, "events");
  db->write([](WriteTx& tx) { connections::set_data_updated_at(tx, "c1", "42", 5000); });
  CHECK_THROWS(db->write([](WriteTx& tx) {
    connections::set_data_updated_at(tx, "c1", "42", 6000);
    throw std::runtime_error("crash before commit");
  }));
  CHECK_THROWS_AS(db->write([](WriteTx& tx) { connections::set_data_updated_at(tx, "c1", "nope", 7000); }), NotFound);
  db->read([&](ReadTx& tx) {
    auto ev = events::after(tx, 0, 100);
    REQUIRE(static_cast<int64_t>(ev.size()) == before + 1);
    CHECK(ev.back().type == event_type::kConnectionDataSynced);
    CHECK(ev.back().payload == boost::json::parse(R"({"psuID":"u1","connectorID":"c1","connectionID":"42","at":5000})"));
  });
}
