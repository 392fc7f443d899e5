#include "host/daemon/observability.hpp"

#include "host/plugin/faults.hpp"

#include <connectivity/time.hpp>

#include <map>
#include <mutex>
#include <tuple>

namespace cx::daemon {

namespace {
const char* outcome_name(int32_t code) {
  switch (code) {
    case CX_OK: return "ok";
    case CX_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case CX_ERR_UNSUPPORTED: return "unsupported";
    case CX_ERR_NOT_FOUND: return "not_found";
    case CX_ERR_AUTH: return "auth";
    case CX_ERR_RATE_LIMITED: return "rate_limited";
    case CX_ERR_UPSTREAM: return "upstream";
    case CX_ERR_TIMEOUT: return "timeout";
    default: return "internal";
  }
}

struct CallCounts {
  std::mutex mu;
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> counts;
};
}  // namespace

void observe(api::Metrics& metrics, engine::Engine& engine) {
  auto counts = std::make_shared<CallCounts>();
  plugin::set_call_observer([counts](const std::string& connector, plugin::Op op, int32_t code, double) {
    std::lock_guard lock(counts->mu);
    ++counts->counts[{connector, plugin::op_name(op), outcome_name(code)}];
  });
  metrics.set_plugin_calls([counts] {
    std::lock_guard lock(counts->mu);
    std::vector<api::Metrics::PluginCall> out;
    for (auto& [k, n] : counts->counts) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
    return out;
  });
  metrics.set_task_states([&engine] {
    auto s = engine.stats();
    return std::map<std::string, int64_t>{
        {"running", s.running}, {"succeeded", s.succeeded}, {"failed", s.failed}, {"retried", s.retried}};
  });
  metrics.add_family("cx_connector_quarantined", "1 for each connector whose plugin is quarantined.", "gauge", [] {
    std::vector<api::MetricSample> out;
    for (auto& q : plugin::FaultBook::get().all())
      out.push_back({{{"connector", q.connector.id}, {"name", q.connector.name}, {"provider", q.connector.provider}}, 1});
    return out;
  });
  metrics.add_family("cx_items_stored_total", "Items committed by fetches and webhooks, by kind and change.", "counter",
                     [&engine] {
                       auto c = engine.ingest_counts();
                       auto sample = [](const char* kind, const char* change, int64_t n) {
                         return api::MetricSample{{{"kind", kind}, {"change", change}}, static_cast<double>(n)};
                       };
                       return std::vector<api::MetricSample>{sample("account", "inserted", c.accounts),
                                                             sample("balance", "inserted", c.balances),
                                                             sample("payment", "inserted", c.payments_inserted),
                                                             sample("payment", "updated", c.payments_updated),
                                                             sample("payment", "deleted", c.payments_deleted)};
                     });
  const std::string backend = store::db::backend_name(engine.db().backend());
  metrics.add_family("cx_node_info", "1, labelled with this node's id and the database backend.", "gauge",
                     [&engine, backend] {
                       return std::vector<api::MetricSample>{{{{"node", engine.node().id()}, {"backend", backend}}, 1}};
                     });
  metrics.add_family("cx_node_heartbeat_timestamp_seconds", "When this node last wrote its heartbeat (Unix time).",
                     "gauge", [&engine] {
                       return std::vector<api::MetricSample>{
                           {{{"node", engine.node().id()}}, static_cast<double>(engine.node().heartbeat_at()) / 1000.0}};
                     });
  metrics.add_family("cx_cluster_nodes", "Nodes of the database by state: live (heartbeat within the window) or gone.",
                     "gauge", [&engine] {
                       double live = 0, gone = 0;
                       for (auto& p : engine.node().peers()) ++(p.live ? live : gone);
                       return std::vector<api::MetricSample>{{{{"state", "live"}}, live}, {{{"state", "gone"}}, gone}};
                     });
}

boost::json::object node_info(const engine::Engine& engine, const store::Database& db) {
  const auto& node = engine.node();
  boost::json::array nodes;
  for (auto& p : node.peers())
    nodes.push_back(boost::json::object{{"id", p.record.node_id},
                                        {"version", p.record.version},
                                        {"startedAt", time::format_rfc3339(p.record.started_at)},
                                        {"heartbeatAt", time::format_rfc3339(p.record.heartbeat_at)},
                                        {"live", p.live}});
  return boost::json::object{
      {"node",
       boost::json::object{{"id", node.id()},
                           {"startedAt", time::format_rfc3339(node.started_at())},
                           {"heartbeatAt", time::format_rfc3339(node.heartbeat_at())}}},
      {"database",
       boost::json::object{{"backend", store::db::backend_name(db.backend())}, {"location", db.location()}}},
      {"nodes", std::move(nodes)}};
}

}  // namespace cx::daemon
