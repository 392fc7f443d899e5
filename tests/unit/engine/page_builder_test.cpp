#include "host/engine/page_builder.hpp"

#include <catch2/catch.hpp>

using cx::engine::ItemOwner;
using cx::engine::PageBuilder;

namespace {
ItemOwner owner() {
  cx::ids::ConnectorID c{"generic", "00000000-0000-0000-0000-000000000001"};
  return ItemOwner{cx::ids::encode(c), c, std::nullopt, std::nullopt};
}
}  // namespace

TEST_CASE("payments get ids keyed by parent reference and type; bad items are skipped, the rest kept") {
  PageBuilder b(owner());
  b.add_payments(boost::json::parse(R"([
    {"reference":"tx-1","createdAt":"2024-03-31T00:30:00Z","type":"PAY-IN","amount":"1234","asset":"EUR/2","status":"PENDING",
     "destinationAccountReference":"acc-1"},
    {"reference":"tx-2","parentReference":"tx-1","createdAt":"2024-03-31T01:00:00Z","type":"PAY-IN","amount":"1234","asset":"EUR/2"},
    {"reference":"bad-amount","createdAt":"2024-03-31T00:30:00Z","type":"PAY-IN","amount":"12.34","asset":"EUR/2"},
    {"reference":"negative","createdAt":"2024-03-31T00:30:00Z","type":"PAYOUT","amount":"-5","asset":"EUR/2"},
    {"reference":"bad-asset","createdAt":"2024-03-31T00:30:00Z","type":"PAY-IN","amount":"5","asset":"eur/2"},
    {"reference":"bad-type","createdAt":"2024-03-31T00:30:00Z","type":"PAYIN","amount":"5","asset":"EUR/2"},
    {"reference":"bad-time","createdAt":"yesterday","type":"PAY-IN","amount":"5","asset":"EUR/2"}
  ])"));
  auto& page = b.page();
  REQUIRE(page.payments.size() == 2);
  CHECK(b.rejected() == 5);
  CHECK(page.payments[0].status == "PENDING");
  CHECK(page.payments[0].created_at == 1711845000000);
  CHECK(page.payments[0].destination_account_id == b.account_id("acc-1"));
  // The matured item lands on the same payment as the provisional one, as a new adjustment.
  CHECK(page.payments[1].id == page.payments[0].id);
  CHECK(page.payments[1].adjustment_id != page.payments[0].adjustment_id);
  CHECK(page.payments[1].status == "SUCCEEDED");
}

TEST_CASE("amounts keep their exact digits, whatever their size") {
  PageBuilder b(owner());
  b.add_balances(boost::json::parse(R"([
    {"accountReference":"acc-1","createdAt":"2024-01-01T00:00:00Z","amount":"-000123456789012345678901234567890","asset":"BTC/8"}
  ])"));
  REQUIRE(b.page().balances.size() == 1);
  CHECK(b.page().balances[0].balance == "-123456789012345678901234567890");
}

TEST_CASE("open-banking items resolve their PSU through the provider user id") {
  int lookups = 0;
  PageBuilder b(owner(), [&](const std::string& puid) -> std::optional<std::string> {
    ++lookups;
    return puid == "42" ? std::optional<std::string>("psu-uuid") : std::nullopt;
  });
  b.add_accounts(boost::json::parse(R"([
    {"reference":"a1","createdAt":"2024-01-01T00:00:00Z","providerUserID":"42","connectionID":"7"},
    {"reference":"a2","createdAt":"2024-01-01T00:00:00Z","providerUserID":"42","connectionID":"7"},
    {"reference":"a3","createdAt":"2024-01-01T00:00:00Z","providerUserID":"99"}
  ])"), "INTERNAL");
  auto& a = b.page().accounts;
  REQUIRE(a.size() == 3);
  CHECK(a[0].psu_id == "psu-uuid");
  CHECK(a[0].connection_id == "7");
  CHECK_FALSE(a[2].psu_id);
  CHECK(lookups == 2);  // cached per provider user
}

TEST_CASE("payments to delete name every id the reference can have") {
  PageBuilder b(owner());
  b.add_payments_to_delete(boost::json::parse(R"([{"reference":"tx-9"}])"));
  CHECK(b.page().payment_ids_to_delete.size() == 4);
}
