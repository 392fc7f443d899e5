// bench_store [--quick] [--dir DIR]: the two store benchmarks of issue 3, each a ratio measured in
// one run against a baseline doing the same work without our layers.
//   (a) payments upserted through the repository vs raw SQLite inserts of the same rows, pages of
//       100, one transaction per page (target ratio >= 0.5);
//   (b) sealing + opening a full PSU record field by field vs raw Botan AES-256-GCM over the same
//       bytes (target ratio >= 0.3).
#include "tools/bench/store/bench.hpp"

#include <cstdlib>
#include <cstring>
#include <random>

int main(int argc, char** argv) {
  bool quick = false;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_store [--quick] [--dir DIR]\n");
      return 2;
    }
  }
  dir /= "cx-bench-store-" + std::to_string(std::random_device{}());
  std::filesystem::create_directories(dir);
  double a = cx::bench::payments_bench(dir, quick ? 20'000 : 200'000, 100);
  double b = cx::bench::psu_crypto_bench(quick ? 20'000 : 100'000);
  std::filesystem::remove_all(dir);
  std::printf("# payments ratio %.2f (target >= 0.5): %s\n", a, a >= 0.5 ? "met" : "BELOW TARGET");
  std::printf("# psu crypto ratio %.2f (target >= 0.3): %s\n", b, b >= 0.3 ? "met" : "BELOW TARGET");
  return 0;
}
