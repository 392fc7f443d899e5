// connectivityd's command line: every flag also reads an environment variable (in brackets in
// --help), as README.md "Running the daemon" lists them.
#pragma once

#include "host/daemon/ledger_options.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace cx::daemon {

struct Options {
  std::string listen = "127.0.0.1:8080";        ///< --listen [CONNECTIVITY_LISTEN]
  std::filesystem::path data_dir = "./data";    ///< --data-dir [CONNECTIVITY_DATA_DIR]
  /// --database-url [CONNECTIVITY_DATABASE_URL]: `sqlite:DIR` or `postgres://…`; empty = sqlite:<data dir>
  std::string database_url;
  std::string node_id;                          ///< --node-id [CONNECTIVITY_NODE_ID]; default <hostname>-<random>
  std::filesystem::path plugin_dir;             ///< --plugin-dir [CONNECTIVITY_PLUGIN_DIR]; default <exe>/../plugins
  std::string public_url;                       ///< --public-url [CONNECTIVITY_PUBLIC_URL]; default http://<listen>
  std::optional<std::filesystem::path> master_key_file;  ///< --master-key-file (else CONNECTIVITY_MASTER_KEY)
  std::optional<std::filesystem::path> tokens_file;      ///< --api-tokens-file (else CONNECTIVITY_API_TOKEN)
  bool insecure_no_auth = false;                ///< --insecure-no-auth (loopback only)
  int workers = 4;                              ///< --workers
  int connector_max_concurrency = 0;            ///< --connector-max-concurrency; 0: max(1, workers / 4)
  int task_max_attempts = 10;                   ///< --task-max-attempts: runs per task before it FAILS
  std::string task_lease = "60s";               ///< --task-lease: a task's lease, renewed every third of it
  std::string polling_period_minimum = "20m";   ///< --polling-period-minimum
  std::string polling_period_default = "30m";   ///< --polling-period-default
  int http_threads = 0;                         ///< --http-threads; 0: the server's default
  // The HTTP front door's limits (cx::api::ServerOptions); 0: the server's default.
  int http_head_timeout_ms = 0;                 ///< --http-head-timeout-ms
  int http_body_timeout_ms = 0;                 ///< --http-body-timeout-ms
  int http_keep_alive_ms = 0;                   ///< --http-keep-alive-ms
  int http_max_connections = 0;                 ///< --http-max-connections
  int http_max_connections_per_peer = 0;        ///< --http-max-connections-per-peer
  std::string webhook_retention = "168h";       ///< --webhook-retention (a Go duration)
  std::string plugin_isolation = "process";     ///< --plugin-isolation process|in-process [CONNECTIVITY_PLUGIN_ISOLATION]
  int64_t plugin_memory_limit = 512ll << 20;    ///< --plugin-memory-limit, bytes (RLIMIT_AS of each runner)
  std::string plugin_call_timeout = "5m";       ///< --plugin-call-timeout: longest any one op may run (Go duration)
  std::string webhook_tolerance = "5m";         ///< --webhook-tolerance (a Go duration)
  std::string reconcile_safety_margin = "1m";   ///< --reconcile-safety-margin [CONNECTIVITY_RECONCILE_SAFETY_MARGIN]
  LedgerOptions ledger;                         ///< --ledger-* (ledger_options.hpp): reconciliation's ledger
  // Outbound webhooks (host/daemon/webhook_flags.hpp; durations are Go durations).
  bool webhooks_allow_insecure = false;         ///< --webhooks-allow-insecure: http to loopback endpoints
  bool webhooks_allow_private = false;          ///< --webhooks-allow-private: private-range endpoints
  std::string webhooks_min_backoff = "1m";      ///< --webhooks-min-backoff
  std::string webhooks_max_backoff = "1h";      ///< --webhooks-max-backoff
  std::string webhooks_abort_after = "10h";     ///< --webhooks-abort-after
  int webhooks_max_attempts = 15;               ///< --webhooks-max-attempts
  int webhooks_senders = 8;                     ///< --webhooks-senders
  int webhooks_inflight_per_endpoint = 4;       ///< --webhooks-inflight-per-endpoint
  std::string webhooks_poll_interval = "200ms"; ///< --webhooks-poll-interval
  std::string webhooks_timeout = "30s";         ///< --webhooks-timeout
  std::string webhooks_delivery_retention = "720h";  ///< --webhooks-delivery-retention

  std::string host() const { return listen.substr(0, listen.rfind(':')); }
  int port() const { return std::stoi(listen.substr(listen.rfind(':') + 1)); }
};

}  // namespace cx::daemon
