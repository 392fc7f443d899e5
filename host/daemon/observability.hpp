// Feeds /metrics from the engine: plugin calls by connector, op and outcome, tasks by state, and
// cx_items_stored_total{kind,change}: items committed by fetches and webhooks (what the ingest
// benchmarks poll).
#pragma once

#include "host/api/metrics.hpp"
#include "host/engine/engine.hpp"

namespace cx::daemon {

/// Installs the plugin call observer and the task-state source. The engine must outlive metrics
/// scrapes (the daemon stops the HTTP server before the engine).
void observe(api::Metrics& metrics, engine::Engine& engine);

/// /_info's node members: {"node": {id, startedAt, heartbeatAt}, "database": {backend, location
/// (password redacted)}, "nodes": [{id, version, startedAt, heartbeatAt, live}]} (RFC 3339, UTC).
boost::json::object node_info(const engine::Engine& engine, const store::Database& db);

}  // namespace cx::daemon
