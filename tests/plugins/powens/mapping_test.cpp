// The mapping rules of issue 5, observed through the ops as the daemon calls them.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using namespace powens_test;

namespace {

json::object fetch_payments_of(Fixture& f, const std::string& asset, const std::string& txs) {
  f.host.push_response(200, tx_page(txs));
  return f.d().call_ok(&cx_connector::fetch_payments, fetch_request(parent_account(5, asset, json::object{}))).as_object();
}

const json::object* payment(const json::object& out, const std::string& ref) {
  for (auto& p : out.at("payments").as_array())
    if (p.at("reference") == ref.c_str()) return &p.as_object();
  return nullptr;
}

bool logged_error_about(const cx::testing::FakeHost& h, const std::string& needle) {
  for (auto& [level, msg] : h.logs())
    if (level == CX_LOG_ERROR && msg.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("amounts: exact at precision 2 (EUR), 0 (JPY) and 3 (KWD), never through a double") {
  Fixture f;
  auto eur = fetch_payments_of(f, "EUR/2",
                               tx_json(1, 5, "-12.5") + "," + tx_json(2, 5, "1234.56") + "," + tx_json(3, 5, "0.1") + "," +
                                   tx_json(4, 5, "\"123.45\"") + "," + tx_json(5, 5, "1e-2") + "," +
                                   tx_json(6, 5, "-20") + "," + tx_json(7, 5, "92233720368547758.07"));
  CHECK(payment(eur, "1")->at("amount") == "1250");
  CHECK(payment(eur, "2")->at("amount") == "123456");
  CHECK(payment(eur, "3")->at("amount") == "10");
  CHECK(payment(eur, "4")->at("amount") == "12345");
  CHECK(payment(eur, "5")->at("amount") == "1");
  CHECK(payment(eur, "6")->at("amount") == "2000");
  CHECK(payment(eur, "7")->at("amount") == "9223372036854775807");
  CHECK(payment(eur, "1")->at("asset") == "EUR/2");

  auto jpy = fetch_payments_of(f, "JPY/0", tx_json(10, 5, "-1500") + "," + tx_json(11, 5, "250.0"));
  CHECK(payment(jpy, "10")->at("amount") == "1500");
  CHECK(payment(jpy, "11")->at("amount") == "250");
  CHECK(payment(jpy, "10")->at("asset") == "JPY/0");

  auto kwd = fetch_payments_of(f, "KWD/3", tx_json(20, 5, "-1.234") + "," + tx_json(21, 5, "7.5"));
  CHECK(payment(kwd, "20")->at("amount") == "1234");
  CHECK(payment(kwd, "21")->at("amount") == "7500");
}

TEST_CASE("amounts: more decimals than the precision rejects that item only, with a logged error") {
  Fixture f;
  auto out = fetch_payments_of(f, "EUR/2",
                               tx_json(1, 5, "12.345") + "," + tx_json(2, 5, "-3.50") + "," + tx_json(3, 5, "null") +
                                   "," + tx_json(4, 5, "\"12,50\"") + "," + tx_json(5, 5, "\"abc\""));
  CHECK(payment(out, "1") == nullptr);
  CHECK(payment(out, "3") == nullptr);
  CHECK(payment(out, "4") == nullptr);
  CHECK(payment(out, "5") == nullptr);
  REQUIRE(payment(out, "2") != nullptr);
  CHECK(payment(out, "2")->at("amount") == "350");
  CHECK(logged_error_about(f.host, "transaction 1 rejected"));
  CHECK(logged_error_about(f.host, "12.345"));
  CHECK(logged_error_about(f.host, "transaction 3 rejected"));

  auto jpy = fetch_payments_of(f, "JPY/0", tx_json(6, 5, "10.5") + "," + tx_json(7, 5, "10"));
  CHECK(payment(jpy, "6") == nullptr);
  CHECK(payment(jpy, "7") != nullptr);
  auto kwd = fetch_payments_of(f, "KWD/3", tx_json(8, 5, "1.2345"));
  CHECK(kwd.at("payments").as_array().empty());
}

TEST_CASE("direction: positive amounts, PAY-IN to the account, PAYOUT from it") {
  Fixture f;
  auto out = fetch_payments_of(f, "EUR/2", tx_json(1, 5, "-42.10") + "," + tx_json(2, 5, "2500.00") + "," + tx_json(3, 5, "0"));
  auto& out1 = *payment(out, "1");
  CHECK(out1.at("type") == "PAYOUT");
  CHECK(out1.at("amount") == "4210");
  CHECK(out1.at("sourceAccountReference") == "5");
  CHECK_FALSE(out1.contains("destinationAccountReference"));
  auto& in = *payment(out, "2");
  CHECK(in.at("type") == "PAY-IN");
  CHECK(in.at("destinationAccountReference") == "5");
  CHECK_FALSE(in.contains("sourceAccountReference"));
  CHECK(payment(out, "3")->at("type") == "PAY-IN");
  CHECK(in.at("scheme") == "OTHER");
  CHECK(in.at("providerUserID") == "42");
  CHECK(in.at("connectionID") == "7");
}

TEST_CASE("status: coming:true is PENDING, coming:false SUCCEEDED") {
  Fixture f;
  auto out = fetch_payments_of(f, "EUR/2", tx_json(1, 5, "-5", true) + "," + tx_json(2, 5, "-5", false));
  CHECK(payment(out, "1")->at("status") == "PENDING");
  CHECK(payment(out, "2")->at("status") == "SUCCEEDED");
}

TEST_CASE("provisional -> permanent: the deleted provisional row becomes a PaymentToDelete") {
  Fixture f;
  // Pass 1: the provisional row 100 is pending.
  auto first = fetch_payments_of(f, "EUR/2", tx_json(100, 5, "-19.99", true));
  CHECK(payment(first, "100")->at("status") == "PENDING");
  CHECK(first.at("paymentsToDelete").as_array().empty());
  // Pass 2: Powens deleted 100 and booked the same operation as 101.
  auto second = fetch_payments_of(f, "EUR/2",
                                  tx_json(100, 5, "-19.99", true, R"(,"deleted":"2024-07-03 09:00:00")") + "," +
                                      tx_json(101, 5, "-19.99", false));
  CHECK(payment(second, "100") == nullptr);
  REQUIRE(second.at("paymentsToDelete").as_array().size() == 1);
  CHECK(second.at("paymentsToDelete").as_array()[0].at("reference") == "100");
  CHECK(payment(second, "101")->at("status") == "SUCCEEDED");
  // Variant: the same id flips to booked: same reference, now SUCCEEDED.
  auto flip = fetch_payments_of(f, "EUR/2", tx_json(100, 5, "-19.99", false));
  CHECK(payment(flip, "100")->at("status") == "SUCCEEDED");
  CHECK(flip.at("paymentsToDelete").as_array().empty());
}

TEST_CASE("payment metadata under com.powens.spec/") {
  Fixture f;
  auto out = fetch_payments_of(f, "EUR/2", tx_json(1, 5, "-5"));
  auto& m = payment(out, "1")->at("metadata").as_object();
  CHECK(m.at("com.powens.spec/transaction_id") == "1");
  CHECK(m.at("com.powens.spec/category_id") == "9998");
  CHECK(m.at("com.powens.spec/description") == "Courses");
  CHECK(m.at("com.powens.spec/original_wording") == "CB CARREFOUR 30/06");
  CHECK(m.at("com.powens.spec/simplified_wording") == "Carrefour");
  CHECK(m.at("com.powens.spec/last_update") == "2024-07-01 08:00:00");
  CHECK(m.at("com.powens.spec/type") == "card");
}

TEST_CASE("accounts: reference, original_name, currency asset, metadata and errors") {
  Fixture f;
  f.host.push_response(200, R"({"accounts":[)" + account_json(5, "1234.56", currency("EUR", 2)) + "," +
                                account_json(6, "150000", currency("JPY", 0), R"(,"error":"wrongpass")") + "," +
                                account_json(8, "12.345", currency("KWD", 3)) + R"(],"total":3})");
  auto out = f.d().call_ok(&cx_connector::fetch_accounts, fetch_request()).as_object();
  auto& accounts = out.at("accounts").as_array();
  REQUIRE(accounts.size() == 3);
  auto& a = accounts[0].as_object();
  CHECK(a.at("reference") == "5");
  CHECK(a.at("name") == "Compte 5");
  CHECK(a.at("defaultAsset") == "EUR/2");
  CHECK(a.at("providerUserID") == "42");
  CHECK(a.at("connectionID") == "7");
  auto& m = a.at("metadata").as_object();
  CHECK(m.at("com.powens.spec/account_id") == "5");
  CHECK(m.at("com.powens.spec/iban") == "FR7630006000011234567890189");
  CHECK(m.at("com.powens.spec/bic") == "AGRIFRPP");
  CHECK(m.at("com.powens.spec/account_number") == "00012345678");
  CHECK(m.at("com.powens.spec/name") == "Mon compte");
  CHECK(m.at("com.powens.spec/type") == "checking");
  CHECK(m.at("com.powens.spec/usage") == "PRIV");
  CHECK_FALSE(m.contains("com.powens.spec/error"));
  CHECK(accounts[1].at("defaultAsset") == "JPY/0");
  CHECK(accounts[1].at("metadata").at("com.powens.spec/error") == "wrongpass");
  CHECK(accounts[2].at("defaultAsset") == "KWD/3");
  // The request used the PSU's user token on the connection's accounts.
  auto& req = f.host.requests().back();
  CHECK(req.url == "https://acme.biapi.pro/2.0/users/me/connections/7/accounts");
  bool bearer = false;
  for (auto& [k, v] : req.headers) bearer |= k == "Authorization" && v == "Bearer user-token-42";
  CHECK(bearer);
}

TEST_CASE("balances: from the account payload, exact, as of last_update in UTC, no extra call") {
  Fixture f;
  // The parent item is what fetch_accounts produced (the host hands it back as fromPayload).
  f.host.push_response(200, R"({"accounts":[)" + account_json(5, "-1234.5", currency("EUR", 2)) + "," +
                                account_json(6, "10.125", currency("KWD", 3)) + "," +
                                account_json(7, "10.125", currency("EUR", 2)) + "," +
                                account_json(8, "null", currency("EUR", 2)) + "]}");
  auto accounts = f.d().call_ok(&cx_connector::fetch_accounts, fetch_request()).at("accounts").as_array();
  REQUIRE(accounts.size() == 4);
  size_t calls = f.host.requests().size();
  auto balance_of = [&](const json::value& account) {
    // Round-trip through text, as the host stores and returns the parent item.
    auto parent = json::parse(json::serialize(account));
    return f.d().call_ok(&cx_connector::fetch_balances, fetch_request(parent)).at("balances").as_array();
  };
  auto eur = balance_of(accounts[0]);
  REQUIRE(eur.size() == 1);
  CHECK(eur[0].at("accountReference") == "5");
  CHECK(eur[0].at("amount") == "-123450");
  CHECK(eur[0].at("asset") == "EUR/2");
  CHECK(eur[0].at("createdAt") == "2024-07-01T10:00:00Z");
  CHECK(eur[0].at("providerUserID") == "42");
  CHECK(eur[0].at("connectionID") == "7");
  auto kwd = balance_of(accounts[1]);
  REQUIRE(kwd.size() == 1);
  CHECK(kwd[0].at("amount") == "10125");
  CHECK(kwd[0].at("asset") == "KWD/3");
  CHECK(balance_of(accounts[2]).empty());  // 3 decimals in EUR: rejected, not rounded
  CHECK(balance_of(accounts[3]).empty());  // balance null
  CHECK(f.host.requests().size() == calls);  // balances never call Powens
}

TEST_CASE("external accounts: counterparties identified by Powens, once each") {
  Fixture f;
  std::string cp = R"(,"counterparty":{"label":"EDF","account_scheme_name":"iban","account_identification":"FR7612345000019876543210987","type":"creditor"})";
  std::string cp2 = R"(,"counterparty":{"label":"ACME SAS","account_scheme_name":"bban","account_identification":"30004000031234567890143","type":"debtor"})";
  f.host.push_response(200, tx_page(tx_json(1, 5, "-60", false, cp) + "," + tx_json(2, 5, "-61", false, cp) + "," +
                                    tx_json(3, 5, "2000", false, cp2) + "," + tx_json(4, 5, "-5")));
  auto out = f.d().call_ok(&cx_connector::fetch_external_accounts,
                           fetch_request(parent_account(5, "EUR/2", json::object{}))).as_object();
  auto& ext = out.at("externalAccounts").as_array();
  REQUIRE(ext.size() == 2);
  CHECK(ext[0].at("reference") == "FR7612345000019876543210987");
  CHECK(ext[0].at("name") == "EDF");
  CHECK(ext[0].at("metadata").at("com.powens.spec/iban") == "FR7612345000019876543210987");
  CHECK(ext[0].at("metadata").at("com.powens.spec/counterparty_id") == "FR7612345000019876543210987");
  CHECK(ext[0].at("metadata").at("com.powens.spec/name") == "EDF");
  CHECK(ext[1].at("metadata").at("com.powens.spec/account_number") == "30004000031234567890143");
  CHECK_FALSE(ext[1].at("metadata").as_object().contains("com.powens.spec/iban"));
}
