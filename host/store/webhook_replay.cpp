#include "host/store/webhook_replay.hpp"

namespace cx::store::webhook_replay {

bool remember(WriteTx& tx, const std::string& connector_id, const std::string& key, int64_t expires_at) {
  db::Statement& expired = tx.prepare("DELETE FROM webhook_replay_guard WHERE expires_at <= ?");
  expired.bind(1, tx.now());
  expired.exec();
  db::Statement& s = tx.prepare(
      "INSERT INTO webhook_replay_guard (connector_id, idempotency_key, expires_at) VALUES (?, ?, ?) "
      "ON CONFLICT (connector_id, idempotency_key) DO NOTHING");
  s.bind(1, connector_id);
  s.bind(2, key);
  s.bind(3, expires_at);
  return s.exec() > 0;
}

}  // namespace cx::store::webhook_replay
