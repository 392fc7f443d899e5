// Amount conversion and object mapping (docs/providers/plaid.md §6, with docs/reference-faults.md §1).
#include "amounts.hpp"
#include "mapping.hpp"

#include <connectivity/json.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace cx::plaid;

namespace json {
using namespace cx::json;
/// Plaid's reading of a body: doubles correctly rounded.
inline std::optional<boost::json::value> parse(std::string_view text) { return parse_exact(text, Numbers::rounded); }
}  // namespace json

namespace {
boost::json::value num(const char* text) { return json::parse_exact(text, json::Numbers::rounded).value(); }

boost::json::object txn(std::string id, const char* amount, bool pending = false, const char* currency = "USD",
                        std::optional<std::string> pending_id = std::nullopt) {
  auto o = json::parse(std::string(R"({"transaction_id":")") + id + R"(","account_id":"acc-1","amount":)" + amount +
                       R"(,"iso_currency_code":)" + (currency ? std::string("\"") + currency + "\"" : "null") +
                       R"(,"unofficial_currency_code":null,"date":"2024-05-02","authorized_date":"2024-05-01",
                          "datetime":null,"authorized_datetime":null,"name":"Coffee","merchant_name":"Blue Bottle",
                          "payment_channel":"in store","pending":)" + (pending ? "true" : "false") +
                       R"(,"pending_transaction_id":null})")
               ->get_object();
  if (pending_id) o["pending_transaction_id"] = *pending_id;
  return o;
}

MapContext ctx() { return MapContext{"item-1", std::string("user-1"), "2024-06-01T00:00:00Z"}; }

/// A tiny model of the host's payment store: upsert by reference, then delete.
struct Store {
  std::map<std::string, cx::Payment> payments;
  void apply(const SyncChanges& c) {
    for (auto& p : c.payments) payments[p.reference] = p;
    for (auto& d : c.to_delete) payments.erase(d.reference);
  }
};

boost::json::object page(boost::json::array added, boost::json::array modified, boost::json::array removed) {
  return boost::json::object{{"added", added}, {"modified", modified}, {"removed", removed},
                             {"next_cursor", "c"}, {"has_more", false}};
}
boost::json::object removed_ref(const char* id) { return {{"transaction_id", id}, {"account_id", "acc-1"}}; }
}  // namespace

TEST_CASE("float artefacts go through the shortest round-trip text", "[amounts]") {
  // 12.300000000000001 is the same double as 12.3; a naive x*100 truncation would give 1229 or 1230.0000000000002.
  CHECK(abs_minor_units(num("12.300000000000001"), 2) == "1230");
  CHECK(abs_minor_units(num("12.3"), 2) == "1230");
  CHECK(abs_minor_units(num("0.29"), 2) == "29");          // 0.29*100 = 28.999999999999996
  CHECK(abs_minor_units(num("1981.3000000000002"), 2) == std::nullopt);  // a distinct double: not exact cents
  CHECK(abs_minor_units(boost::json::value(0.1 + 0.2), 2) == std::nullopt);  // 0.30000000000000004
  CHECK(abs_minor_units(num("-45.1"), 2) == "4510");
  CHECK(minor_units(num("-45.1"), 2) == "-4510");
  CHECK(abs_minor_units(num("7"), 2) == "700");
  CHECK(abs_minor_units(num("1e2"), 2) == "10000");
}

TEST_CASE("more decimals than the currency allows are rejected, not rounded", "[amounts]") {
  CHECK(abs_minor_units(num("1.005"), 2) == std::nullopt);
  CHECK(abs_minor_units(num("1.5"), 0) == std::nullopt);   // JPY has no minor unit
  CHECK(abs_minor_units(num("1500"), 0) == "1500");
  CHECK(abs_minor_units(num("1.005"), 3) == "1005");       // fine at BHD/3
  CHECK(abs_minor_units(boost::json::value(nullptr), 2) == std::nullopt);
  CHECK(abs_minor_units(boost::json::value("12.30"), 2) == std::nullopt);
}

TEST_CASE("currencies: ISO 4217 precision, unofficial codes are unknown", "[amounts]") {
  std::string why;
  auto jpy = currency_of(json::parse_exact(R"({"iso_currency_code":"JPY","unofficial_currency_code":null})", json::Numbers::rounded)->get_object(), &why);
  REQUIRE(jpy);
  CHECK(jpy->asset() == "JPY/0");
  CHECK(currency_of(json::parse_exact(R"({"iso_currency_code":"USD"})", json::Numbers::rounded)->get_object(), &why)->asset() == "USD/2");
  CHECK_FALSE(currency_of(json::parse_exact(R"({"iso_currency_code":null,"unofficial_currency_code":"BTC"})", json::Numbers::rounded)->get_object(), &why));
  CHECK_THAT(why, Catch::Contains("BTC"));
  CHECK_FALSE(currency_of(json::parse_exact(R"({"iso_currency_code":null,"unofficial_currency_code":null})", json::Numbers::rounded)->get_object(), &why));
}

TEST_CASE("transactions: sign gives direction, pending gives status", "[mapping]") {
  Skipped skipped;
  auto out = map_transaction(txn("t-out", "12.300000000000001"), ctx(), skipped);
  REQUIRE(out);
  CHECK(out->type == "PAYOUT");
  CHECK(out->amount == "1230");
  CHECK(out->asset == "USD/2");
  CHECK(out->source_account_reference == "acc-1");
  CHECK_FALSE(out->destination_account_reference);
  CHECK(out->status == "SUCCEEDED");
  CHECK(out->scheme == "OTHER");
  CHECK(out->created_at == "2024-05-01T00:00:00Z");  // authorized_date before date
  CHECK(out->connection_id == "item-1");
  CHECK(out->provider_user_id == "user-1");
  CHECK(out->metadata.at("plaid.merchant_name") == "Blue Bottle");

  auto in = map_transaction(txn("t-in", "-2500.5", true), ctx(), skipped);
  REQUIRE(in);
  CHECK(in->type == "PAY-IN");
  CHECK(in->amount == "250050");
  CHECK(in->destination_account_reference == "acc-1");
  CHECK_FALSE(in->source_account_reference);
  CHECK(in->status == "PENDING");

  auto yen = map_transaction(txn("t-jpy", "1500", false, "JPY"), ctx(), skipped);
  REQUIRE(yen);
  CHECK(yen->amount == "1500");
  CHECK(yen->asset == "JPY/0");
  CHECK(skipped.empty());

  auto t = txn("t-dt", "1");
  t["authorized_datetime"] = "2024-04-30T23:15:00+02:00";
  t["datetime"] = "2024-05-01T10:00:00Z";
  CHECK(map_transaction(t, ctx(), skipped)->created_at == "2024-04-30T21:15:00Z");
}

TEST_CASE("unmappable transactions are skipped with a reason", "[mapping]") {
  Skipped skipped;
  CHECK_FALSE(map_transaction(txn("t-usd", "1.005"), ctx(), skipped));
  CHECK_FALSE(map_transaction(txn("t-jpy", "10.5", false, "JPY"), ctx(), skipped));
  auto btc = txn("t-btc", "0.5", false, nullptr);
  btc["unofficial_currency_code"] = "BTC";
  CHECK_FALSE(map_transaction(btc, ctx(), skipped));
  REQUIRE(skipped.size() == 3);
  CHECK_THAT(skipped[0], Catch::Contains("t-usd") && Catch::Contains("1.005"));
  CHECK_THAT(skipped[2], Catch::Contains("BTC"));
}

TEST_CASE("accounts and balances", "[mapping]") {
  auto acc = json::parse_exact(R"({"account_id":"acc-1","name":"Plaid Checking","official_name":null,"mask":"0000",
      "type":"depository","subtype":"checking","balances":{"available":100,"current":110.1,"limit":null,
      "iso_currency_code":"USD","unofficial_currency_code":null}})", json::Numbers::rounded)->get_object();
  Skipped skipped;
  auto a = map_account(acc, ctx(), skipped);
  REQUIRE(a);
  CHECK(a->reference == "acc-1");
  CHECK(a->default_asset == "USD/2");
  CHECK(a->metadata.at("accountType") == "depository");
  CHECK(a->metadata.at("plaid.subtype") == "checking");
  CHECK(a->metadata.count("plaid.official_name") == 0);
  auto b = map_balance(acc, ctx(), skipped);
  REQUIRE(b);
  CHECK(b->amount == "11010");
  CHECK(b->asset == "USD/2");
  CHECK(b->created_at == "2024-06-01T00:00:00Z");

  auto credit = acc;
  credit["type"] = "credit";
  credit["balances"].as_object()["current"] = 410;
  credit["balances"].as_object()["last_updated_datetime"] = "2024-05-31T08:00:00Z";
  auto cb = map_balance(credit, ctx(), skipped);
  REQUIRE(cb);
  CHECK(cb->amount == "-41000");  // owed
  CHECK(cb->created_at == "2024-05-31T08:00:00Z");

  auto null_balance = acc;
  null_balance["balances"].as_object()["current"] = nullptr;
  CHECK_FALSE(map_balance(null_balance, ctx(), skipped));
  CHECK(map_account(null_balance, ctx(), skipped));  // the account itself is still mapped
  auto btc = acc;
  btc["balances"].as_object()["iso_currency_code"] = nullptr;
  btc["balances"].as_object()["unofficial_currency_code"] = "BTC";
  CHECK_FALSE(map_balance(btc, ctx(), skipped));
  CHECK_FALSE(map_account(btc, ctx(), skipped)->default_asset);
  CHECK(skipped.size() == 2);
}

TEST_CASE("pending -> posted on the same page ends as one SUCCEEDED payment", "[mapping][pending]") {
  Skipped skipped;
  Store store;
  store.apply(fold_sync_page(page({txn("P", "20", true)}, {}, {}), ctx(), skipped));
  REQUIRE(store.payments.at("P").status == "PENDING");
  auto changes = fold_sync_page(page({txn("Q", "23.5", false, "USD", "P")}, {}, {removed_ref("P")}), ctx(), skipped);
  REQUIRE(changes.payments.size() == 1);
  CHECK(changes.payments[0].reference == "Q");
  REQUIRE(changes.to_delete.size() == 1);
  CHECK(changes.to_delete[0].reference == "P");
  store.apply(changes);
  REQUIRE(store.payments.size() == 1);
  CHECK(store.payments.at("Q").status == "SUCCEEDED");
  CHECK(store.payments.at("Q").amount == "2350");  // the tip changed the amount
  CHECK(store.payments.at("Q").metadata.at("plaid.pending_transaction_id") == "P");
}

TEST_CASE("pending -> posted across pages ends as one SUCCEEDED payment in either order", "[mapping][pending]") {
  Skipped skipped;
  SECTION("removal first, posted on the next page") {
    Store store;
    store.apply(fold_sync_page(page({txn("P", "20", true)}, {}, {}), ctx(), skipped));
    store.apply(fold_sync_page(page({}, {}, {removed_ref("P")}), ctx(), skipped));
    CHECK(store.payments.empty());
    store.apply(fold_sync_page(page({txn("Q", "20", false, "USD", "P")}, {}, {}), ctx(), skipped));
    REQUIRE(store.payments.size() == 1);
    CHECK(store.payments.at("Q").status == "SUCCEEDED");
  }
  SECTION("posted first, removal on the next page") {
    Store store;
    store.apply(fold_sync_page(page({txn("P", "20", true)}, {}, {}), ctx(), skipped));
    store.apply(fold_sync_page(page({txn("Q", "20", false, "USD", "P")}, {}, {}), ctx(), skipped));
    REQUIRE(store.payments.size() == 1);  // P is already gone: the posted one names it
    CHECK(store.payments.count("Q") == 1);
    store.apply(fold_sync_page(page({}, {}, {removed_ref("P")}), ctx(), skipped));
    REQUIRE(store.payments.size() == 1);
    CHECK(store.payments.at("Q").status == "SUCCEEDED");
  }
  CHECK(skipped.empty());
}

TEST_CASE("modified transactions update the stored payment; removed wins on one page", "[mapping]") {
  Skipped skipped;
  Store store;
  store.apply(fold_sync_page(page({txn("T", "10")}, {}, {}), ctx(), skipped));
  auto changes = fold_sync_page(page({}, {txn("T", "12.75")}, {}), ctx(), skipped);
  REQUIRE(changes.payments.size() == 1);
  CHECK(changes.to_delete.empty());
  store.apply(changes);
  CHECK(store.payments.at("T").amount == "1275");

  auto both = fold_sync_page(page({}, {txn("T", "13")}, {removed_ref("T")}), ctx(), skipped);
  CHECK(both.payments.empty());
  REQUIRE(both.to_delete.size() == 1);
  store.apply(both);
  CHECK(store.payments.empty());
}

TEST_CASE("one bad transaction does not hide the rest of the page", "[mapping]") {
  Skipped skipped;
  auto changes = fold_sync_page(page({txn("A", "1.005"), txn("B", "1.01")}, {}, {}), ctx(), skipped);
  REQUIRE(changes.payments.size() == 1);
  CHECK(changes.payments[0].reference == "B");
  CHECK(skipped.size() == 1);
}
