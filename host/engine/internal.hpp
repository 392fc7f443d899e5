// Engine-private helpers shared by its translation units.
#pragma once

#include "host/engine/engine.hpp"
#include "host/util/ids.hpp"

#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace cx::engine {

namespace task_type {
inline constexpr const char* kFetch = "FETCH";
inline constexpr const char* kWebhook = "WEBHOOK";
inline constexpr const char* kUninstall = "UNINSTALL";
inline constexpr const char* kReset = "RESET";
inline constexpr const char* kDeletePsu = "DELETE_PSU";
inline constexpr const char* kDeletePsuConnector = "DELETE_PSU_CONNECTOR";
inline constexpr const char* kDeleteConnection = "DELETE_CONNECTION";
}  // namespace task_type

/// The state key under which the workflow (install's task tree) of a connector is kept.
inline constexpr const char* kWorkflowKey = "WORKFLOW";

// Task handlers live in their own translation units (fetch.cpp, webhooks.cpp, deletions.cpp,
// connectors.cpp); EngineTasks is the engine's friend that gives them its internals.
struct EngineTasks {
  static TaskOutcome fetch(Engine& e, const store::TaskRecord& t, const WorkerPool& pool);
  static TaskOutcome webhook(Engine& e, const store::TaskRecord& t);
  static TaskOutcome uninstall(Engine& e, const store::TaskRecord& t);
  static TaskOutcome reset(Engine& e, const store::TaskRecord& t);
  static TaskOutcome delete_psu(Engine& e, const store::TaskRecord& t);
  static TaskOutcome delete_psu_connector(Engine& e, const store::TaskRecord& t);
  static TaskOutcome delete_connection(Engine& e, const store::TaskRecord& t);
};

/// Decodes an encoded connector id, or EngineError 400 INVALID_ID.
ids::ConnectorID connector_of(const std::string& encoded);

/// The plugin-facing JSON shapes of sdk/OPS.md, built from store records (secrets decrypted).
boost::json::object psu_json(const store::PsuRecord& p);
boost::json::object forwarded_user_json(const store::ForwardedUserRecord& u, const std::optional<store::TokenValue>& token);
boost::json::object connection_json(const store::ConnectionRecord& c);
boost::json::object token_json(const store::TokenValue& t);
std::optional<store::TokenValue> token_from(const boost::json::value* v);

/// {"name": ["v1", …]} — headers and query values as the webhook and link JSON carry them.
boost::json::object multimap_json(const std::map<std::string, std::vector<std::string>>& m);

/// Calls a synchronous op with the engine's deadline and returns its parsed output, or throws
/// EngineError mapped from the plugin's status (message = the plugin's / provider's text).
boost::json::value call_sync(const plugin::ConnectorInstance& inst, plugin::Op op, const boost::json::object& request,
                             int64_t timeout_ms);

/// The default task tree for a plugin without an install op (sdk/OPS.md).
boost::json::array default_workflow(const plugin::PluginLibrary& lib);

/// The fetch op of a task type ("FETCH_ACCOUNTS" → fetch_accounts), or nullopt.
std::optional<plugin::Op> fetch_op(std::string_view task_type);

/// Creates (or refreshes) the schedules of a connector's periodic fetches: one per periodic root
/// task, or for an open-banking connector one per root task and ACTIVE connection given.
void schedule_fetches(store::WriteTx& tx, const std::string& connector_id, const boost::json::array& workflow,
                      int64_t period_ms, const std::optional<std::string>& psu_id,
                      const std::optional<std::string>& connection_id);
/// Where a per-item schedule keeps the parent item its runs read (connector state, sealed).
inline std::string schedule_parent_key(const std::string& schedule_id) { return "cx.parent/schedule/" + schedule_id; }
/// Removes the schedules of one connection (it went to ERROR or was deleted): its root fetches and
/// the per-account schedules of their periodic children, with the parent items those keep.
void unschedule_connection(store::WriteTx& tx, const std::string& connector_id, const std::string& connection_id);
/// Queues one run of every root fetch task now (non-periodic), for a connection when given.
void enqueue_fetches_now(store::WriteTx& tx, const std::string& connector_id, const boost::json::array& workflow,
                         const std::optional<std::string>& psu_id, const std::optional<std::string>& connection_id,
                         const std::vector<std::string>& only_types = {});

/// The stored workflow of a connector (empty when none).
boost::json::array workflow_of(store::Tx& tx, const std::string& connector_id);

/// How logs and task errors name a connector: `connector "acme" (generic)`, as operators know
/// it, never by its 150-character id.
inline std::string connector_label(const std::string& name, const std::string& provider) {
  return "connector \"" + name + "\" (" + provider + ")";
}
/// connector_label of an installed connector, or `connector <id>` when it is not loaded.
std::string connector_label(const Engine& e, const std::string& connector_id);

/// Short stable hex digest of text (task references that must be deterministic).
std::string digest(std::string_view text);

}  // namespace cx::engine
