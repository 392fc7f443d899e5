// Deletions as tasks: the provider is told first (delete_user / delete_user_connection), then
// the data the deleted thing owns goes, and for a PSU its data key last (crypto-shredding).
#include "host/engine/connections.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

namespace cx::engine {

namespace {
/// Calls a provider-side deletion; a retryable failure retries the task, any other is logged
/// and the local deletion goes on (the end user asked for their data to be gone).
std::optional<TaskOutcome> tell_provider(const LiveConnector& c, plugin::Op op, const boost::json::object& req) {
  if (!c.instance->supports(op)) return std::nullopt;
  auto r = c.instance->call(op, boost::json::serialize(req), util::now_ms() + 60000);
  if (r.ok()) return std::nullopt;
  if (retryable(r.code))
    return TaskOutcome::retry(boost::json::object{{"message", r.message()}, {"code", r.code}}, r.retry_after_ms());
  util::log().warn("{}: {} failed ({}); deleting local data anyway", connector_label(c.record.name, c.record.provider),
                   plugin::op_name(op), r.message());
  return std::nullopt;
}

/// OPEN_BANKING_USER_DISCONNECTED for a PSU's provider user deleted through the API (the
/// reference only reports deletions made at the provider).
void user_deleted_through_api(store::WriteTx& tx, const std::string& psu_id, const std::string& connector_id) {
  store::events::append(tx, store::event_type::kUserDisconnected,
                        boost::json::object{{"psuID", psu_id},
                                            {"connectorID", connector_id},
                                            {"at", tx.now()},
                                            {"reason", "deleted through the API"}});
}

std::string str(const store::TaskRecord& t, const char* k) { return std::string(t.payload.at(k).as_string()); }
}  // namespace

std::string Engine::delete_psu(const std::string& psu_id) {
  if (!util::is_uuid(psu_id)) throw EngineError(400, "INVALID_ID", "paymentServiceUserID: not a UUID");
  if (!db_.read([&](store::ReadTx& tx) { return store::psus::get(tx, psu_id).has_value(); }))
    throw not_found("payment service user not found");
  return enqueue(task_type::kDeletePsu, std::nullopt, "delete-user-" + psu_id, {{"psuID", psu_id}});
}

std::string Engine::delete_psu_connector(const std::string& psu_id, const std::string& connector_id) {
  if (!util::is_uuid(psu_id)) throw EngineError(400, "INVALID_ID", "paymentServiceUserID: not a UUID");
  connector_of(connector_id);
  runtime_.require(connector_id);
  if (!db_.read([&](store::ReadTx& tx) { return store::forwarded_users::get(tx, psu_id, connector_id).has_value(); }))
    throw not_found("payment service user is not forwarded to this connector");
  return enqueue(task_type::kDeletePsuConnector, connector_id, "delete-user-connector-" + psu_id,
                 {{"psuID", psu_id}, {"connectorID", connector_id}});
}

std::string Engine::delete_connection(const std::string& psu_id, const std::string& connector_id,
                                      const std::string& connection_id) {
  if (!util::is_uuid(psu_id)) throw EngineError(400, "INVALID_ID", "paymentServiceUserID: not a UUID");
  connector_of(connector_id);
  runtime_.require(connector_id);
  if (!db_.read([&](store::ReadTx& tx) {
        return store::connections::get(tx, psu_id, connector_id, connection_id).has_value();
      }))
    throw not_found("connection not found");
  return enqueue(task_type::kDeleteConnection, connector_id, "delete-connection-" + digest(psu_id + connection_id),
                 {{"psuID", psu_id}, {"connectorID", connector_id}, {"connectionID", connection_id}});
}

TaskOutcome EngineTasks::delete_psu(Engine& e, const store::TaskRecord& t) {
  const std::string psu_id = str(t, "psuID");
  auto ctx = e.db().read([&](store::ReadTx& tx) {
    auto psu = store::psus::get(tx, psu_id);
    std::vector<std::pair<store::ForwardedUserRecord, std::optional<store::TokenValue>>> users;
    for (auto& u : store::forwarded_users::list_for_psu(tx, psu_id))
      users.emplace_back(u, store::provider_tokens::get(tx, psu_id, u.connector_id));
    return std::make_pair(psu, users);
  });
  if (!ctx.first) return TaskOutcome::ok();  // already gone
  for (auto& [user, token] : ctx.second) {
    auto c = e.runtime().get(user.connector_id);
    if (!c) continue;
    if (auto o = tell_provider(*c, plugin::Op::DeleteUser,
                               {{"psu", psu_json(*ctx.first)}, {"forwardedUser", forwarded_user_json(user, token)}}))
      return *o;
  }
  e.db().write([&](store::WriteTx& tx) {
    for (auto& [connector_id, connection_id] : store::connections::keys_of_psu(tx, psu_id, ""))
      remove_connection(tx, connector_id, psu_id, connection_id);
    for (auto& [user, token] : ctx.second) user_deleted_through_api(tx, psu_id, user.connector_id);
    store::psus::remove(tx, psu_id);
  });
  e.db().checkpoint();  // nothing of the PSU stays in the WAL
  return TaskOutcome::ok();
}

TaskOutcome EngineTasks::delete_psu_connector(Engine& e, const store::TaskRecord& t) {
  const std::string psu_id = str(t, "psuID"), connector_id = str(t, "connectorID");
  auto c = e.runtime().get(connector_id);
  auto ctx = e.db().read([&](store::ReadTx& tx) {
    return std::make_tuple(store::psus::get(tx, psu_id), store::forwarded_users::get(tx, psu_id, connector_id),
                           store::provider_tokens::get(tx, psu_id, connector_id));
  });
  auto& [psu, user, token] = ctx;
  if (!psu || !user) return TaskOutcome::ok();
  if (c)
    if (auto o = tell_provider(*c, plugin::Op::DeleteUser, {{"psu", psu_json(*psu)}, {"forwardedUser", forwarded_user_json(*user, token)}}))
      return *o;
  e.db().write([&](store::WriteTx& tx) {
    for (auto& [on, connection_id] : store::connections::keys_of_psu(tx, psu_id, connector_id))
      unschedule_connection(tx, on, connection_id);
    store::forwarded_users::remove(tx, psu_id, connector_id);
    user_deleted_through_api(tx, psu_id, connector_id);
  });
  return TaskOutcome::ok();
}

TaskOutcome EngineTasks::delete_connection(Engine& e, const store::TaskRecord& t) {
  const std::string psu_id = str(t, "psuID"), connector_id = str(t, "connectorID"), connection_id = str(t, "connectionID");
  auto c = e.runtime().get(connector_id);
  auto ctx = e.db().read([&](store::ReadTx& tx) {
    return std::make_tuple(store::psus::get(tx, psu_id), store::forwarded_users::get(tx, psu_id, connector_id),
                           store::provider_tokens::get(tx, psu_id, connector_id),
                           store::connections::get(tx, psu_id, connector_id, connection_id));
  });
  auto& [psu, user, token, conn] = ctx;
  if (!psu || !conn) return TaskOutcome::ok();
  if (c && user)
    if (auto o = tell_provider(*c, plugin::Op::DeleteUserConnection,
                               {{"psu", psu_json(*psu)}, {"forwardedUser", forwarded_user_json(*user, token)},
                                {"connection", connection_json(*conn)}}))
      return *o;
  e.db().write([&](store::WriteTx& tx) { remove_connection(tx, connector_id, psu_id, connection_id); });
  return TaskOutcome::ok();
}

}  // namespace cx::engine
