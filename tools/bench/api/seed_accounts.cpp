// bench_api_seed DATA_DIR [ACCOUNTS=100000] [PER_PSU=100]: creates DATA_DIR/connectivity.db under a
// new DATA_DIR/master.key with one connector, ACCOUNTS/PER_PSU PSUs and ACCOUNTS accounts spread
// evenly over them, written through the repositories (sealed names and raw payloads, blind
// index) in transactions of 1000. Prints the id of one PSU (the benchmark's filter) on stdout.
#include "host/store/store.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_api_seed DATA_DIR [ACCOUNTS] [PER_PSU]\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  const int total = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int per_psu = argc > 3 ? std::atoi(argv[3]) : 100;
  std::filesystem::create_directories(dir);
  auto key = cx::crypto::MasterKey::generate_file(dir / "master.key");
  cx::store::DatabaseOptions options;
  options.path = dir / "connectivity.db";
  cx::store::Database db(std::move(options), std::move(key));

  cx::ids::ConnectorID cid{"generic", cx::util::uuid_v4()};
  cx::store::ConnectorRecord c;
  c.id = cx::ids::encode(cid);
  c.reference = cid.reference;
  c.name = "bench";
  c.provider = "generic";
  c.config = boost::json::object{{"name", "bench"}, {"pollingPeriod", "30m0s"}, {"apiKey", "k"}, {"endpoint", "http://127.0.0.1:1"}};
  db.write([&](cx::store::WriteTx& tx) { cx::store::connectors::insert(tx, c); });

  std::vector<std::string> psus;
  for (int i = 0; i < (total + per_psu - 1) / per_psu; ++i) psus.push_back(cx::util::uuid_v4());
  db.write([&](cx::store::WriteTx& tx) {
    for (const auto& id : psus) {
      cx::store::PsuRecord p;
      p.id = id;
      p.name = "PSU " + id.substr(0, 8);
      p.created_at = tx.now();
      cx::store::psus::insert(tx, p);
    }
  });

  const int batch = 1000;
  for (int start = 0; start < total; start += batch) {
    db.write([&](cx::store::WriteTx& tx) {
      for (int i = start; i < std::min(total, start + batch); ++i) {
        cx::store::AccountRecord a;
        a.reference = "acc-" + std::to_string(i);
        a.id = cx::ids::encode(cx::ids::AccountID{cid, a.reference});
        a.connector_id = c.id;
        a.name = "Account " + std::to_string(i);
        a.default_asset = "EUR/2";
        a.metadata = {{"segment", std::to_string(i % 7)}};
        a.raw_json = R"({"id":)" + std::to_string(i) + R"(,"iban":"FR7630006000011234567890189","type":"checking"})";
        a.psu_id = psus[static_cast<size_t>(i) % psus.size()];
        a.created_at = 1'700'000'000'000 + i;
        cx::store::accounts::insert(tx, a);
      }
    });
  }
  std::printf("%s\n", psus.front().c_str());
  return 0;
}
