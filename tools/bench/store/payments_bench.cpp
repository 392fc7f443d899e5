// (a) Payments: the repository path the engine takes for a fetched page (validation, payment
// insert-once, adjustment insert-once, AES-GCM sealing of the raw payload, SAVED_PAYMENT event,
// fetch state) against raw prepared INSERTs of the same payment and adjustment rows into the same
// schema, with the raw payload in clear and every value precomputed. One transaction per page.
#include "tools/bench/store/bench.hpp"

#include "tools/bench/common/raw_payments.hpp"

#include <vector>

namespace cx::bench {
namespace {

using namespace cx::store;

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

  double raw = raw_insert_payments(dir / "raw.db", items, page_size);

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

  // The same payments carrying what Powens puts in metadata (seven pairs, sealed with one
  // AES-GCM per payment and indexed with one blind index entry per pair): the cost of A.1.
  auto with_meta = items;
  for (size_t i = 0; i < with_meta.size(); ++i)
    with_meta[i].metadata = {{"transaction_id", std::to_string(i)},
                             {"category_id", std::to_string(i % 40)},
                             {"description", "CARTE X1234 " + std::to_string(i % 997) + " MONOPRIX PARIS"},
                             {"original_wording", "CB MONOPRIX " + std::to_string(i % 997)},
                             {"simplified_wording", "Monoprix"},
                             {"last_update", "2026-12-04 10:00:00"},
                             {"type", "card"}};
  auto meta_pages = make_pages(connector_id, with_meta, page_size);
  DatabaseOptions mo;
  mo.path = dir / "repo_meta.db";
  Database mdb(mo, bench_key());
  mdb.write([](WriteTx& tx) { connectors::insert(tx, bench_connector()); });
  start = std::chrono::steady_clock::now();
  for (const auto& page : meta_pages) mdb.write([&](WriteTx& tx) { return store_fetched_page(tx, page); });
  double with_metadata = static_cast<double>(total) / seconds_since(start);

  report("payments_raw_sqlite_insert", raw, "rows/s");
  report("payments_repository_upsert", repo, "rows/s");
  report("payments_repository_replay", replay, "rows/s");
  report("payments_ratio", repo / raw, "ratio");
  report("payments_repository_upsert_7_sealed_metadata", with_metadata, "rows/s");
  report("payments_sealed_metadata_vs_none", with_metadata / repo, "ratio");
  return repo / raw;
}

}  // namespace cx::bench
