// Mapping of the generic API's items to the neutral model, through the C ABI.
#include "fake_service.hpp"

using cx::testing::Driver;
using cx::testing::FakeHost;
using gtest::tx;

namespace {

/// Serves `items` as one short page of `op` and returns the op's response.
boost::json::object fetch_one(FakeHost& host, cx::testing::Driver::Slot op, const boost::json::array& items) {
  host.push_response(200, boost::json::serialize(items));
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  return d.call_ok(op, R"({"state":null,"fromPayload":null,"pageSize":50})"sv).as_object();
}

boost::json::array payments(FakeHost& host, const boost::json::array& items) {
  return fetch_one(host, &cx_connector::fetch_payments, items).at("payments").as_array();
}

std::vector<std::string> warnings(const FakeHost& host) {
  std::vector<std::string> w;
  for (auto& [level, msg] : host.logs())
    if (level == CX_LOG_WARN) w.push_back(msg);
  return w;
}

boost::json::object with(boost::json::object o, const char* key, boost::json::value v) {
  o[key] = std::move(v);
  return o;
}

}  // namespace

TEST_CASE("mapping: a transaction maps field by field") {
  FakeHost host;
  auto item = boost::json::parse(R"({"id":"tx_42","relatedTransactionID":"tx_1","createdAt":"2024-03-31T02:30:00+02:00",
    "updatedAt":"2024-03-31T09:00:00Z","currency":"EUR/2","scheme":"SEPA_CREDIT","type":"PAYOUT","status":"SUCCEEDED",
    "amount":"0012345","sourceAccountID":"acc_1","destinationAccountID":"ben_7",
    "metadata":{"invoice":"INV-9","count":3,"nested":{"a":true}}})").as_object();
  auto out = payments(host, {item});
  REQUIRE(out.size() == 1);
  auto expected = boost::json::parse(R"({"reference":"tx_42","createdAt":"2024-03-31T00:30:00Z","type":"PAYOUT",
    "amount":"12345","asset":"EUR/2","scheme":"SEPA_CREDIT","status":"SUCCEEDED",
    "metadata":{"count":"3","invoice":"INV-9","nested":"{\"a\":true}"},"parentReference":"tx_1",
    "sourceAccountReference":"acc_1","destinationAccountReference":"ben_7"})").as_object();
  expected["raw"] = item;
  CHECK(out[0] == expected);
  CHECK(warnings(host).empty());
}

TEST_CASE("mapping: transaction types") {
  struct Case { const char* in; const char* out; };
  auto c = GENERATE(Case{"PAYIN", "PAY-IN"}, Case{"PAYOUT", "PAYOUT"}, Case{"TRANSFER", "TRANSFER"}, Case{"OTHER", "OTHER"});
  FakeHost host;
  auto out = payments(host, {with(tx("t", "2024-01-01T00:00:00Z"), "type", c.in)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].at("type") == c.out);
}

TEST_CASE("mapping: every TransactionStatus maps one to one") {
  const char* s = GENERATE("PENDING", "SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED", "REFUNDED", "REFUNDED_FAILURE",
                           "REFUND_REVERSED", "DISPUTE", "DISPUTE_WON", "DISPUTE_LOST", "AUTHORISATION", "CAPTURE",
                           "CAPTURE_FAILED", "OTHER");
  FakeHost host;
  auto out = payments(host, {tx("t", "2024-01-01T00:00:00Z", s)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].at("status") == s);
}

TEST_CASE("mapping: a bad item is rejected with a logged reason and the rest of the page is stored") {
  struct Case { const char* key; boost::json::value value; const char* reason; };
  auto c = GENERATE(Case{"amount", "12.34", "amount"}, Case{"amount", "", "amount"}, Case{"amount", "1e3", "amount"},
                    Case{"amount", " 100", "amount"}, Case{"amount", "+100", "amount"}, Case{"amount", "-100", "negative"},
                    Case{"amount", 100, "amount"}, Case{"amount", nullptr, "amount is missing"},
                    Case{"currency", "usd/2", "currency"}, Case{"currency", "EUR/-1", "currency"},
                    Case{"currency", "EUR/2/1", "currency"}, Case{"currency", "", "currency"},
                    Case{"currency", "EUR/1234567", "currency"}, Case{"type", "REFUND", "type \"REFUND\""},
                    Case{"type", "payin", "type"}, Case{"status", "SETTLED", "status \"SETTLED\""},
                    Case{"status", nullptr, "status is missing"}, Case{"createdAt", "yesterday", "createdAt"},
                    Case{"createdAt", "2024-01-01T10:00:00", "createdAt"}, Case{"metadata", "x", "metadata"},
                    Case{"metadata", boost::json::array{}, "metadata"}, Case{"relatedTransactionID", 5, "relatedTransactionID"});
  FakeHost host;
  auto out = payments(host, {tx("good1", "2024-01-01T00:00:00Z"), with(tx("bad", "2024-01-01T00:00:01Z"), c.key, c.value),
                             tx("good2", "2024-01-01T00:00:02Z")});
  INFO(c.key << " = " << boost::json::serialize(c.value));
  REQUIRE(out.size() == 2);
  CHECK(out[0].at("reference") == "good1");
  CHECK(out[1].at("reference") == "good2");
  auto w = warnings(host);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("\"bad\"") != std::string::npos);
  CHECK(w[0].find(c.reason) != std::string::npos);
}

TEST_CASE("mapping: items without a usable id or timestamp are rejected and do not block paging") {
  FakeHost host;
  boost::json::object no_id = tx("x", "2024-01-01T00:00:01Z");
  no_id.erase("id");
  auto out = fetch_one(host, &cx_connector::fetch_payments,
                       {tx("a", "2024-01-01T00:00:00Z"), no_id, with(tx("b", "x"), "updatedAt", "not a date"), 42,
                        tx("c", "2024-01-01T00:00:02Z")});
  auto list = out.at("payments").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[1].at("reference") == "c");
  CHECK(warnings(host).size() == 3);
  CHECK(out.at("newState").at("watermark") == "2024-01-01T00:00:02Z");
}

TEST_CASE("mapping: a rejected item counts as read, so the next poll does not stall on it") {
  FakeHost host;
  gtest::FakeService service;
  host.on_http([&](const cx::HttpRequest& r) { return service.handle(r); });
  service.transaction(with(tx("bad", "2024-01-01T00:00:05Z"), "amount", "12.34"));
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  gtest::Poller p(d, &cx_connector::fetch_payments, "payments", 10);
  CHECK(p.poll().empty());
  // The service fixes the item: a new updatedAt brings it back, now valid.
  service.transaction(tx("bad", "2024-01-01T00:00:09Z"));
  auto again = p.poll();
  REQUIRE(again.size() == 1);
  CHECK(again[0].at("amount") == "100");
}

TEST_CASE("mapping: amounts are kept exactly at any magnitude, leading zeros dropped") {
  FakeHost host;
  auto out = payments(host, {with(tx("big", "2024-01-01T00:00:00Z"), "amount", "123456789012345678901234567890"),
                             with(tx("zero", "2024-01-01T00:00:01Z"), "amount", "000"),
                             with(tx("padded", "2024-01-01T00:00:02Z"), "amount", "0042")});
  REQUIRE(out.size() == 3);
  CHECK(out[0].at("amount") == "123456789012345678901234567890");
  CHECK(out[1].at("amount") == "0");
  CHECK(out[2].at("amount") == "42");
}

TEST_CASE("mapping: assets keep their precision; a bare code is precision 0 written /0") {
  struct Case { const char* in; const char* out; };
  auto c = GENERATE(Case{"USD/2", "USD/2"}, Case{"BTC/8", "BTC/8"}, Case{"JPY/0", "JPY/0"}, Case{"JPY", "JPY/0"},
                    Case{"COIN", "COIN/0"}, Case{"USDC_ETH/6", "USDC_ETH/6"});
  FakeHost host;
  auto out = payments(host, {with(tx("t", "2024-01-01T00:00:00Z"), "currency", c.in)});
  REQUIRE(out.size() == 1);
  CHECK(out[0].at("asset") == c.out);
}

TEST_CASE("mapping: optional transaction fields") {
  FakeHost host;
  auto bare = tx("t1", "2024-01-01T00:00:00Z");
  auto empty_refs = with(with(with(tx("t2", "2024-01-01T00:00:01Z"), "relatedTransactionID", ""), "sourceAccountID", nullptr),
                         "scheme", "WIRE");
  auto out = payments(host, {bare, empty_refs});
  REQUIRE(out.size() == 2);
  for (auto& p : out) {
    CHECK_FALSE(p.as_object().contains("parentReference"));
    CHECK_FALSE(p.as_object().contains("sourceAccountReference"));
    CHECK_FALSE(p.as_object().contains("destinationAccountReference"));
    CHECK(p.at("scheme") == "OTHER");
    CHECK(p.at("metadata") == boost::json::object{});
  }
}

TEST_CASE("mapping: accounts and beneficiaries") {
  FakeHost host;
  auto account = boost::json::parse(R"({"id":"acc_1","accountName":"Operating EUR","createdAt":"2024-01-01T00:00:00.5Z",
    "metadata":{"iban":"FR76"}})").as_object();
  auto no_name = boost::json::parse(R"({"id":"acc_2","createdAt":"2024-01-01T00:00:01Z"})").as_object();
  auto accounts = fetch_one(host, &cx_connector::fetch_accounts, {account, no_name}).at("accounts").as_array();
  REQUIRE(accounts.size() == 1);
  auto expected = boost::json::parse(R"({"reference":"acc_1","createdAt":"2024-01-01T00:00:00.500Z","name":"Operating EUR",
    "metadata":{"iban":"FR76"}})").as_object();
  expected["raw"] = account;
  CHECK(accounts[0] == expected);  // no defaultAsset: the API has none
  REQUIRE(warnings(host).size() == 1);
  CHECK(warnings(host)[0].find("accountName is missing") != std::string::npos);

  FakeHost host2;
  auto ben = boost::json::parse(R"({"id":"ben_1","ownerName":"Alice Martin","createdAt":"2024-02-01T00:00:00Z","metadata":null})").as_object();
  auto bens = fetch_one(host2, &cx_connector::fetch_external_accounts, {ben}).at("externalAccounts").as_array();
  REQUIRE(bens.size() == 1);
  CHECK(bens[0].at("reference") == "ben_1");
  CHECK(bens[0].at("name") == "Alice Martin");
  CHECK(bens[0].at("metadata") == boost::json::object{});
}

TEST_CASE("mapping: balances keep signed amounts, reject bad entries one by one") {
  FakeHost host;
  host.push_response(200, R"({"id":"b","accountID":"acc_1","at":"2024-05-01T10:00:00Z","balances":[
    {"amount":"-250","currency":"EUR/2"},{"amount":"1.5","currency":"USD/2"},{"amount":"9","currency":"eur"},
    "junk",{"amount":"77","currency":"GBP/2"}]})");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  auto out = d.call_ok(&cx_connector::fetch_balances, R"({"fromPayload":{"reference":"acc_1"}})"sv).as_object();
  auto list = out.at("balances").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("amount") == "-250");
  CHECK(list[1].at("asset") == "GBP/2");
  CHECK(warnings(host).size() == 3);
}

TEST_CASE("mapping: balances without a readable `at` are all rejected, with a warning") {
  FakeHost host;
  host.push_response(200, R"({"id":"b","accountID":"acc_1","balances":[{"amount":"1","currency":"EUR/2"}]})");
  Driver d(cx_connector_entry(CX_ABI_VERSION), host, gtest::kConfig);
  auto out = d.call_ok(&cx_connector::fetch_balances, R"({"fromPayload":{"reference":"acc_1"}})"sv).as_object();
  CHECK(out.at("balances").as_array().empty());
  REQUIRE(warnings(host).size() == 1);
  CHECK(warnings(host)[0].find("at is missing") != std::string::npos);
}
