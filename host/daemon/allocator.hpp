// The daemon's memory allocator: jemalloc, linked into connectivityd only (host/CMakeLists.txt),
// so the host libraries and plugins keep whatever allocator the process that embeds them has.
#pragma once

#include <string>

namespace cx::daemon {

/// "jemalloc <version>, <n> arenas, background purging <on|off>", read back with mallctl(3) so the
/// log shows the settings in force (the MALLOC_CONF environment variable may override ours).
std::string allocator_summary();

}  // namespace cx::daemon
