#include "host/daemon/allocator.hpp"

#include <jemalloc/jemalloc.h>

#include <string>

// jemalloc reads this string at its first allocation, before main() (jemalloc(3), "TUNING"); the
// MALLOC_CONF environment variable is read after it and wins.
// - narenas:2 — two arenas, as many as the cores of the small machines we target: ingest threads
//   churn large buffers, and more arenas each keep their own dirty pages (a higher peak);
// - dirty_decay_ms:1000, muzzy_decay_ms:0, background_thread:true — freed pages go back to the
//   kernel about a second after a burst, from jemalloc's own thread, not from a request's.
// Measured against glibc malloc with two arenas, Powens webhook ingest at 1M: 13 005 → 15 365
// payments/s at the same peak resident set (tools/bench/README.md). Declared extern "C" by
// <jemalloc/jemalloc.h>.
const char* malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0,background_thread:true";

namespace cx::daemon {

std::string allocator_summary() {
  const char* version = nullptr;
  unsigned narenas = 0;
  bool background = false;
  size_t size = sizeof version;
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || !version) return "jemalloc (settings unreadable)";
  size = sizeof narenas;
  mallctl("opt.narenas", &narenas, &size, nullptr, 0);
  size = sizeof background;
  mallctl("background_thread", &background, &size, nullptr, 0);
  std::string v(version);
  return "jemalloc " + v.substr(0, v.find('-')) + ", " + std::to_string(narenas) + " arenas, background purging " +
         (background ? "on" : "off");
}

}  // namespace cx::daemon
