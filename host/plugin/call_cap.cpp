#include "host/plugin/call_cap.hpp"

#include <atomic>

namespace cx::plugin {

namespace {
std::atomic<int64_t> g_cap{0};
}

void set_call_timeout_cap(int64_t ms) { g_cap = ms > 0 ? ms : 0; }
int64_t call_timeout_cap() { return g_cap; }

int64_t capped_deadline(int64_t deadline, int64_t now) {
  const int64_t cap = g_cap;
  if (cap <= 0) return deadline;
  return deadline <= 0 || deadline > now + cap ? now + cap : deadline;
}

}  // namespace cx::plugin
