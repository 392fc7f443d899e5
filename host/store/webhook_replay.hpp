// Replay protection for verified webhooks, independent of how long their bodies are kept
// (received_webhooks, pruned on --webhook-retention): one row per (connector, idempotency key)
// until `expires_at`, which the engine sets past the end of the signature's freshness window, so
// a captured delivery cannot be replayed while its signature date would still be accepted.
#pragma once

#include "host/store/tx.hpp"

#include <cstdint>
#include <string>

namespace cx::store::webhook_replay {

/// Records the delivery unless an unexpired row has the same key; false when it does (a replay
/// or a duplicate). Expired rows are removed on the way. expires_at and now: UTC ms.
bool remember(WriteTx& tx, const std::string& connector_id, const std::string& key, int64_t expires_at);

}  // namespace cx::store::webhook_replay
