#include "host/daemon/isolation.hpp"

#include "host/engine/duration.hpp"
#include "host/plugin/call_cap.hpp"
#include "host/plugin/faults.hpp"
#include "host/plugin/isolated.hpp"
#include "host/util/log.hpp"

namespace cx::daemon {

void set_up_isolation(const Options& o, const std::filesystem::path& exe_dir, store::Database& db,
                      const plugin::Registry& registry) {
  plugin::IsolationSettings s;
  s.process = o.plugin_isolation == "process";
  s.runner = exe_dir / "connectivity-plugin-host";
  s.memory_limit_bytes = o.plugin_memory_limit;
  if (s.process && !std::filesystem::is_regular_file(s.runner))
    throw std::runtime_error("--plugin-isolation process: runner " + s.runner.string() + " not found");
  plugin::set_isolation(s);
  auto cap = engine::parse_duration_ms(o.plugin_call_timeout);
  if (!cap || *cap <= 0) throw std::runtime_error("--plugin-call-timeout: not a positive duration");
  plugin::set_call_timeout_cap(*cap);
  plugin::FaultBook::get().open(o.data_dir / "plugin-quarantine.json");

  auto left = plugin::InflightJournal::get().open(o.data_dir / "plugin-inflight.map");
  if (!s.process) {
    if (!left.empty()) {
      auto records = db.read([](store::ReadTx& tx) { return store::connectors::all(tx); });
      for (auto& [id, op] : left)
        for (auto& r : records)
          if (r.id == id) {
            auto lib = registry.find(r.provider);
            plugin::FaultBook::get().quarantine(
                plugin::ConnectorLabel{r.id, r.name, r.provider, lib ? lib->path().string() : std::string()},
                "the previous daemon process ended while " + op + " was running in-process");
          }
    }
  }
  util::log().info("plugins run {}{}", s.process ? "isolated, one runner process per connector" : "in-process",
                   s.process ? " (address-space limit " + std::to_string(s.memory_limit_bytes >> 20) + " MiB)" : "");
}

}  // namespace cx::daemon
