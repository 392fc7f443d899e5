// The outbound webhook flags of connectivityd (docs/events.md "Flags") and the dispatcher options
// they make.
#pragma once

#include "host/daemon/options.hpp"
#include "host/outbound/dispatcher.hpp"

#include <CLI/CLI.hpp>

namespace cx::daemon {

/// Adds the --webhooks-* flags, bound to `o`.
void add_webhook_flags(CLI::App& app, Options& o);

/// The dispatcher options of `o`; std::runtime_error naming the flag when a duration is malformed.
outbound::DispatcherOptions webhook_options(const Options& o);

}  // namespace cx::daemon
