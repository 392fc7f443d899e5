// The longest any single op may run (--plugin-call-timeout): a call's deadline is brought
// forward to now + cap when it is later or absent, and the plugin sees the capped deadline.
// Isolated, a runner still inside the op past the deadline plus the grace is killed.
#pragma once

#include <cstdint>

namespace cx::plugin {

/// Sets the cap in ms (0: none, the library default). Call once at start-up.
void set_call_timeout_cap(int64_t ms);
int64_t call_timeout_cap();

/// deadline_unix_ms (UTC ms, 0 = none) capped at now_unix_ms + the cap.
int64_t capped_deadline(int64_t deadline_unix_ms, int64_t now_unix_ms);

}  // namespace cx::plugin
