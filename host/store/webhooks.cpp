#include "host/store/webhooks.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/sql.hpp"

namespace cx::store {

namespace webhook_configs {

void put(WriteTx& tx, const std::vector<WebhookConfigRecord>& configs) {
  db::Statement& s = tx.prepare(
      "INSERT INTO webhook_configs (connector_id, name, url_path, metadata, created_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (connector_id, name) DO UPDATE SET url_path = excluded.url_path, metadata = excluded.metadata");
  for (const auto& c : configs) {
    s.reset();
    s.bind(1, c.connector_id);
    s.bind(2, c.name);
    s.bind(3, c.url_path);
    const std::string row = c.connector_id + "/" + c.name;
    sql::bind_sealed(tx, s, 4, crypto::KeyOwner::connector(c.connector_id), {"webhook_configs", "metadata", row},
                     sql::metadata_json(c.metadata));
    s.bind(5, c.created_at ? c.created_at : tx.now());
    s.exec();
  }
}

std::vector<WebhookConfigRecord> list(Tx& tx, std::string_view connector_id) {
  db::Statement& s = tx.prepare(
      "SELECT connector_id, name, url_path, metadata, created_at FROM webhook_configs WHERE connector_id = ? "
      "ORDER BY name");
  sql::bind_str(s, 1, connector_id);
  std::vector<WebhookConfigRecord> out;
  while (s.step()) {
    WebhookConfigRecord c;
    c.connector_id = sql::col_str(s, 0);
    c.name = sql::col_str(s, 1);
    c.url_path = sql::col_str(s, 2);
    const std::string row = c.connector_id + "/" + c.name;
    c.metadata = sql::metadata_from(
        sql::open_req(tx, s, 3, crypto::KeyOwner::connector(c.connector_id), {"webhook_configs", "metadata", row}),
        "webhook_configs.metadata");
    c.created_at = s.get_int64(4);
    out.push_back(std::move(c));
  }
  return out;
}

void remove_all(WriteTx& tx, std::string_view connector_id) {
  db::Statement& s = tx.prepare("DELETE FROM webhook_configs WHERE connector_id = ?");
  sql::bind_str(s, 1, connector_id);
  s.exec();
}

}  // namespace webhook_configs

namespace received_webhooks {

bool insert(WriteTx& tx, const ReceivedWebhookRecord& w) {
  db::Statement& seen =
      tx.prepare("SELECT 1 FROM received_webhooks WHERE connector_id = ? AND idempotency_key = ?");
  seen.bind(1, w.connector_id);
  seen.bind(2, w.idempotency_key);
  if (seen.step()) return false;
  db::Statement& s = tx.prepare(
      "INSERT INTO received_webhooks (id, connector_id, idempotency_key, payload, created_at) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, w.id);
  s.bind(2, w.connector_id);
  s.bind(3, w.idempotency_key);
  sql::bind_sealed(tx, s, 4, crypto::KeyOwner::connector(w.connector_id), {"received_webhooks", "payload", w.id},
                   w.payload_json);
  s.bind(5, w.created_at ? w.created_at : tx.now());
  s.exec();
  return true;
}

std::optional<ReceivedWebhookRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(
      "SELECT id, connector_id, idempotency_key, payload, created_at FROM received_webhooks WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  ReceivedWebhookRecord w;
  w.id = sql::col_str(s, 0);
  w.connector_id = sql::col_str(s, 1);
  w.idempotency_key = sql::col_str(s, 2);
  w.payload_json = sql::open_req(tx, s, 3, crypto::KeyOwner::connector(w.connector_id),
                                 {"received_webhooks", "payload", w.id});
  w.created_at = s.get_int64(4);
  return w;
}

int remove_older_than(WriteTx& tx, int64_t before) {
  db::Statement& s = tx.prepare("DELETE FROM received_webhooks WHERE created_at < ?");
  s.bind(1, before);
  return s.exec();
}

}  // namespace received_webhooks
}  // namespace cx::store
