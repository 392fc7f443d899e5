// Outbound webhooks at rest: subscriber configs (secret sealed under the "system:webhooks" data
// key), the fan-out cursor over the events outbox, deliveries (one per event and config, the
// exact body that is signed and sent) and their attempts. Times are UTC ms. The delivery state
// machine (docs/events.md): pending → delivering → succeeded | pending (retry) | failed;
// pending|delivering → cancelled when the config is deactivated or deleted.
#pragma once

#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx::store {

struct OutboundConfig {
  std::string id;  ///< lower-case UUID
  std::string endpoint;
  std::string secret;  ///< clear in memory, sealed at rest
  std::vector<std::string> event_types;  ///< lower-case, e.g. "payments.saved_payment"
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct OutboundDelivery {
  std::string id;  ///< UUID, the Formance-Webhook-Id header
  int64_t event_seq = 0;
  std::string idempotency_key;
  std::string config_id;
  std::string event_type;
  std::string payload;  ///< the exact body
  std::string status = "pending";
  int attempt_count = 0;
  int replay_generation = 0;
  std::optional<int64_t> cycle_started_at, next_attempt_at, claimed_at, last_attempt_at;
  std::optional<int64_t> last_status_code;
  std::optional<std::string> last_error;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t sort_id = 0;
};

struct OutboundAttempt {
  std::string id;
  std::string delivery_id;
  int attempt_number = 0;  ///< 1-based within the replay generation
  int replay_generation = 0;
  std::string endpoint;
  std::string outcome;  ///< succeeded | retryable_failure | permanent_failure
  int status_code = 0;  ///< 0: no answer
  std::optional<std::string> error;
  int64_t duration_ms = 0;
  std::optional<std::string> response_excerpt;
  int64_t created_at = 0;
  int64_t sort_id = 0;
};

/// Filters of the deliveries list (all optional); keyset on (created_at, sort_id) descending.
struct DeliveryFilter {
  std::optional<std::string> config_id, status;
  std::optional<int64_t> created_from, created_to;
  std::optional<std::pair<int64_t, int64_t>> before;  ///< (created_at, sort_id) of the last row seen
  int limit = 100;
};

namespace outbound_configs {
void insert(WriteTx& tx, const OutboundConfig& c);
/// A config that is not deleted.
std::optional<OutboundConfig> get(Tx& tx, const std::string& id);
/// Every config that is not deleted, most recently updated first.
std::vector<OutboundConfig> list(Tx& tx);
/// Replaces endpoint, secret, event types, active and updated_at of a config that is not deleted.
void update(WriteTx& tx, const OutboundConfig& c);
/// Soft-deletes; false when unknown. Cancels its pending deliveries.
bool remove(WriteTx& tx, const std::string& id);
/// Cancels the config's pending deliveries (deactivation, deletion).
void cancel_pending(WriteTx& tx, const std::string& config_id);
}  // namespace outbound_configs

namespace outbound_deliveries {
/// Seq of the last outbox event fanned out (0 at first).
int64_t cursor(Tx& tx);
/// Moves the cursor from `from` (what cursor() read) to `to`; false when it is no longer `from`
/// (another node fanned these events out first: a compare-and-set).
bool advance_cursor(WriteTx& tx, int64_t from, int64_t to);
/// Inserts unless (event_seq, config_id) exists; true when inserted.
bool enqueue(WriteTx& tx, const OutboundDelivery& d);
/// Pending deliveries due at `now`, oldest due first.
std::vector<OutboundDelivery> due(Tx& tx, int64_t now, int limit);
/// pending → delivering (claimed now; the cycle starts now unless started); false if not pending.
bool claim(WriteTx& tx, const std::string& id, int64_t now);
/// Ends an attempt: the attempt row, then status (succeeded | pending | failed) with the next due
/// time for pending. A delivery cancelled meanwhile stays cancelled.
void finish(WriteTx& tx, const OutboundAttempt& a, const std::string& status, std::optional<int64_t> next_attempt_at,
            std::optional<int64_t> status_code, const std::optional<std::string>& error);
/// delivering → pending, due now: claims a crash left behind (claimed_before unset: every claim,
/// for a single daemon at start or stop; set (UTC ms): only claims older than that, which a node
/// sharing the database left behind when it stopped). Returns how many.
int release_claims(WriteTx& tx, std::optional<int64_t> claimed_before = std::nullopt);
/// delivering → pending, due now, for one delivery this node claimed and did not send.
bool release_claim(WriteTx& tx, const std::string& id);
std::optional<OutboundDelivery> get(Tx& tx, const std::string& id);
/// Deliveries matching `f` without their payload, newest first; one more than f.limit tells "has more".
std::vector<OutboundDelivery> list(Tx& tx, const DeliveryFilter& f);
/// failed → pending with a new replay generation; pending → due now. Returns the row after.
OutboundDelivery replay(WriteTx& tx, const OutboundDelivery& d);
/// Attempts of a delivery, newest first, after `before_sort_id` (0: from the newest).
std::vector<OutboundAttempt> attempts(Tx& tx, const std::string& delivery_id, int64_t before_sort_id, int limit);
/// Deletes finished (succeeded/failed/cancelled) deliveries, and their attempts, last updated
/// before `cutoff`, plus fanned-out outbox events older than `cutoff`, at most `limit` of each.
/// Returns the number of rows deleted.
int prune(WriteTx& tx, int64_t cutoff, int limit);
/// A stored replay answer for an Idempotency-Key: (request hash, response); nullopt if unused.
std::optional<std::pair<std::string, std::string>> replay_key(Tx& tx, const std::string& key, int64_t newer_than);
void save_replay_key(WriteTx& tx, const std::string& key, const std::string& hash, const std::string& response);
}  // namespace outbound_deliveries

}  // namespace cx::store
