#include "host/engine/connections.hpp"

namespace cx::engine {

void activate_connection(store::WriteTx& tx, const LiveConnector& c, const ConfigRules& rules, const std::string& psu_id,
                         const std::string& connection_id, const std::optional<store::TokenValue>& token,
                         const store::Metadata& metadata) {
  store::deleted_connections::clear(tx, c.record.id, connection_id);
  auto existing = store::connections::get(tx, psu_id, c.record.id, connection_id);
  store::ConnectionRecord r;
  if (existing) r = *existing;
  r.psu_id = psu_id;
  r.connector_id = c.record.id;
  r.connection_id = connection_id;
  r.status = store::connection_status::kActive;
  r.error.reset();
  if (token) r.access_token = token;
  for (auto& [k, v] : metadata) r.metadata[k] = v;
  if (!existing) r.created_at = tx.now();
  r.updated_at = tx.now();
  store::connections::upsert(tx, r);
  schedule_fetches(tx, c.record.id, workflow_of(tx, c.record.id), polling_period_ms(c.record.config, rules), psu_id,
                   connection_id);
  if (existing && existing->status != store::connection_status::kActive)
    store::events::append(tx, store::event_type::kConnectionReconnected,
                          boost::json::object{{"psuID", psu_id}, {"connectorID", c.record.id},
                                              {"connectionID", connection_id}, {"at", tx.now()}});
}

void disconnect_connection(store::WriteTx& tx, const LiveConnector& c, const std::string& psu_id,
                           const std::string& connection_id, const std::string& error_type,
                           const std::optional<std::string>& reason, const std::string& at) {
  auto existing = store::connections::get(tx, psu_id, c.record.id, connection_id);
  store::ConnectionRecord r;
  if (existing) r = *existing;
  r.psu_id = psu_id;
  r.connector_id = c.record.id;
  r.connection_id = connection_id;
  r.status = store::connection_status::kError;
  r.error = reason ? *reason : error_type;
  if (!existing) r.created_at = tx.now();
  r.updated_at = tx.now();
  store::connections::upsert(tx, r);
  unschedule_connection(tx, c.record.id, connection_id);
  boost::json::object ev{{"psuID", psu_id}, {"connectorID", c.record.id}, {"connectionID", connection_id},
                         {"errorType", error_type}, {"at", at}};
  if (reason) ev["reason"] = *reason;
  store::events::append(tx, store::event_type::kConnectionDisconnected, ev);
}

void remove_connection(store::WriteTx& tx, const std::string& connector_id, const std::string& psu_id,
                       const std::string& connection_id) {
  unschedule_connection(tx, connector_id, connection_id);
  store::connections::remove(tx, psu_id, connector_id, connection_id);
  store::deleted_connections::mark(tx, connector_id, connection_id);
}

}  // namespace cx::engine
