#include "host/engine/engine.hpp"

#include "host/engine/internal.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <SQLiteCpp/Statement.h>

namespace cx::engine {


Engine::Engine(store::Database& db, plugin::Registry& registry, EngineOptions options)
    : db_(db), options_(std::move(options)), runtime_(db, registry, options_.config) {
  WorkerOptions wo;
  wo.workers = options_.workers;
  wo.lease_ms = options_.lease_ms;
  wo.max_backoff_ms = options_.max_backoff_ms;
  wo.max_attempts = options_.max_attempts;
  wo.webhook_retention_ms = options_.webhook_retention_ms;
  wo.connector_max_concurrency = options_.connector_max_concurrency;
  wo.node_id = options_.node.id;
  workers_ = std::make_unique<WorkerPool>(db_, wo, [this](const store::TaskRecord& t) { return run_task(t); });
  workers_->set_connector_labels([this](const std::string& id) { return connector_label(*this, id); });
  node_ = std::make_unique<Node>(db_, options_.node,
                                 db_.shared() ? std::function<void()>([this] { cluster_chores(); }) : nullptr);
}

void Engine::cluster_chores() {
  runtime_.refresh();
  // A node that stopped (or lost the database) stops renewing its leases: once they expire, its
  // tasks wait their backoff and count the attempt, as after a restart of a single daemon.
  recover_interrupted(db_.now());
}

void Engine::recover_interrupted(std::optional<int64_t> expired_by) {
  auto [failed, delayed] = db_.write([&](store::WriteTx& tx) {
    return store::tasks::recover_interrupted(
        tx, workers_->options().max_attempts, [&](int attempts) { return workers_->backoff_for(attempts); }, expired_by);
  });
  if (failed + delayed > 0)
    util::log().warn("{} task(s) interrupted by {}: {} held back for their backoff, {} failed after too many attempts",
                     failed + delayed, expired_by ? "a stopped node" : "an unclean stop", delayed, failed);
  if (delayed > 0) workers_->notify();
}

std::string connector_label(const Engine& e, const std::string& connector_id) {
  if (auto live = e.runtime().get(connector_id)) return connector_label(live->record.name, live->record.provider);
  return "connector " + connector_id;
}

Engine::~Engine() { stop(); }

Engine::IngestCounts Engine::ingest_counts() const {
  return {accounts_stored_.load(), balances_stored_.load(), payments_inserted_.load(), payments_updated_.load(),
          payments_deleted_.load()};
}

void Engine::count_ingest(const store::FetchedPageResult& r) {
  accounts_stored_ += r.accounts_inserted;
  balances_stored_ += r.balances_inserted;
  payments_inserted_ += r.payments_inserted;
  payments_updated_ += r.payments_updated;
  payments_deleted_ += r.payments_deleted;
}

void Engine::start() {
  runtime_.load_all();
  node_->start();
  if (db_.shared()) {
    cluster_chores();
  } else {
    // Only one daemon serves a data directory, so every lease still held belongs to a process that
    // is gone, and stopped while the task ran (a clean stop releases its leases): the run counts as
    // an attempt and the task waits its backoff, or fails past the cap, so a task that crashes the
    // daemon cannot crash it again at once after each restart.
    recover_interrupted(std::nullopt);
  }
  workers_->start();
}

void Engine::stop() {
  if (node_) node_->stop();
  if (workers_) workers_->stop();
}

TaskOutcome Engine::run_task(const store::TaskRecord& t) {
  try {
    if (t.type == task_type::kFetch) return EngineTasks::fetch(*this, t, *workers_);
    if (t.type == task_type::kWebhook) return EngineTasks::webhook(*this, t);
    if (t.type == task_type::kUninstall) return EngineTasks::uninstall(*this, t);
    if (t.type == task_type::kReset) return EngineTasks::reset(*this, t);
    if (t.type == task_type::kDeletePsu) return EngineTasks::delete_psu(*this, t);
    if (t.type == task_type::kDeletePsuConnector) return EngineTasks::delete_psu_connector(*this, t);
    if (t.type == task_type::kDeleteConnection) return EngineTasks::delete_connection(*this, t);
    return TaskOutcome::failed(boost::json::object{{"message", "unknown task type " + t.type}});
  } catch (const EngineError& e) {
    return TaskOutcome::failed(boost::json::object{{"message", e.what()}, {"errorCode", e.code}});
  }
}

std::string Engine::enqueue(const std::string& type, const std::optional<std::string>& connector_id,
                            const std::string& reference, boost::json::object payload) {
  ids::ConnectorID connector{"", std::string(ids::kNilUuid)};
  if (connector_id) connector = connector_of(*connector_id);
  store::TaskRecord t;
  t.id = ids::encode(ids::ScopedID{connector, reference});
  t.type = type;
  t.connector_id = connector_id;
  t.payload = std::move(payload);
  db_.write([&](store::WriteTx& tx) { store::tasks::enqueue(tx, t); });
  workers_->notify();
  return t.id;
}

}  // namespace cx::engine
