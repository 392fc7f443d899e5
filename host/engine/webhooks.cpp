// Webhooks: synchronous verification and durable storage on arrival, translation as a task.
#include "host/engine/connections.hpp"
#include "host/engine/page_builder.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <connectivity/time.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace cx::engine {

namespace {
boost::json::object config_json(const store::WebhookConfigRecord& c, const std::string& full_url) {
  return boost::json::object{{"name", c.name}, {"urlPath", c.url_path}, {"fullURL", full_url},
                             {"metadata", boost::json::value_from(c.metadata)}};
}

std::string webhook_url(const EngineOptions& o, const std::string& connector_id, const std::string& path) {
  return o.public_url + "/api/payments/v3/connectors/webhooks/" + connector_id + path;
}

std::optional<std::string> opt(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::optional<std::string>(std::string(v->get_string())) : std::nullopt;
}
}  // namespace

void Engine::handle_webhook(const std::string& connector_id, const InboundRequest& req) {
  if (!ids::decode_connector_id(connector_id)) throw not_found("connector not found");
  auto live = runtime_.get(connector_id);
  if (!live) throw not_found("connector not found");
  auto configs = db_.read([&](store::ReadTx& tx) { return store::webhook_configs::list(tx, connector_id); });
  const store::WebhookConfigRecord* config = nullptr;
  for (auto& c : configs)
    if (!c.url_path.empty() && req.path.find(c.url_path) != std::string::npos) config = &c;
  if (!config) throw not_found("no webhook endpoint of this connector matches " + req.path);

  const std::string full_url = webhook_url(options_, connector_id, req.path);
  boost::json::object webhook{{"path", req.path}, {"fullURL", full_url}, {"method", req.method},
                              {"headers", multimap_json(req.headers)}, {"queryValues", multimap_json(req.query)},
                              {"body", req.body}};
  boost::json::object request{{"webhook", webhook}, {"config", config_json(*config, full_url)}};
  auto r = live->instance->call_within(plugin::Op::VerifyWebhook, boost::json::serialize(request),
                                       options_.sync_call_timeout_ms);
  if (!r.ok()) {
    util::log().warn("{}: webhook on {} refused: {}", connector_label(live->record.name, live->record.provider), req.path,
                     r.message());
    // Not answered in time (hung or busy plugin): the provider should deliver it again.
    if (r.code == CX_ERR_TIMEOUT || r.code == CX_ERR_UPSTREAM)
      throw EngineError(503, "UNAVAILABLE", "webhook verification did not complete: " + r.message());
    throw EngineError(401, "UNAUTHORIZED", "webhook verification failed: " + r.message());
  }
  std::string key;
  std::optional<int64_t> signed_at;
  boost::system::error_code ec;
  auto verified = boost::json::parse(r.out, ec);
  if (!ec && verified.is_object()) {
    if (auto k = opt(verified.get_object(), "idempotencyKey")) key = *k;
    if (verified.get_object().contains("signedAt")) {
      auto at = opt(verified.get_object(), "signedAt");
      signed_at = at ? time::parse_rfc3339(*at) : std::nullopt;
      if (!signed_at) throw EngineError(401, "UNAUTHORIZED", "webhook verification failed: unreadable signature date");
    }
  }
  if (key.empty()) key = config->name + ":" + digest(req.path + "\n" + req.body);  // same delivery, same key
  const int64_t now = util::now_ms();
  if (signed_at && std::llabs(now - *signed_at) > options_.webhook_tolerance_ms) {
    util::log().warn("{}: webhook on {} refused: signed at {}, outside the {} s tolerance window",
                     connector_label(live->record.name, live->record.provider), req.path, time::format_rfc3339(*signed_at), options_.webhook_tolerance_ms / 1000);
    throw EngineError(401, "UNAUTHORIZED",
                      "webhook signature date " + time::format_rfc3339(*signed_at) + " is outside the tolerance window of " +
                          std::to_string(options_.webhook_tolerance_ms / 1000) + " s");
  }
  // Kept until the signature date leaves the window, whatever the body retention.
  const int64_t guard_until = std::max(now, signed_at.value_or(now)) + options_.webhook_tolerance_ms;

  store::ReceivedWebhookRecord rec;
  rec.id = util::uuid_v4();
  rec.connector_id = connector_id;
  rec.idempotency_key = key;
  rec.payload_json = boost::json::serialize(boost::json::object{{"webhook", webhook}, {"configName", config->name}});
  bool fresh = db_.write([&](store::WriteTx& tx) {
    if (!store::webhook_replay::remember(tx, connector_id, key, guard_until)) return false;  // replayed
    if (!store::received_webhooks::insert(tx, rec)) return false;  // a duplicate delivery: acknowledged, not redone
    store::TaskRecord t;
    t.id = ids::encode(ids::ScopedID{connector_of(connector_id), "webhook-" + rec.id});
    t.type = task_type::kWebhook;
    t.connector_id = connector_id;
    t.payload = boost::json::object{{"connectorID", connector_id}, {"webhookID", rec.id}};
    store::tasks::enqueue(tx, t);
    return true;
  });
  if (fresh) workers_->notify();
}

namespace {
bool deleted(Engine& e, const std::string& connector_id, const std::string& connection_id) {
  return e.db().read([&](store::ReadTx& tx) { return store::deleted_connections::is_deleted(tx, connector_id, connection_id); });
}

/// The items of a data response minus those of deleted connections (late provider data about a
/// deleted connection must not bring its accounts or payments back); adds the connections the
/// kept items belong to into `synced`.
boost::json::array live_items(Engine& e, const std::string& cid, const boost::json::value& v, std::set<std::string>& synced) {
  boost::json::array out;
  if (!v.is_array()) return out;
  std::map<std::string, bool> gone;  // one lookup per connection, not per item
  for (auto& item : v.get_array()) {
    auto conn = item.is_object() ? opt(item.get_object(), "connectionID") : std::nullopt;
    if (conn) {
      auto it = gone.find(*conn);
      if (it == gone.end()) it = gone.emplace(*conn, deleted(e, cid, *conn)).first;
      if (it->second) continue;
    }
    if (conn) synced.insert(*conn);
    out.push_back(item);
  }
  return out;
}

/// Applies one translate_webhook response (sdk/OPS.md) in its own transaction. Connections that
/// received data or a reconnection are added to `synced`.
void apply_response(Engine& e, const LiveConnector& c, const std::string& kind, const boost::json::value& raw,
                    std::set<std::string>& synced) {
  const std::string& cid = c.record.id;
  const bool data = kind == "accounts" || kind == "externalAccounts" || kind == "balances" || kind == "payments" ||
                    kind == "paymentsToDelete";
  const boost::json::value v = data ? boost::json::value(live_items(e, cid, raw, synced)) : raw;
  auto resolve = [&](const std::string& puid) {
    return e.db().read([&](store::ReadTx& tx) -> std::optional<std::string> {
      auto u = store::forwarded_users::find_by_provider_user_id(tx, cid, puid);
      return u ? std::optional<std::string>(u->psu_id) : std::nullopt;
    });
  };
  if (data) {
    PageBuilder b(ItemOwner{cid, connector_of(cid), std::nullopt, std::nullopt, &e.db().blind_index()}, resolve);
    if (kind == "accounts") b.add_accounts(v, store::account_type::kInternal);
    if (kind == "externalAccounts") b.add_accounts(v, store::account_type::kExternal);
    if (kind == "balances") b.add_balances(v);
    if (kind == "payments") b.add_payments(v);
    if (kind == "paymentsToDelete") b.add_payments_to_delete(v);
    e.count_ingest(e.db().write([&](store::WriteTx& tx) { return store::store_fetched_page(tx, b.page()); }));
    return;
  }
  if (!v.is_object()) return;
  const auto& o = v.get_object();
  auto at = opt(o, "at").value_or(time::format_rfc3339(util::now_ms()));
  auto connection_id = opt(o, "connectionID");
  // Deletion is final: a provider event about a deleted connection is acknowledged and ignored
  // (a new link through the host is the only way back, and it does not come through here).
  if (connection_id && kind != "userLinkConnections" && deleted(e, cid, *connection_id)) {
    util::log().info("{}: {} about deleted connection {} ignored", connector_label(e, cid), kind, *connection_id);
    return;
  }
  // The PSU of a connection event: from the connection when known, else from the provider user.
  auto psu_of = [&](store::WriteTx& tx) -> std::optional<std::string> {
    if (connection_id)
      if (auto conn = store::connections::find(tx, cid, *connection_id)) return conn->psu_id;
    if (auto puid = opt(o, "providerUserID"))
      if (auto u = store::forwarded_users::find_by_provider_user_id(tx, cid, *puid)) return u->psu_id;
    return std::nullopt;
  };

  if (kind == "userLinkSessionFinished") {
    e.db().write([&](store::WriteTx& tx) {
      auto attempt_id = opt(o, "attemptID");
      if (!attempt_id || !store::link_attempts::get(tx, *attempt_id)) return;
      store::link_attempts::set_status(tx, *attempt_id, opt(o, "status").value_or("pending"), opt(o, "error"));
    });
  } else if (kind == "userLinkConnections") {
    e.db().write([&](store::WriteTx& tx) {
      auto attempt_id = opt(o, "attemptID");
      auto attempt = attempt_id ? store::link_attempts::get(tx, *attempt_id) : std::nullopt;
      if (!attempt || !o.contains("connections")) return;
      for (auto& cv : o.at("connections").as_array()) {
        auto conn = boost::json::value_to<cx::Connection>(cv);
        activate_connection(tx, c, e.runtime().rules(), attempt->psu_id, conn.connection_id,
                            token_from(cv.as_object().if_contains("accessToken")), conn.metadata);
      }
    });
  } else if (kind == "dataReadyToFetch") {
    e.db().write([&](store::WriteTx& tx) {
      if (!connection_id) return;
      auto conn = store::connections::find(tx, cid, *connection_id);
      if (!conn) return;
      std::vector<std::string> types;
      if (auto* d = o.if_contains("dataToFetch"); d && d->is_array())
        for (auto& x : d->get_array()) {
          if (x == "accounts_and_balances") types.push_back("FETCH_ACCOUNTS");
          if (x == "payments") types.push_back("FETCH_PAYMENTS");
        }
      if (types.empty()) types = {"FETCH_ACCOUNTS", "FETCH_PAYMENTS"};
      enqueue_fetches_now(tx, cid, workflow_of(tx, cid), conn->psu_id, *connection_id, types);
    });
  } else if (kind == "userConnectionReconnected") {
    e.db().write([&](store::WriteTx& tx) {
      auto psu = psu_of(tx);
      if (psu && connection_id) activate_connection(tx, c, e.runtime().rules(), *psu, *connection_id, std::nullopt, {});
    });
    if (connection_id) synced.insert(*connection_id);
  } else if (kind == "userConnectionDeleted") {
    e.db().write([&](store::WriteTx& tx) {
      if (!connection_id) return;
      if (auto conn = store::connections::find(tx, cid, *connection_id))
        remove_connection(tx, cid, conn->psu_id, *connection_id);
      else
        store::deleted_connections::mark(tx, cid, *connection_id);
    });
  } else if (kind == "userConnectionDisconnected") {
    e.db().write([&](store::WriteTx& tx) {
      auto psu = psu_of(tx);
      if (psu && connection_id)
        disconnect_connection(tx, c, *psu, *connection_id, opt(o, "errorType").value_or("NON_RECOVERABLE"),
                              opt(o, "reason"), at);
    });
  } else if (kind == "userConnectionPendingDisconnect") {
    e.db().write([&](store::WriteTx& tx) {
      auto psu = psu_of(tx);
      if (!psu) return;  // nobody we know (deleted meanwhile): nothing to report
      boost::json::object ev{{"psuID", *psu}, {"connectorID", cid}, {"at", at}};
      if (connection_id) ev["connectionID"] = *connection_id;
      if (auto reason = opt(o, "reason")) ev["reason"] = *reason;
      store::events::append(tx, store::event_type::kConnectionPendingDisconnect, ev);
    });
  } else if (kind == "userDisconnected") {
    e.db().write([&](store::WriteTx& tx) {
      auto psu = psu_of(tx);
      if (!psu) return;  // e.g. the echo of a deletion made through the API, already reported
      boost::json::object ev{{"psuID", *psu}, {"connectorID", cid}, {"at", at}};
      if (auto reason = opt(o, "reason")) ev["reason"] = *reason;
      store::events::append(tx, store::event_type::kUserDisconnected, ev);
    });
  } else {
    util::log().warn("{}: unknown webhook response kind {} ignored", connector_label(e, cid), kind);
  }
}
}  // namespace

TaskOutcome EngineTasks::webhook(Engine& e, const store::TaskRecord& t) {
  const std::string connector_id(t.payload.at("connectorID").as_string());
  const std::string webhook_id(t.payload.at("webhookID").as_string());
  auto live = e.runtime().get(connector_id);
  if (!live) return TaskOutcome::failed(boost::json::object{{"message", "connector not found"}});
  auto stored = e.db().read([&](store::ReadTx& tx) { return store::received_webhooks::get(tx, webhook_id); });
  if (!stored) return TaskOutcome::failed(boost::json::object{{"message", "webhook " + webhook_id + " not found"}});
  auto payload = boost::json::parse(stored->payload_json).as_object();
  std::string name(payload.at("configName").as_string());
  auto configs = e.db().read([&](store::ReadTx& tx) { return store::webhook_configs::list(tx, connector_id); });
  auto it = std::find_if(configs.begin(), configs.end(), [&](auto& c) { return c.name == name; });
  if (it == configs.end()) return TaskOutcome::failed(boost::json::object{{"message", "webhook config " + name + " is gone"}});

  const auto& webhook = payload.at("webhook").as_object();
  boost::json::object req{{"name", name}, {"webhook", webhook},
                          {"config", config_json(*it, std::string(webhook.at("fullURL").as_string()))}};
  boost::json::value out;
  std::set<std::string> synced;
  auto r = live->instance->call_json(plugin::Op::TranslateWebhook, boost::json::serialize(req), out,
                                     util::now_ms() + 5 * 60 * 1000);
  if (!r.ok()) {
    boost::json::object err{{"message", r.message()}, {"code", r.code}};
    return retryable(r.code) ? TaskOutcome::retry(err, r.retry_after_ms()) : TaskOutcome::failed(err);
  }
  if (auto* responses = out.as_object().if_contains("responses"); responses && responses->is_array())
    for (auto& resp : responses->get_array())
      if (resp.is_object())
        for (auto& [kind, value] : resp.get_object()) apply_response(e, *live, std::string(kind), value, synced);
  // A delivery that carried a successful sync moves its connections' dataUpdatedAt, as a
  // completed fetch does.
  if (!synced.empty())
    e.db().write([&](store::WriteTx& tx) {
      for (auto& conn : synced)
        if (store::connections::find(tx, connector_id, conn))
          store::connections::set_data_updated_at(tx, connector_id, conn, tx.now());
    });
  return TaskOutcome::ok();
}

}  // namespace cx::engine
