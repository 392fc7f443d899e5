// connectivityd — the Connectivity daemon.
//   connectivityd [--listen HOST:PORT] [--data-dir DIR] [--plugin-dir DIR] [--public-url URL] …
//   connectivityd keys rotate --new-master-key-file FILE [--data-dir DIR] [--master-key-file OLD]
// Exit codes: 0 after SIGTERM/SIGINT, 1 when it cannot start (the message says why), 2 on usage.
// SIGHUP re-reads the API tokens file (systemctl reload).
#include "host/api/auth.hpp"
#include "host/api/engine_backend.hpp"
#include "host/api/http_server.hpp"
#include "host/api/reconcile_monitor.hpp"
#include "host/api/routes.hpp"
#include "host/daemon/allocator.hpp"
#include "host/daemon/isolation.hpp"
#include "host/daemon/observability.hpp"
#include "host/daemon/options.hpp"
#include "host/daemon/webhook_flags.hpp"
#include "host/api/outbound_routes.hpp"
#include "host/engine/duration.hpp"
#include "host/reconciliation/client_side.hpp"
#include "host/store/store.hpp"
#include "host/util/log.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <sys/file.h>
#include <unistd.h>

namespace {

using cx::daemon::Options;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::filesystem::path exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : p.parent_path();
}

/// One daemon per data directory: the lock file is held for the process's lifetime.
int lock_data_dir(const std::filesystem::path& dir) {
  auto path = dir / "connectivityd.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0)
    throw std::runtime_error("data directory " + dir.string() + " is in use by another connectivityd (" + path.string() + ")");
  return fd;
}

cx::crypto::MasterKey master_key(const Options& o) {
  cx::crypto::MasterKeySource src;
  src.file = o.master_key_file;
  src.base64 = env("CONNECTIVITY_MASTER_KEY");
  src.data_dir = o.data_dir;
  return cx::crypto::MasterKey::resolve(src);
}

/// --database-url, or the SQLite file in the data directory.
cx::store::db::DatabaseUrl database_url(const Options& o) {
  if (o.database_url.empty()) return cx::store::db::DatabaseUrl::parse("sqlite:" + o.data_dir.string());
  try {
    return cx::store::db::DatabaseUrl::parse(o.database_url);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("--database-url: ") + e.what());
  }
}

std::unique_ptr<cx::store::Database> open_store(const Options& o, const cx::store::db::DatabaseUrl& url) {
  cx::store::DatabaseOptions db;
  db.url = url;
  // Every node of a cluster must hold the same master key: a key generated into one node's data
  // directory would seal data the other nodes cannot open.
  if (db.url->backend == cx::store::db::Backend::postgres && !o.master_key_file && !env("CONNECTIVITY_MASTER_KEY"))
    throw std::runtime_error(
        "--database-url postgres://…: give the cluster's master key with --master-key-file or "
        "CONNECTIVITY_MASTER_KEY (the same key on every node); it is never generated for a shared database");
  return std::make_unique<cx::store::Database>(db, master_key(o));
}

int rotate_keys(const Options& o, const std::filesystem::path& new_key_file) {
  auto db = open_store(o, database_url(o));
  cx::store::rotate_master_key(*db, cx::crypto::MasterKey::from_file(new_key_file));
  std::cout << "every data key is now wrapped by the master key in " << new_key_file.string()
            << "; start the daemon with --master-key-file " << new_key_file.string() << "\n";
  return 0;
}

/// SIGHUP (`systemctl reload`): the tokens file is read again (CONNECTIVITY_API_TOKEN cannot
/// change in a running process). A file that cannot be read keeps the current tokens.
void reload_tokens(cx::api::Api& api, const cx::api::AuthSettings& auth) {
  try {
    auto setup = cx::api::configure_auth(auth);
    size_t n = setup.authenticator.token_count();
    api.set_authenticator(std::move(setup.authenticator));
    cx::util::log().info("SIGHUP: API tokens reloaded ({} accepted)", n);
  } catch (const std::exception& e) {
    cx::util::log().error("SIGHUP: API tokens not reloaded, keeping the current ones: {}", e.what());
  }
}

int serve(Options o) {
  // Signals are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reload the API tokens
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::filesystem::create_directories(o.data_dir);
  std::filesystem::permissions(o.data_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  // SQLite: one daemon per data directory. PostgreSQL: any number of nodes share the database and
  // coordinate through its rows (docs/postgres.md).
  const auto url = database_url(o);
  int lock_fd = url.backend == cx::store::db::Backend::postgres ? -1 : lock_data_dir(o.data_dir);
  if (o.node_id.empty()) o.node_id = cx::engine::default_node_id();
  if (o.plugin_dir.empty()) o.plugin_dir = exe_dir() / ".." / "plugins";
  if (o.public_url.empty()) o.public_url = "http://" + o.listen;

  cx::util::log().info("memory allocator: {}", cx::daemon::allocator_summary());
  // The Formance Ledger that reconciliation reads; checked before anything starts.
  const cx::recon::LedgerConfig ledger = cx::daemon::ledger_config(o.ledger);
  if (!ledger.url.empty())
    cx::util::log().info("reconciliation ledger: {} ({})", ledger.url,
                         !ledger.client_id.empty() ? "OAuth2 client credentials" : !ledger.bearer_token.empty() ? "bearer token" : "no auth");
  auto db = open_store(o, url);
  cx::plugin::Registry registry;
  registry.load_directory(o.plugin_dir);
  for (auto& r : registry.refusals()) cx::util::log().warn("plugin refused: {}", r.message);
  for (auto& lib : registry.all())
    cx::util::log().info("plugin {} {} loaded from {}", lib->id(), lib->descriptor().version, lib->path().string());
  cx::daemon::set_up_isolation(o, exe_dir(), *db, registry);

  cx::engine::EngineOptions eo;
  eo.public_url = o.public_url;
  eo.workers = o.workers;
  eo.connector_max_concurrency = o.connector_max_concurrency;
  eo.max_attempts = o.task_max_attempts;
  auto lease = cx::engine::parse_duration_ms(o.task_lease);
  if (!lease || *lease < 300) throw std::runtime_error("--task-lease: not a duration of at least 300ms");
  eo.lease_ms = *lease;
  auto minimum = cx::engine::parse_duration_ms(o.polling_period_minimum);
  auto dflt = cx::engine::parse_duration_ms(o.polling_period_default);
  if (!minimum || !dflt) throw std::runtime_error("--polling-period-minimum / --polling-period-default: not a duration");
  eo.config.minimum_polling_ms = *minimum;
  eo.config.default_polling_ms = *dflt;
  auto retention = cx::engine::parse_duration_ms(o.webhook_retention);
  if (!retention || *retention <= 0) throw std::runtime_error("--webhook-retention: not a positive duration");
  eo.webhook_retention_ms = *retention;
  auto tolerance = cx::engine::parse_duration_ms(o.webhook_tolerance);
  if (!tolerance || *tolerance <= 0) throw std::runtime_error("--webhook-tolerance: not a positive duration");
  eo.webhook_tolerance_ms = *tolerance;
  eo.node.id = o.node_id;
  eo.node.version = CX_VERSION;
  cx::engine::Engine engine(*db, registry, eo);

  cx::api::AuthSettings auth;
  auth.env_tokens = env("CONNECTIVITY_API_TOKEN");
  auth.tokens_file = o.tokens_file;
  auth.data_dir = o.data_dir;
  auth.insecure_no_auth = o.insecure_no_auth;
  auth.listen_host = o.host();
  auto setup = cx::api::configure_auth(auth);
  auto metrics = std::make_shared<cx::api::Metrics>();
  cx::api::Api api(setup.authenticator, metrics);
  cx::api::EngineBackend backend(engine, registry);
  const cx::recon::LedgerSide ledger_side = cx::recon::client_side(ledger);
  cx::api::add_all_routes(api, cx::api::Services{*db, backend, CX_VERSION, ledger_side,
                                                 [&engine, &db] { return cx::daemon::node_info(engine, *db); }});
  cx::outbound::Dispatcher webhooks(*db, cx::daemon::webhook_options(o));
  cx::api::add_outbound_webhook_routes(api, *db, webhooks);
  auto margin = cx::engine::parse_duration_ms(o.reconcile_safety_margin);
  if (!margin) throw std::runtime_error("--reconcile-safety-margin: not a duration");
  cx::api::ReconcileMonitor monitor(*db, ledger_side, *margin);
  cx::daemon::observe(*metrics, engine);

  cx::api::ServerOptions so;
  so.host = o.host();
  so.port = o.port();
  so.threads = o.http_threads;
  auto set_if = [](int& field, int value) {
    if (value > 0) field = value;
  };
  set_if(so.head_timeout_ms, o.http_head_timeout_ms);
  set_if(so.body_timeout_ms, o.http_body_timeout_ms);
  set_if(so.keep_alive_ms, o.http_keep_alive_ms);
  set_if(so.max_connections, o.http_max_connections);
  set_if(so.max_connections_per_peer, o.http_max_connections_per_peer);
  cx::api::HttpServer server(api, so);
  server.bind();
  engine.start();
  monitor.start();
  webhooks.start();
  server.start();
  cx::util::log().info("connectivityd listening on http://{}:{} (public URL {})", so.host, server.port(), o.public_url);
  if (setup.generated_token_file)
    cx::util::log().info("API token generated; read it with: cat {}", setup.generated_token_file->string());
  if (!setup.authenticator.enabled()) cx::util::log().warn("--insecure-no-auth: the API accepts unauthenticated requests");

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    reload_tokens(api, auth);
  }
  cx::util::log().info("signal {} received: stopping", sig);
  server.stop();
  monitor.stop();
  engine.stop();
  webhooks.stop();
  cx::plugin::InflightJournal::get().clear();  // a clean stop: no connector was left inside its plugin
  db.reset();
  if (lock_fd >= 0) ::close(lock_fd);
  cx::util::log().info("stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"connectivityd: the Connectivity v3 API, connector plugins, sync engine and encrypted store"};
  app.add_option("--listen", o.listen, "HOST:PORT to serve on")->envname("CONNECTIVITY_LISTEN");
  app.add_option("--data-dir", o.data_dir, "directory of the database and generated keys")->envname("CONNECTIVITY_DATA_DIR");
  app.add_option("--database-url", o.database_url,
                 "sqlite:DIR (default: sqlite:<data dir>) or postgres://USER@HOST:PORT/DB (several nodes share it)")
      ->envname("CONNECTIVITY_DATABASE_URL");
  app.add_option("--node-id", o.node_id, "this node's name in /_info, /metrics and task leases (default: hostname-random)")
      ->envname("CONNECTIVITY_NODE_ID");
  app.add_option("--plugin-dir", o.plugin_dir, "directory of connector plugins (*.so)")->envname("CONNECTIVITY_PLUGIN_DIR");
  app.add_option("--public-url", o.public_url, "base URL providers and browsers reach this daemon at")
      ->envname("CONNECTIVITY_PUBLIC_URL");
  app.add_option("--master-key-file", o.master_key_file, "master key file (else CONNECTIVITY_MASTER_KEY, base64)");
  app.add_option("--api-tokens-file", o.tokens_file, "API bearer tokens, one per line (else CONNECTIVITY_API_TOKEN)");
  app.add_flag("--insecure-no-auth", o.insecure_no_auth, "no API authentication (loopback listen address only)");
  app.add_option("--workers", o.workers, "task worker threads")->check(CLI::Range(1, 64));
  app.add_option("--connector-max-concurrency", o.connector_max_concurrency,
                 "tasks of one connector running at once (default: a quarter of --workers, at least 1)")
      ->check(CLI::Range(1, 64))
      ->envname("CONNECTIVITY_CONNECTOR_MAX_CONCURRENCY");
  app.add_option("--task-max-attempts", o.task_max_attempts, "runs of a task before it is failed for good")
      ->check(CLI::Range(1, 1000))
      ->envname("CONNECTIVITY_TASK_MAX_ATTEMPTS");
  app.add_option("--task-lease", o.task_lease,
                 "how long a worker holds a task before another may take it; renewed while it runs (Go duration)")
      ->envname("CONNECTIVITY_TASK_LEASE");
  app.add_option("--http-threads", o.http_threads, "HTTP worker threads (default: twice the cores, at least 4)")->check(CLI::Range(1, 256));
  app.add_option("--http-head-timeout-ms", o.http_head_timeout_ms,
                 "a request's head must arrive within this long of its first byte (default 10000)")
      ->check(CLI::Range(100, 600'000));
  app.add_option("--http-body-timeout-ms", o.http_body_timeout_ms,
                 "a request's body must arrive within this long of its head; also bounds writing an answer (default 60000)")
      ->check(CLI::Range(100, 3'600'000));
  app.add_option("--http-keep-alive-ms", o.http_keep_alive_ms, "idle keep-alive connections close after this long (default 5000)")
      ->check(CLI::Range(100, 600'000));
  app.add_option("--http-max-connections", o.http_max_connections,
                 "open HTTP connections in total; past it new ones get 503 (default 1000)")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--http-max-connections-per-peer", o.http_max_connections_per_peer,
                 "open HTTP connections from one IP address; past it new ones get 503 (default 256)")
      ->check(CLI::Range(1, 1'000'000));
  cx::daemon::add_webhook_flags(app, o);
  app.add_option("--polling-period-minimum", o.polling_period_minimum, "smallest pollingPeriod a connector may use");
  app.add_option("--polling-period-default", o.polling_period_default, "pollingPeriod when a connector sets none");
  app.add_option("--webhook-retention", o.webhook_retention,
                 "how long received webhook bodies are kept (Go duration, e.g. 168h)")
      ->envname("CONNECTIVITY_WEBHOOK_RETENTION");
  app.add_option("--reconcile-safety-margin", o.reconcile_safety_margin,
                 "policies with an interval are reconciled at now minus this (a Go duration)")
      ->envname("CONNECTIVITY_RECONCILE_SAFETY_MARGIN");
  app.add_option("--webhook-tolerance", o.webhook_tolerance,
                 "how far a webhook's signature date may be from now, either way; replays are refused for as "
                 "long (Go duration, e.g. 5m)")
      ->envname("CONNECTIVITY_WEBHOOK_TOLERANCE");

  app.add_option("--plugin-isolation", o.plugin_isolation,
                 "process: each connector's plugin runs in a runner process of its own; in-process: in the daemon")
      ->check(CLI::IsMember({"process", "in-process"}))
      ->envname("CONNECTIVITY_PLUGIN_ISOLATION");
  app.add_option("--plugin-memory-limit", o.plugin_memory_limit,
                 "address-space limit of each plugin runner (e.g. 512MiB; 0 = none)")
      ->transform(CLI::AsSizeValue(false))
      ->envname("CONNECTIVITY_PLUGIN_MEMORY_LIMIT");

  app.add_option("--plugin-call-timeout", o.plugin_call_timeout,
                 "longest any one plugin op may run (Go duration); isolated, a runner past it is killed")
      ->envname("CONNECTIVITY_PLUGIN_CALL_TIMEOUT");

  cx::daemon::add_ledger_options(app, o.ledger);

  auto* keys = app.add_subcommand("keys", "master key management");
  auto* rotate = keys->add_subcommand("rotate", "re-wrap every data key under a new master key");
  std::filesystem::path new_key;
  rotate->add_option("--new-master-key-file", new_key, "the new master key (32 bytes, raw or base64)")->required();
  keys->require_subcommand(1);

  CLI11_PARSE(app, argc, argv);
  try {
    if (rotate->parsed()) return rotate_keys(o, new_key);
    return serve(o);
  } catch (const std::exception& e) {
    std::cerr << "connectivityd: " << e.what() << "\n";
    return 1;
  }
}
