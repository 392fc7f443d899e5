// One running connector: a plugin instance created from a config, its host services, and the
// library it came from (held so the code stays mapped while the instance or a call lives).
#pragma once

#include "host/plugin/faults.hpp"
#include "host/plugin/host_services.hpp"
#include "host/plugin/isolated.hpp"
#include "host/plugin/library.hpp"

#include <boost/json/value.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cx::plugin {

/// What one op call produced: out on CX_OK, the plugin's error JSON otherwise.
struct CallResult {
  CallResult() = default;
  CallResult(int32_t code, std::string out, std::string err) : code(code), out(std::move(out)), err(std::move(err)) {}
  int32_t code = CX_OK;
  std::string out;
  std::string err;
  boost::json::value json;  ///< out, parsed: set on CX_OK once the output passed its schema
  bool violation = false;   ///< the host refused a CX_OK output (not JSON, or against its schema)
  bool ok() const { return code == CX_OK; }
  /// err's "message", or a generic text naming the code.
  std::string message() const;
  /// err's "field" when the plugin named one.
  std::string field() const;
  /// err's "retryAfterMs" (0 when absent).
  int64_t retry_after_ms() const;
};

/// create() refused the config. code is the plugin's CX_ERR_*, field the config field it named.
class CreateError : public std::runtime_error {
 public:
  CreateError(int32_t code, std::string message, std::string field)
      : std::runtime_error(std::move(message)), code(code), field(std::move(field)) {}
  int32_t code;
  std::string field;
};

/// Receives every op call's outcome (for /metrics). Set once at start-up.
using CallObserver = std::function<void(const std::string& connector, Op op, int32_t code, double seconds)>;
void set_call_observer(CallObserver observer);

/// Runs every op of one connector, in the daemon's process or (isolation().process) in a runner
/// of its own; the interface is the same. A quarantined connector's calls are refused with
/// CX_ERR_UPSTREAM and retryAfterMs, without reaching the plugin. Every CX_OK output is checked
/// against sdk/schemas/<op>.response.json before it is returned (output_check.hpp): a violation
/// becomes CX_ERR_INTERNAL (not retried) naming the op, the key and the connector.
class ConnectorInstance : public std::enable_shared_from_this<ConnectorInstance> {
 public:
  /// Calls the plugin's create() (in a new runner when isolated). Throws CreateError with the
  /// plugin's message and field. name: the connector's name, for fault and quarantine log lines
  /// (default: the connector id).
  static std::shared_ptr<ConnectorInstance> create(std::shared_ptr<const PluginLibrary> library,
                                                   std::unique_ptr<HostServices> services,
                                                   std::string_view config_json, std::string name = {});
  ~ConnectorInstance();
  ConnectorInstance(const ConnectorInstance&) = delete;
  ConnectorInstance& operator=(const ConnectorInstance&) = delete;

  /// Calls op on this thread. deadline_unix_ms (UTC ms, 0 = none) reaches the plugin in
  /// cx_call and bounds its host-service calls. A NULL slot yields CX_ERR_UNSUPPORTED.
  /// THREADING: safe from several threads at once (ABI contract).
  CallResult call(Op op, std::string_view request_json, int64_t deadline_unix_ms = 0) const;

  /// Calls op with a hard deadline: past timeout_ms the caller gets CX_ERR_TIMEOUT. Isolated,
  /// the runner is then killed. In-process, the call finishes on a thread of its own (keeping
  /// the instance and library alive) and is discarded; at most kMaxUnanswered such threads
  /// exist per instance, past that calls are refused at once (CX_ERR_TIMEOUT), so unanswered
  /// calls cannot pile up threads.
  /// At most kMaxSyncCalls run at once per connector; a further call waits up to kSyncQueueMs
  /// for a slot, then is refused (CX_ERR_TIMEOUT): a hung plugin holds at most kMaxSyncCalls
  /// request threads, whatever the number of requests (healthy calls take microseconds).
  CallResult call_within(Op op, std::string request_json, int64_t timeout_ms) const;
  static constexpr int kMaxUnanswered = 4;
  static constexpr int kMaxSyncCalls = 2;
  static constexpr int64_t kSyncQueueMs = 100;

  /// call() and parse the output; invalid JSON from the plugin becomes CX_ERR_INTERNAL.
  CallResult call_json(Op op, std::string_view request_json, boost::json::value& out,
                       int64_t deadline_unix_ms = 0) const;

  bool supports(Op op) const { return library_->has(op); }
  const PluginLibrary& library() const { return *library_; }
  const std::string& id() const { return library_->id(); }
  const HostServices& services() const { return *services_; }
  /// Who this connector is (log lines, quarantine).
  ConnectorLabel label() const;
  /// The runner's process id, 0 when in-process or not running.
  int runner_pid() const { return remote_ ? remote_->pid() : 0; }

 private:
  ConnectorInstance() = default;
  std::shared_ptr<const PluginLibrary> library_;  // declared first: released last
  std::unique_ptr<HostServices> services_;
  std::string name_;
  cx_instance* self_ = nullptr;                // in-process only
  std::unique_ptr<IsolatedPlugin> remote_;     // isolated only
  int journal_slot_ = -1;                      // in-process: InflightJournal slot
  mutable std::mutex sync_mu_;
  mutable std::condition_variable sync_cv_;
  mutable int sync_calls_ = 0;
  mutable std::shared_ptr<std::atomic<int>> unanswered_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace cx::plugin
