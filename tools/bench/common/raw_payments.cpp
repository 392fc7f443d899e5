#include "tools/bench/common/raw_payments.hpp"

#include "host/store/amount_key.hpp"
#include "host/store/connection.hpp"
#include "host/util/encoding.hpp"

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

namespace cx::bench {

using namespace cx::store;

crypto::MasterKey bench_key() {
  uint8_t k[32];
  for (int i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(i * 13 + 5);
  return crypto::MasterKey::from_bytes(k, sizeof k);
}

ConnectorRecord bench_connector() {
  ConnectorRecord c;
  c.id = util::base64url_encode(R"({"Provider":"generic","Reference":"00000000-0000-0000-0000-000000000001"})");
  c.reference = "00000000-0000-0000-0000-000000000001";
  c.name = "bench";
  c.provider = "generic";
  c.config = boost::json::object{{"name", "bench"}, {"apiKey", "k"}, {"endpoint", "http://127.0.0.1:1"}};
  return c;
}

std::vector<PaymentWrite> make_payments(const std::string& connector_id, int n, References refs) {
  std::vector<PaymentWrite> out(static_cast<size_t>(std::max(0, n)));
  std::mt19937_64 rng(42);
  for (int i = 0; i < n; ++i) {
    PaymentWrite& p = out[static_cast<size_t>(i)];
    std::string ref = "tx_" + std::to_string(1'000'000 + i);
    if (refs == References::Random) {
      char hex[24];
      std::snprintf(hex, sizeof hex, "txn_%012llx", static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFull));
      ref = hex;
    }
    p.id = util::base64url_encode(R"({"ConnectorID":")" + connector_id + R"(","Reference":")" + ref +
                                  R"(","Type":"PAY-IN"})");
    p.adjustment_id = util::base64url_encode(p.id + "/" + ref + "/SUCCEEDED");
    p.connector_id = connector_id;
    p.reference = ref;
    p.adjustment_reference = ref;
    p.type = "PAY-IN";
    p.amount = std::to_string(100 + (i * 7919) % 1'000'000);
    p.asset = "EUR/2";
    p.scheme = "SEPA";
    p.status = "SUCCEEDED";
    p.source_account_id = "acc-src-" + std::to_string(i % 50);
    p.destination_account_id = "acc-dst-" + std::to_string(i % 7);
    p.created_at = 1'700'000'000'000 + i * 1000LL;
    p.raw_json = R"({"id":")" + ref + R"(","amount":")" + p.amount +
                 R"(","currency":"EUR","status":"succeeded","createdAt":"2024-01-01T00:00:00Z",)"
                 R"("sourceAccountID":")" + *p.source_account_id + R"(","destinationAccountID":")" +
                 *p.destination_account_id +
                 R"(","description":"Card payment at a shop with a fairly long label","metadata":{"channel":"web",)"
                 R"("terminal":"T-1234","mcc":"5411"}})";
  }
  return out;
}

double raw_insert_payments(const std::filesystem::path& path, const std::vector<PaymentWrite>& items, int page_size) {
  if (page_size < 1) page_size = 1;
  {
    // Our schema, created by the store itself, with the connector row the payments reference.
    DatabaseOptions o;
    o.path = path;
    Database db(o, bench_key());
    db.write([](WriteTx& tx) { connectors::insert(tx, bench_connector()); });
  }
  SQLite::Database db(path.string(), connection_open_flags(true));
  // The store writer's connection settings.
  for (const auto& pragma : connection_pragmas(true)) db.exec(pragma);
  std::vector<std::string> amount_keys;
  amount_keys.reserve(items.size());
  for (const auto& p : items) amount_keys.push_back(amount_sort_key(p.amount));
  SQLite::Statement pay(db,
                        "INSERT INTO payments (id, connector_id, reference, type, initial_amount, initial_amount_key, "
                        "amount, amount_key, asset, scheme, status, status_at, source_account_id, "
                        "destination_account_id, psu_id, connection_id, metadata, created_at, updated_at) VALUES (?, ?, "
                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, '{}', ?, ?)");
  SQLite::Statement adj(db,
                        "INSERT INTO payment_adjustments (id, payment_id, reference, created_at, status, amount, asset, "
                        "metadata, raw) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)");
  const size_t page = static_cast<size_t>(page_size);
  auto start = std::chrono::steady_clock::now();
  for (size_t first = 0; first < items.size(); first += page) {
    db.exec("BEGIN IMMEDIATE");
    size_t last = std::min(items.size(), first + page);
    for (size_t i = first; i < last; ++i) {
      const PaymentWrite& p = items[i];
      pay.bind(1, p.id);
      pay.bind(2, p.connector_id);
      pay.bind(3, p.reference);
      pay.bind(4, p.type);
      pay.bind(5, p.amount);
      pay.bind(6, amount_keys[i]);
      pay.bind(7, p.amount);
      pay.bind(8, amount_keys[i]);
      pay.bind(9, p.asset);
      pay.bind(10, p.scheme);
      pay.bind(11, p.status);
      pay.bind(12, p.created_at);
      pay.bind(13, *p.source_account_id);
      pay.bind(14, *p.destination_account_id);
      pay.bind(15, p.created_at);
      pay.bind(16, p.created_at);
      pay.exec();
      pay.reset();
      adj.bind(1, p.adjustment_id);
      adj.bind(2, p.id);
      adj.bind(3, p.adjustment_reference);
      adj.bind(4, p.created_at);
      adj.bind(5, p.status);
      adj.bind(6, p.amount);
      adj.bind(7, p.asset);
      adj.bind(8, p.raw_json.data(), static_cast<int>(p.raw_json.size()));
      adj.exec();
      adj.reset();
    }
    db.exec("COMMIT");
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return elapsed > 0 ? static_cast<double>(items.size()) / elapsed : 0.0;
}

}  // namespace cx::bench
