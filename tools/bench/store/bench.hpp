// Shared bits of the store benchmarks: timing and the `name value unit` output lines.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

namespace cx::bench {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// One result line: `name value unit`.
inline void report(const std::string& name, double value, const std::string& unit) {
  std::printf("%s %.3f %s\n", name.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

/// Runs of (a) and (b); each prints its lines and returns its ratio.
double payments_bench(const std::filesystem::path& dir, int total, int page_size);
double psu_crypto_bench(int records);

}  // namespace cx::bench
