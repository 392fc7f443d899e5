// The installed connectors as live plugin instances, by connector id. An instance is created
// from the stored config with its own host services: egress allowlist from the config, plugin
// state in the store (sealed), secrets redacted from its logs.
#pragma once

#include "host/plugin/instance.hpp"
#include "host/plugin/registry.hpp"
#include "host/store/store.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cx::engine {

struct LiveConnector {
  store::ConnectorRecord record;
  std::shared_ptr<plugin::ConnectorInstance> instance;
  bool open_banking() const { return instance->library().has_capability(CX_CAP_OPEN_BANKING); }
};

struct ConfigRules {
  int64_t default_polling_ms = 30 * 60 * 1000;
  int64_t minimum_polling_ms = 20 * 60 * 1000;
};

class Runtime {
 public:
  Runtime(store::Database& db, plugin::Registry& registry, ConfigRules rules);

  /// The stored config of an install or PATCH body: provider's plugin fields plus `name`
  /// (3–500 chars) and `pollingPeriod` (Go duration, default 30m; below the server minimum it is
  /// raised to the minimum with a logged warning; stored as Go
  /// formats it: "30m0s"); `provider` and the deprecated `pageSize` are dropped.
  /// Throws EngineError VALIDATION naming the field.
  boost::json::object normalize_config(const boost::json::object& body) const;

  /// Checks a normalized config against the provider plugin's config schema (required, type,
  /// format, enum, minimum/maximum; connectivity/config.hpp, the rules the SDK gives plugins),
  /// before any instance is created. Throws EngineError VALIDATION (400) whose message names
  /// every bad field, the first one first; 400 when the provider is not loaded.
  void check_config(const std::string& provider, const boost::json::object& config) const;

  /// A new instance for a connector; the plugin validates its own fields (EngineError 400 with
  /// the plugin's message on refusal; 400 when the provider is not loaded).
  std::shared_ptr<plugin::ConnectorInstance> instantiate(const std::string& connector_id, const std::string& provider,
                                                         const boost::json::object& config) const;

  void put(LiveConnector c);
  void erase(const std::string& connector_id);
  std::optional<LiveConnector> get(const std::string& connector_id) const;
  /// As get(), or EngineError 404 "connector not found".
  LiveConnector require(const std::string& connector_id) const;
  std::vector<LiveConnector> all() const;

  /// Instantiates every stored connector (daemon start). A connector whose plugin is missing or
  /// refuses its config is logged and skipped, so it can still be uninstalled.
  void load_all();

  /// A shared database (several nodes): makes the live set match the stored connectors, loading
  /// those installed by another node, re-creating those whose config changed (updated_at moved and
  /// the config differs) and dropping those removed. Cheap when nothing changed (ids and
  /// timestamps only). Also called by get() on a miss when the database is shared.
  void refresh();

  plugin::Registry& registry() { return registry_; }
  const ConfigRules& rules() const { return rules_; }

 private:
  std::optional<LiveConnector> get_loaded(const std::string& id) const;

  store::Database& db_;
  plugin::Registry& registry_;
  ConfigRules rules_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, LiveConnector> live_;
  std::mutex refresh_mu_;  ///< one refresh at a time (instantiating may start a plugin runner)
  std::unordered_map<std::string, int64_t> refused_;  ///< id → updated_at that failed to load (under refresh_mu_)
};

/// Polling period of a stored config, in ms.
int64_t polling_period_ms(const boost::json::object& config, const ConfigRules& rules);

}  // namespace cx::engine
