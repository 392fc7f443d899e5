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

  report("payments_raw_sqlite_insert", raw, "rows/s");
  report("payments_repository_upsert", repo, "rows/s");
  report("payments_repository_replay", replay, "rows/s");
  report("payments_ratio", repo / raw, "ratio");
  return repo / raw;
}

}  // namespace cx::bench
