// Shared fixtures of the Powens connector tests: a driver over the plugin's C entry point,
// canned Powens payloads, and request builders for the op JSON of sdk/OPS.md.
#pragma once

#include <connectivity/abi.h>
#include <connectivity/testing/fake_host.hpp>

#include <boost/json.hpp>

#include <memory>
#include <string>

extern "C" const cx_connector* cx_connector_entry(uint32_t host_abi_version);

namespace powens_test {

namespace json = boost::json;

inline const cx_connector* descriptor() { return cx_connector_entry(CX_ABI_VERSION); }

/// A complete, valid connector config.
inline json::object valid_config() {
  return {{"name", "powens-test"},
          {"clientID", "client-1"},
          {"clientSecret", "secret-1"},
          {"configurationToken", "config-token"},
          {"domain", "acme"},
          {"endpoint", "https://acme.biapi.pro/"},
          {"maxConnectionsPerLink", 2}};
}

/// A FakeHost plus a created instance.
struct Fixture {
  cx::testing::FakeHost host;
  std::unique_ptr<cx::testing::Driver> driver;
  explicit Fixture(json::object config = valid_config()) {
    driver = std::make_unique<cx::testing::Driver>(descriptor(), host, json::serialize(config));
  }
  cx::testing::Driver& d() { return *driver; }
};

/// The fromPayload of a fetch op for user 42's connection 7 (optionally under a parent item).
inline json::object fetch_request(json::value parent = nullptr, json::value state = nullptr, int page_size = 0) {
  json::object payload{{"psuID", "psu-1"},
                       {"forwardedUser", json::object{{"psuID", "psu-1"},
                                                      {"connectorID", "c1"},
                                                      {"providerUserID", "42"},
                                                      {"accessToken", json::object{{"token", "user-token-42"}}},
                                                      {"metadata", json::object{}}}},
                       {"connection", json::object{{"connectionID", "7"},
                                                   {"createdAt", "2024-01-01T00:00:00Z"},
                                                   {"metadata", json::object{}},
                                                   {"status", "ACTIVE"}}},
                       {"fromPayload", std::move(parent)}};
  json::object req{{"state", std::move(state)}, {"fromPayload", std::move(payload)}};
  if (page_size) req["pageSize"] = page_size;
  return req;
}

/// A Powens currency.
inline std::string currency(const std::string& code, int precision) {
  return R"({"id":")" + code + R"(","symbol":"x","precision":)" + std::to_string(precision) + "}";
}

/// A BankAccount as Powens serializes it (amounts as JSON numbers, text preserved).
inline std::string account_json(int id, const std::string& balance, const std::string& currency_json,
                                const std::string& extra = "") {
  return R"({"id":)" + std::to_string(id) + R"(,"id_user":42,"id_connection":7,"original_name":"Compte )" +
         std::to_string(id) + R"(","name":"Mon compte","iban":"FR7630006000011234567890189","bic":"AGRIFRPP",)" +
         R"("number":"00012345678","type":"checking","usage":"PRIV","balance":)" + balance +
         R"(,"currency":)" + currency_json + R"(,"last_update":"2024-07-01 12:00:00","error":null)" + extra + "}";
}

/// A Transaction as Powens serializes it.
inline std::string tx_json(int id, int account, const std::string& value, bool coming = false,
                           const std::string& extra = "") {
  return R"({"id":)" + std::to_string(id) + R"(,"id_account":)" + std::to_string(account) +
         R"(,"date":"2024-07-01","rdate":"2024-06-30","value":)" + value + R"(,"coming":)" +
         (coming ? "true" : "false") +
         R"(,"original_wording":"CB CARREFOUR 30/06","simplified_wording":"Carrefour","wording":"Courses",)" +
         R"("type":"card","id_category":9998,"last_update":"2024-07-01 08:00:00","deleted":null)" + extra + "}";
}

/// The Account item fetch_accounts produces for a BankAccount (the parent of child fetches).
inline json::value parent_account(int id, const std::string& asset, json::value raw) {
  return json::object{{"reference", std::to_string(id)},
                      {"createdAt", "2024-01-01T00:00:00Z"},
                      {"defaultAsset", asset},
                      {"metadata", json::object{}},
                      {"raw", std::move(raw)}};
}

/// A transactions page body.
inline std::string tx_page(const std::string& txs_csv, const std::string& next_href = "") {
  std::string links = next_href.empty() ? R"({"self":{"href":"x"}})"
                                        : R"({"self":{"href":"x"},"next":{"href":")" + next_href + R"("}})";
  return R"({"transactions":[)" + txs_csv + R"(],"first_date":"2024-01-01","_links":)" + links + "}";
}

/// Finds the response element with key `k` in a translate_webhook output (nullptr if none).
inline const json::value* response_with(const json::value& out, const char* k) {
  for (auto& r : out.at("responses").as_array())
    if (r.as_object().contains(k)) return &r.as_object().at(k);
  return nullptr;
}

}  // namespace powens_test
