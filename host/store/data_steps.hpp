// Data migrations that need the data keys, which SQL migrations (migrations.hpp) do not have:
// a SQL migration records a pending step in `data_steps`; Database runs the pending steps once
// its keys are loaded, each in the same transaction as the removal of its row, so a crash leaves
// the step pending and it runs again whole (internal to host/store).
#pragma once

#include "host/store/tx.hpp"

namespace cx::store::data_steps {

/// Runs every pending step in order; returns how many ran. Throws (rolling back the step) on a
/// row that does not decrypt or parse.
int run_pending(WriteTx& tx);

}  // namespace cx::store::data_steps
