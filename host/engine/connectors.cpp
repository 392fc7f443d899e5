// Connector lifecycle: install (synchronous, as the v3 API answers only once it is done),
// config update, and uninstall / reset as tasks.
#include "host/engine/internal.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <algorithm>

namespace cx::engine {

std::string webhook_base(const EngineOptions& o, const std::string& connector_id) {
  return o.public_url + "/api/payments/v3/connectors/webhooks/" + connector_id;
}

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Plugin install + webhooks + workflow + schedules for a connector row that exists.
void set_up(Engine& e, const LiveConnector& c) {
  const auto& inst = *c.instance;
  const int64_t timeout = e.options().sync_call_timeout_ms;
  boost::json::array workflow;
  if (inst.supports(plugin::Op::Install)) {
    auto out = call_sync(inst, plugin::Op::Install, {{"connectorID", c.record.id}, {"config", c.record.config}}, timeout);
    if (auto* w = out.as_object().if_contains("workflow"); w && w->is_array()) workflow = w->get_array();
  } else {
    workflow = default_workflow(inst.library());
  }
  std::vector<store::WebhookConfigRecord> hooks;
  if (inst.supports(plugin::Op::CreateWebhooks)) {
    auto out = call_sync(inst, plugin::Op::CreateWebhooks,
                         {{"connectorID", c.record.id}, {"webhookBaseURL", webhook_base(e.options(), c.record.id)}}, timeout);
    if (auto* cfgs = out.as_object().if_contains("configs"); cfgs && cfgs->is_array())
      for (auto& v : cfgs->get_array()) {
        auto w = boost::json::value_to<cx::WebhookConfig>(v);
        hooks.push_back(store::WebhookConfigRecord{c.record.id, w.name, w.url_path, w.metadata, 0});
      }
  }
  const int64_t period = polling_period_ms(c.record.config, e.runtime().rules());
  e.db().write([&](store::WriteTx& tx) {
    store::fetch_states::put(tx, c.record.id, kWorkflowKey, workflow);
    if (!hooks.empty()) store::webhook_configs::put(tx, hooks);
    // Open-banking fetches run per ACTIVE connection; their schedules appear with the connections.
    if (!c.open_banking()) schedule_fetches(tx, c.record.id, workflow, period, std::nullopt, std::nullopt);
  });
  // Some providers (Powens) have no API to subscribe webhooks: the operator registers these URLs
  // in the provider's console (also listed by GET /v3/connectors/{id}/webhooks).
  for (auto& h : hooks)
    util::log().info("{}: the provider must deliver {} webhooks to {}{}", connector_label(c.record.name, c.record.provider), h.name,
                     webhook_base(e.options(), c.record.id), h.url_path);
}

/// Plugin uninstall (best effort: a provider that is down must not keep the connector forever),
/// then the connector and everything it owns.
void tear_down(Engine& e, const std::string& connector_id) {
  if (auto live = e.runtime().get(connector_id); live && live->instance->supports(plugin::Op::Uninstall)) {
    auto hooks = e.db().read([&](store::ReadTx& tx) { return store::webhook_configs::list(tx, connector_id); });
    boost::json::array configs;
    for (auto& h : hooks)
      configs.push_back(boost::json::value_from(cx::WebhookConfig{h.name, h.url_path, h.metadata}));
    auto r = live->instance->call(plugin::Op::Uninstall,
                                  boost::json::serialize(boost::json::object{{"connectorID", connector_id}, {"webhookConfigs", configs}}),
                                  util::now_ms() + e.options().sync_call_timeout_ms);
    if (!r.ok())
      util::log().warn("{}: plugin uninstall failed ({}), removing anyway", connector_label(live->record.name, live->record.provider),
                       r.message());
  }
  e.runtime().erase(connector_id);
  plugin::FaultBook::get().forget(connector_id);
  e.db().write([&](store::WriteTx& tx) { store::connectors::remove(tx, connector_id); });
}
}  // namespace

std::string Engine::install(const std::string& provider_raw, const boost::json::object& body) {
  const std::string provider = lower(provider_raw);
  if (!runtime_.registry().find(provider)) throw validation("provider " + provider_raw + " is not available on this server");
  auto config = runtime_.normalize_config(body);
  runtime_.check_config(provider, config);
  ids::ConnectorID cid{provider, util::uuid_v4()};
  store::ConnectorRecord rec;
  rec.id = ids::encode(cid);
  rec.reference = cid.reference;
  rec.name = std::string(config.at("name").as_string());
  rec.provider = provider;
  rec.config = config;
  LiveConnector live{rec, runtime_.instantiate(rec.id, provider, config)};
  try {
    db_.write([&](store::WriteTx& tx) { store::connectors::insert(tx, rec); });
  } catch (const store::Conflict&) {
    throw conflict("name: a connector named \"" + rec.name + "\" already exists");
  }
  try {
    set_up(*this, live);
  } catch (...) {
    db_.write([&](store::WriteTx& tx) { store::connectors::remove(tx, rec.id); });
    throw;
  }
  runtime_.put(live);
  workers_->notify();
  util::log().info("installed {} as {}", connector_label(rec.name, provider), rec.id);
  return rec.id;
}

void Engine::update_config(const std::string& connector_id, const boost::json::object& body) {
  auto current = runtime_.require(connector_id);
  auto config = runtime_.normalize_config(body);
  runtime_.check_config(current.record.provider, config);
  auto instance = runtime_.instantiate(connector_id, current.record.provider, config);
  current.record.config = config;
  current.record.name = std::string(config.at("name").as_string());
  try {
    db_.write([&](store::WriteTx& tx) {
      store::connectors::update_config(tx, connector_id, config);
      store::schedules::set_period(tx, connector_id, polling_period_ms(config, runtime_.rules()));
    });
  } catch (const store::Conflict&) {
    throw conflict("name: a connector named \"" + current.record.name + "\" already exists");
  }
  runtime_.put(LiveConnector{current.record, instance});
}

std::string Engine::uninstall(const std::string& connector_id) {
  connector_of(connector_id);
  bool exists = db_.write([&](store::WriteTx& tx) {
    if (!store::connectors::get(tx, connector_id)) return false;
    store::connectors::set_scheduled_for_deletion(tx, connector_id, true);
    return true;
  });
  if (!exists) throw not_found("connector not found");
  return enqueue(task_type::kUninstall, connector_id, "uninstall-" + util::uuid_v4(), {{"connectorID", connector_id}});
}

std::string Engine::reset(const std::string& connector_id) {
  connector_of(connector_id);
  if (!db_.read([&](store::ReadTx& tx) { return store::connectors::get(tx, connector_id).has_value(); }))
    throw not_found("connector not found");
  return enqueue(task_type::kReset, connector_id, "reset-" + util::uuid_v4(), {{"connectorID", connector_id}});
}

TaskOutcome EngineTasks::uninstall(Engine& e, const store::TaskRecord& t) {
  tear_down(e, std::string(t.payload.at("connectorID").as_string()));
  return TaskOutcome::ok();
}

TaskOutcome EngineTasks::reset(Engine& e, const store::TaskRecord& t) {
  std::string old_id(t.payload.at("connectorID").as_string());
  auto rec = e.db().read([&](store::ReadTx& tx) { return store::connectors::get(tx, old_id); });
  if (!rec) return TaskOutcome::failed(boost::json::object{{"message", "connector not found"}});
  tear_down(e, old_id);
  std::string new_id = e.install(rec->provider, rec->config);
  e.db().write([&](store::WriteTx& tx) {
    store::events::append(tx, store::event_type::kConnectorReset,
                          boost::json::object{{"connectorID", old_id}, {"newConnectorID", new_id}, {"at", tx.now()}});
  });
  return TaskOutcome::ok(new_id);
}

}  // namespace cx::engine
