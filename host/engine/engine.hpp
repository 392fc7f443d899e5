// The engine: everything the daemon does beyond answering reads. Synchronous calls the API makes
// (install, forward, create/update link, webhook verification, redirect completion) and durable
// tasks it runs in the background (fetches, webhook translation, uninstall, reset, deletions),
// each committed to the store together with its results and events.
// Never calls a plugin inside a store write transaction (a plugin may use its state service).
#pragma once

#include "host/engine/errors.hpp"
#include "host/engine/node.hpp"
#include "host/engine/runtime.hpp"
#include "host/engine/workers.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cx::engine {

struct EngineOptions {
  ConfigRules config;
  std::string public_url = "http://127.0.0.1:8080";  ///< base the providers and browsers reach us at
  int workers = 4;
  int64_t sync_call_timeout_ms = 10000;  ///< forward / create-link / redirect completion
  int fetch_page_size = 100;
  int64_t lease_ms = 60000;
  int64_t max_backoff_ms = 100000;
  int max_attempts = 10;  ///< runs per task before it is FAILED for good (kept across restarts)
  int connector_max_concurrency = 0;  ///< tasks of one connector running at once; 0: max(1, workers / 4)
  int64_t webhook_retention_ms = 7LL * 24 * 3600 * 1000;  ///< see WorkerOptions
  /// A webhook whose signature date (verify_webhook's signedAt) is further than this from now,
  /// either way, is refused; a verified delivery's key is kept at least as long (replay guard).
  int64_t webhook_tolerance_ms = 5LL * 60 * 1000;
  /// This daemon as a node of the database (id, heartbeat). On PostgreSQL several nodes share the
  /// database: connectors installed or changed elsewhere are picked up, and expired leases of a
  /// stopped node recovered, at each heartbeat.
  NodeOptions node = {default_node_id()};
};

/// Where providers deliver a connector's webhooks: public_url + "/api/payments/v3/connectors/webhooks/"
/// + connector id; each webhook config's urlPath is appended to it.
std::string webhook_base(const EngineOptions& o, const std::string& connector_id);

/// One inbound HTTP request on a public route.
struct InboundRequest {
  std::string method;
  std::string path;  ///< after /connectors/webhooks/{connectorID}
  std::map<std::string, std::vector<std::string>> headers;  ///< lower-case names
  std::map<std::string, std::vector<std::string>> query;
  std::string body;
};

struct LinkResult {
  std::string attempt_id;
  std::string link;
};

/// How to answer the end user's browser after the provider's redirect.
struct RedirectResult {
  std::optional<std::string> location;  ///< 307 to it, or 204 when absent (noRedirect=true)
};

class Engine {
 public:
  Engine(store::Database& db, plugin::Registry& registry, EngineOptions options);
  ~Engine();

  /// Loads the installed connectors, frees leases a previous process held, starts workers and
  /// the scheduler.
  void start();
  /// Stops taking tasks, lets running ones end or release their lease; returns within ~10 s.
  void stop();

  // ---- connectors ----
  /// Installs `provider` with the body as config; returns the connector id once installed
  /// (plugin install, webhooks created, schedules set). EngineError on refusal.
  std::string install(const std::string& provider, const boost::json::object& body);
  /// Replaces the config (same rules) and reschedules with the new polling period.
  void update_config(const std::string& connector_id, const boost::json::object& body);
  /// Uninstall as a task (plugin uninstall, schedules and data removed); returns the task id.
  std::string uninstall(const std::string& connector_id);
  /// Reinstalls with the same provider and config under a new connector id; returns the task id.
  std::string reset(const std::string& connector_id);

  // ---- payment service users (open banking) ----
  void forward(const std::string& psu_id, const std::string& connector_id);
  LinkResult create_link(const std::string& psu_id, const std::string& connector_id, const boost::json::object& body,
                         const std::optional<std::string>& idempotency_key);
  LinkResult update_link(const std::string& psu_id, const std::string& connector_id, const std::string& connection_id,
                         const boost::json::object& body, const std::optional<std::string>& idempotency_key);
  std::string delete_psu(const std::string& psu_id);
  std::string delete_psu_connector(const std::string& psu_id, const std::string& connector_id);
  std::string delete_connection(const std::string& psu_id, const std::string& connector_id,
                                const std::string& connection_id);

  // ---- public routes ----
  /// Verifies synchronously (401 on failure, nothing stored), stores the webhook once per
  /// idempotency key and queues its translation. 404 for an unknown connector or path.
  void handle_webhook(const std::string& connector_id, const InboundRequest& req);
  /// Checks the state against the stored attempt (400 when missing, forged or replayed), runs
  /// complete_user_link and records the outcome.
  RedirectResult handle_redirect(const std::string& connector_id, const InboundRequest& req);

  Runtime& runtime() { return runtime_; }
  const Runtime& runtime() const { return runtime_; }
  store::Database& db() { return db_; }
  const EngineOptions& options() const { return options_; }
  /// Tasks by state for /metrics.
  WorkerPool::Stats stats() const { return workers_->stats(); }
  /// This daemon's node (id, heartbeat, the other nodes of the database).
  const Node& node() const { return *node_; }

  /// Items committed by fetch tasks and webhooks since start (cx_items_stored_total).
  struct IngestCounts {
    int64_t accounts = 0, balances = 0, payments_inserted = 0, payments_updated = 0, payments_deleted = 0;
  };
  IngestCounts ingest_counts() const;
  /// Adds a page's result; call after its transaction committed.
  void count_ingest(const store::FetchedPageResult& r);

 private:
  friend struct EngineTasks;
  TaskOutcome run_task(const store::TaskRecord& task);
  /// At start and each heartbeat on a shared database: connectors installed, changed or removed by
  /// other nodes, and the tasks of stopped nodes.
  void cluster_chores();
  /// Takes back the tasks whose holder stopped while running them (store::tasks::recover_interrupted):
  /// expired_by unset at a single daemon's start, now on a shared database.
  void recover_interrupted(std::optional<int64_t> expired_by);
  std::string enqueue(const std::string& type, const std::optional<std::string>& connector_id,
                      const std::string& reference, boost::json::object payload);

  store::Database& db_;
  EngineOptions options_;
  Runtime runtime_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Node> node_;
  std::atomic<int64_t> accounts_stored_{0}, balances_stored_{0}, payments_inserted_{0}, payments_updated_{0},
      payments_deleted_{0};
};

}  // namespace cx::engine
