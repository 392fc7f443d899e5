// Start-up of plugin isolation: runner settings from the options, the quarantine file, and (in
// in-process mode) the in-flight journal whose leftovers quarantine the connectors the previous
// process died inside of.
#pragma once

#include "host/daemon/options.hpp"
#include "host/plugin/registry.hpp"
#include "host/store/store.hpp"

#include <filesystem>

namespace cx::daemon {

/// Call once, after the registry is loaded and before the engine starts. Throws when process
/// isolation is asked for and the runner binary (next to the daemon) is missing.
void set_up_isolation(const Options& o, const std::filesystem::path& exe_dir, store::Database& db,
                      const plugin::Registry& registry);

}  // namespace cx::daemon
