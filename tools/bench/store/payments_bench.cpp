// (a) Payments: the repository path the engine takes for a fetched page (validation, payment
// insert-once, adjustment insert-once, AES-GCM sealing of the raw payload, SAVED_PAYMENT event,
// fetch state) against raw prepared INSERTs of the same payment and adjustment rows into the same
// schema, with the raw payload in clear and every value precomputed. One transaction per page.
#include "tools/bench/store/bench.hpp"

#include "host/store/amount_key.hpp"
#include "host/store/store.hpp"
#include "host/util/encoding.hpp"

#include <SQLiteCpp/Database.h>

#include <vector>

namespace cx::bench {
namespace {

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

// Payments shaped like a generic connector's: encoded ids, a ~350-byte provider payload.
std::vector<PaymentWrite> make_payments(const std::string& connector_id, int n) {
  std::vector<PaymentWrite> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    PaymentWrite& p = out[static_cast<size_t>(i)];
    std::string ref = "tx_" + std::to_string(1'000'000 + i);
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

// The bound values of one payment row and its adjustment, computed before the clock starts.
struct RawRow {
  const PaymentWrite* p;
  std::string amount_key;
};

double raw_inserts(const std::filesystem::path& path, const std::vector<PaymentWrite>& items, int page_size) {
  {
    // Same schema and connector row as the repository run.
    DatabaseOptions o;
    o.path = path;
    Database db(o, bench_key());
    db.write([](WriteTx& tx) { connectors::insert(tx, bench_connector()); });
  }
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA foreign_keys=ON");
  db.exec("PRAGMA secure_delete=ON");
  std::vector<RawRow> rows;
  rows.reserve(items.size());
  for (const auto& p : items) rows.push_back({&p, amount_sort_key(p.amount)});
  SQLite::Statement pay(db,
                        "INSERT INTO payments (id, connector_id, reference, type, initial_amount, initial_amount_key, "
                        "amount, amount_key, asset, scheme, status, status_at, source_account_id, "
                        "destination_account_id, psu_id, connection_id, metadata, created_at, updated_at) VALUES (?, ?, "
                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, '{}', ?, ?)");
  SQLite::Statement adj(db,
                        "INSERT INTO payment_adjustments (id, payment_id, reference, created_at, status, amount, asset, "
                        "metadata, raw) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)");
  auto start = std::chrono::steady_clock::now();
  for (size_t first = 0; first < rows.size(); first += static_cast<size_t>(page_size)) {
    db.exec("BEGIN IMMEDIATE");
    size_t last = std::min(rows.size(), first + static_cast<size_t>(page_size));
    for (size_t i = first; i < last; ++i) {
      const PaymentWrite& p = *rows[i].p;
      pay.bind(1, p.id);
      pay.bind(2, p.connector_id);
      pay.bind(3, p.reference);
      pay.bind(4, p.type);
      pay.bind(5, p.amount);
      pay.bind(6, rows[i].amount_key);
      pay.bind(7, p.amount);
      pay.bind(8, rows[i].amount_key);
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
  return static_cast<double>(items.size()) / seconds_since(start);
}

std::vector<FetchedPage> make_pages(const std::string& connector_id, const std::vector<PaymentWrite>& items,
                                    int page_size) {
  std::vector<FetchedPage> pages;
  for (size_t first = 0; first < items.size(); first += static_cast<size_t>(page_size)) {
    FetchedPage page;
    page.connector_id = connector_id;
    size_t last = std::min(items.size(), first + static_cast<size_t>(page_size));
    page.payments.assign(items.begin() + static_cast<long>(first), items.begin() + static_cast<long>(last));
    page.state_key = "FETCH_PAYMENTS";
    page.new_state = boost::json::object{{"lastCreatedAt", page.payments.back().created_at}};
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace

double payments_bench(const std::filesystem::path& dir, int total, int page_size) {
  const std::string connector_id = bench_connector().id;
  auto items = make_payments(connector_id, total);
  auto pages = make_pages(connector_id, items, page_size);

  double raw = raw_inserts(dir / "raw.db", items, page_size);

  DatabaseOptions o;
  o.path = dir / "repo.db";
  Database db(o, bench_key());
  db.write([](WriteTx& tx) { connectors::insert(tx, bench_connector()); });
  int changed = 0;
  auto start = std::chrono::steady_clock::now();
  for (const auto& page : pages) changed += db.write([&](WriteTx& tx) { return store_fetched_page(tx, page); }).payments_inserted;
  double repo = static_cast<double>(total) / seconds_since(start);
  if (changed != total) std::fprintf(stderr, "bench: expected %d new payments, stored %d\n", total, changed);

  // A replay of every page (a restarted fetch) must change nothing; its speed is informative.
  start = std::chrono::steady_clock::now();
  int replayed = 0;
  for (const auto& page : pages) {
    auto r = db.write([&](WriteTx& tx) { return store_fetched_page(tx, page); });
    replayed += r.payments_inserted + r.payments_updated;
  }
  double replay = static_cast<double>(total) / seconds_since(start);
  if (replayed != 0) std::fprintf(stderr, "bench: a replay changed %d payments\n", replayed);

  report("payments_raw_sqlite_insert", raw, "rows/s");
  report("payments_repository_upsert", repo, "rows/s");
  report("payments_repository_replay", replay, "rows/s");
  report("payments_ratio", repo / raw, "ratio");
  return repo / raw;
}

}  // namespace cx::bench
