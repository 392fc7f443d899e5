#include "host/engine/runtime.hpp"

#include "host/engine/duration.hpp"
#include "host/engine/errors.hpp"
#include "host/engine/internal.hpp"
#include "host/util/log.hpp"

#include <connectivity/config.hpp>

#include <algorithm>
#include <mutex>

namespace cx::engine {

namespace {
/// plugin state (cx_host_api state_*) in the store, one short transaction per call.
class StoredPluginState final : public plugin::StateStore {
 public:
  StoredPluginState(store::Database& db, std::string connector_id) : db_(db), connector_id_(std::move(connector_id)) {}
  std::optional<std::string> get(const std::string& key) override {
    return db_.read([&](store::ReadTx& tx) { return store::plugin_state::get(tx, connector_id_, key); });
  }
  void put(const std::string& key, const std::string& value) override {
    db_.write([&](store::WriteTx& tx) { store::plugin_state::put(tx, connector_id_, key, value); });
  }
  void erase(const std::string& key) override {
    db_.write([&](store::WriteTx& tx) { store::plugin_state::remove(tx, connector_id_, key); });
  }

 private:
  store::Database& db_;
  std::string connector_id_;
};

bool looks_secret(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"secret", "token", "key", "password"})
    if (k.find(word) != std::string::npos) return true;
  return false;
}
}  // namespace

Runtime::Runtime(store::Database& db, plugin::Registry& registry, ConfigRules rules)
    : db_(db), registry_(registry), rules_(rules) {}

int64_t polling_period_ms(const boost::json::object& config, const ConfigRules& rules) {
  if (auto* p = config.if_contains("pollingPeriod"); p && p->is_string())
    if (auto ms = parse_duration_ms(p->get_string())) return *ms;
  return rules.default_polling_ms;
}

boost::json::object Runtime::normalize_config(const boost::json::object& body) const {
  boost::json::object cfg = body;
  cfg.erase("provider");
  cfg.erase("pageSize");
  auto* name = cfg.if_contains("name");
  if (!name || !name->is_string()) throw validation("name: required string");
  size_t len = name->get_string().size();
  if (len < 3 || len > 500) throw validation("name: must be between 3 and 500 characters");
  int64_t period = rules_.default_polling_ms;
  if (auto* p = cfg.if_contains("pollingPeriod"); p && !p->is_null()) {
    std::optional<int64_t> ms;
    if (p->is_string()) ms = parse_duration_ms(p->get_string());
    else if (p->is_int64() && p->get_int64() >= 0) ms = p->get_int64() / 1000000;  // Go nanoseconds
    if (!ms) throw validation("pollingPeriod: not a duration (e.g. \"30m\")");
    period = *ms;
    // Below the server's floor (e.g. the generic sandbox example's "2m" under the default 20m):
    // installed at the floor, with a warning, rather than refused (README.md, "pollingPeriod below the minimum").
    if (period < rules_.minimum_polling_ms) {
      util::log().warn("connector \"{}\": pollingPeriod {} is below the server minimum; using {}",
                       std::string(name->get_string()), format_duration(period),
                       format_duration(rules_.minimum_polling_ms));
      period = rules_.minimum_polling_ms;
    }
  }
  cfg["pollingPeriod"] = format_duration(period);
  return cfg;
}

void Runtime::check_config(const std::string& provider, const boost::json::object& config) const {
  auto lib = registry_.find(provider);
  if (!lib) throw validation("provider " + provider + " is not available on this server");
  const char* schema = lib->descriptor().config_schema_json;
  if (!schema || !*schema) return;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(schema, ec);
  if (ec || !parsed.is_object()) return;  // the loader checked it parses; nothing to apply otherwise
  auto problems = cx::config::check(parsed.get_object(), config);
  if (problems.empty()) return;
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p.message;
  throw validation(message);
}

std::shared_ptr<plugin::ConnectorInstance> Runtime::instantiate(const std::string& connector_id,
                                                                const std::string& provider,
                                                                const boost::json::object& config) const {
  auto lib = registry_.find(provider);
  if (!lib) throw validation("provider " + provider + " is not available on this server");
  std::string text = boost::json::serialize(config);
  plugin::ServiceDeps deps;
  deps.connector_id = connector_id;
  deps.http = std::make_shared<net::HttpClient>(net::allowlist_from_config(text, lib->descriptor().config_schema_json));
  deps.state = std::make_shared<StoredPluginState>(db_, connector_id);
  deps.clock = [this] { return db_.now(); };
  for (auto& [k, v] : config)
    if (v.is_string() && looks_secret(k)) deps.secrets.emplace_back(v.get_string());
  try {
    auto* name = config.if_contains("name");
    auto services = std::make_unique<plugin::HostServices>(std::move(deps));
    if (name && name->is_string()) services->set_label(connector_label(std::string(name->get_string()), provider));
    return plugin::ConnectorInstance::create(lib, std::move(services), text,
                                             name && name->is_string() ? std::string(name->get_string()) : connector_id);
  } catch (const plugin::CreateError& e) {
    std::string msg = e.field.empty() || std::string(e.what()).find(e.field) != std::string::npos
                          ? e.what()
                          : e.field + ": " + e.what();
    throw EngineError(e.code == CX_ERR_INVALID_ARGUMENT ? 400 : 500,
                      e.code == CX_ERR_INVALID_ARGUMENT ? "VALIDATION" : "INTERNAL", msg);
  }
}

void Runtime::put(LiveConnector c) {
  std::unique_lock lock(mu_);
  live_[c.record.id] = std::move(c);
}

void Runtime::erase(const std::string& id) {
  std::unique_lock lock(mu_);
  live_.erase(id);
}

std::optional<LiveConnector> Runtime::get(const std::string& id) const {
  {
    std::shared_lock lock(mu_);
    auto it = live_.find(id);
    if (it != live_.end()) return it->second;
  }
  if (!db_.shared()) return std::nullopt;
  // Installed through another node a moment ago (a webhook or redirect may come before our
  // next heartbeat's refresh).
  const_cast<Runtime*>(this)->refresh();
  std::shared_lock lock(mu_);
  auto it = live_.find(id);
  if (it == live_.end()) return std::nullopt;
  return it->second;
}

LiveConnector Runtime::require(const std::string& id) const {
  auto c = get(id);
  if (!c) throw not_found("connector not found");
  return *c;
}

std::vector<LiveConnector> Runtime::all() const {
  std::shared_lock lock(mu_);
  std::vector<LiveConnector> out;
  for (auto& [id, c] : live_) out.push_back(c);
  return out;
}

void Runtime::refresh() {
  std::lock_guard serial(refresh_mu_);
  auto stored = db_.read([](store::ReadTx& tx) { return store::connectors::versions(tx); });
  std::vector<std::string> gone, stale;
  {
    std::shared_lock lock(mu_);
    for (auto& [id, c] : live_) {
      auto it = stored.find(id);
      if (it == stored.end()) gone.push_back(id);
      else if (it->second != c.record.updated_at) stale.push_back(id);
    }
    for (auto& [id, at] : stored)
      if (!live_.count(id)) stale.push_back(id);
  }
  for (auto& id : gone) {
    erase(id);
    util::log().info("connector {} removed by another node: unloaded", id);
  }
  for (auto& id : stale) {
    if (auto it = refused_.find(id); it != refused_.end() && it->second == stored[id]) continue;  // logged once
    auto r = db_.read([&](store::ReadTx& tx) { return store::connectors::get(tx, id); });
    if (!r) continue;
    auto current = get_loaded(id);
    if (current && current->record.config == r->config && current->record.name == r->name) {
      current->record.updated_at = r->updated_at;  // changed and changed back, or our own update
      put(std::move(*current));
      continue;
    }
    try {
      put(LiveConnector{*r, instantiate(r->id, r->provider, r->config)});
      util::log().info("{} {} from the database", connector_label(r->name, r->provider), current ? "reloaded" : "loaded");
    } catch (const std::exception& e) {
      refused_[id] = r->updated_at;
      util::log().error("{} not loaded: {}", connector_label(r->name, r->provider), e.what());
    }
  }
}

std::optional<LiveConnector> Runtime::get_loaded(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = live_.find(id);
  if (it == live_.end()) return std::nullopt;
  return it->second;
}

void Runtime::load_all() {
  auto records = db_.read([](store::ReadTx& tx) { return store::connectors::all(tx); });
  for (auto& r : records) {
    try {
      put(LiveConnector{r, instantiate(r.id, r.provider, r.config)});
    } catch (const std::exception& e) {
      util::log().error("{} not loaded: {}", connector_label(r.name, r.provider), e.what());
    }
  }
}

}  // namespace cx::engine
