// Process-wide logger (spdlog, stderr). Secrets never reach it: plugin log lines pass through
// the host's redaction first (host/plugin/host_services.cpp).
#pragma once

#include <spdlog/spdlog.h>

namespace cx::util {
/// The daemon's logger; created on first use, level from CONNECTIVITY_LOG_LEVEL (default info).
spdlog::logger& log();
}  // namespace cx::util
