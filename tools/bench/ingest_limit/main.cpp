// bench_ingest_limit --dir DIR --rows N --page-size P [--random-references]
// The limit of an end-to-end ingest benchmark: N payment rows plus their adjustment rows inserted
// into a fresh database with our schema (same columns), prepared statements, values precomputed,
// one transaction per page of P. Provider references are sequential (a provider's counter, as
// Powens ids), or with --random-references random hex ids as the generic reference service issues.
// Prints exactly one line: `raw_sqlite_rows_per_s VALUE` (payments per second). The database lives
// in DIR and is removed afterwards.
#include "tools/bench/common/raw_payments.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

namespace {

int usage() {
  std::fprintf(stderr, "usage: bench_ingest_limit --dir DIR --rows N --page-size P [--random-references]\n");
  return 2;
}

bool parse_count(const char* s, long max, int& out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (!end || *end != '\0' || v < 1 || v > max) return false;
  out = static_cast<int>(v);
  return true;
}

void remove_db(const std::filesystem::path& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix, ec);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir;
  int rows = 0, page_size = 0;
  auto refs = cx::bench::References::Sequential;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--dir") && has_value) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--rows") && has_value) {
      if (!parse_count(argv[++i], 100'000'000, rows)) return usage();
    } else if (!std::strcmp(argv[i], "--page-size") && has_value) {
      if (!parse_count(argv[++i], 1'000'000, page_size)) return usage();
    } else if (!std::strcmp(argv[i], "--random-references")) {
      refs = cx::bench::References::Random;
    } else {
      return usage();
    }
  }
  if (dir.empty() || rows == 0 || page_size == 0) return usage();
  try {
    std::filesystem::create_directories(dir);
    const auto db = dir / "ingest-limit.db";
    remove_db(db);
    auto items = cx::bench::make_payments(cx::bench::bench_connector().id, rows, refs);
    double rate = cx::bench::raw_insert_payments(db, items, page_size);
    remove_db(db);
    std::printf("raw_sqlite_rows_per_s %.1f\n", rate);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ingest_limit: %s\n", e.what());
    return 1;
  }
  return 0;
}
