// Webhook endpoints a connector registered (create_webhooks) and webhooks received from providers.
// Config metadata (signing secrets) and received bodies+headers are sealed under the connector's
// data key.
#pragma once

#include "host/store/common.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct WebhookConfigRecord {
  std::string connector_id;
  std::string name;      ///< unique per connector
  std::string url_path;  ///< requests whose path contains it reach this config
  Metadata metadata;     ///< sealed
  int64_t created_at = 0;  ///< UTC ms
};

struct ReceivedWebhookRecord {
  std::string id;  ///< uuid
  std::string connector_id;
  std::string idempotency_key;  ///< unique per connector
  std::string payload_json;     ///< {path, method, headers, queryValues, body}, sealed
  int64_t created_at = 0;       ///< UTC ms
};

namespace webhook_configs {
/// Inserts or replaces the configs (by connector + name). InvalidReference on unknown connector.
void put(WriteTx& tx, const std::vector<WebhookConfigRecord>& configs);
/// A connector's configs, by name.
std::vector<WebhookConfigRecord> list(Tx& tx, std::string_view connector_id);
void remove_all(WriteTx& tx, std::string_view connector_id);
}  // namespace webhook_configs

namespace received_webhooks {
/// Stores a received webhook. False (nothing stored) when its idempotency key was already seen
/// on that connector: the caller then skips it.
bool insert(WriteTx& tx, const ReceivedWebhookRecord& w);
std::optional<ReceivedWebhookRecord> get(Tx& tx, std::string_view id);
/// Deletes webhooks (of every connector) received before `before` (UTC ms); returns how many.
/// A delivery repeated after that is processed again (items are stored by id, so at most once).
int remove_older_than(WriteTx& tx, int64_t before);
}  // namespace received_webhooks

}  // namespace cx::store
