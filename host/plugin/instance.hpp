// One running connector: a plugin instance created from a config, its host services, and the
// library it came from (held so the code stays mapped while the instance or a call lives).
#pragma once

#include "host/plugin/host_services.hpp"
#include "host/plugin/library.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cx::plugin {

/// What one op call produced: out on CX_OK, the plugin's error JSON otherwise.
struct CallResult {
  int32_t code = CX_OK;
  std::string out;
  std::string err;
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

class ConnectorInstance : public std::enable_shared_from_this<ConnectorInstance> {
 public:
  /// Calls the plugin's create(). Throws CreateError with the plugin's message and field.
  static std::shared_ptr<ConnectorInstance> create(std::shared_ptr<const PluginLibrary> library,
                                                   std::unique_ptr<HostServices> services,
                                                   std::string_view config_json);
  ~ConnectorInstance();
  ConnectorInstance(const ConnectorInstance&) = delete;
  ConnectorInstance& operator=(const ConnectorInstance&) = delete;

  /// Calls op on this thread. deadline_unix_ms (UTC ms, 0 = none) reaches the plugin in
  /// cx_call and bounds its host-service calls. A NULL slot yields CX_ERR_UNSUPPORTED.
  /// THREADING: safe from several threads at once (ABI contract).
  CallResult call(Op op, std::string_view request_json, int64_t deadline_unix_ms = 0) const;

  /// Calls op with a hard deadline: past timeout_ms the caller gets CX_ERR_TIMEOUT while the
  /// call finishes on its own thread (keeping the instance and library alive) and is discarded.
  CallResult call_within(Op op, std::string request_json, int64_t timeout_ms) const;

  /// call() and parse the output; invalid JSON from the plugin becomes CX_ERR_INTERNAL.
  CallResult call_json(Op op, std::string_view request_json, boost::json::value& out,
                       int64_t deadline_unix_ms = 0) const;

  bool supports(Op op) const { return library_->has(op); }
  const PluginLibrary& library() const { return *library_; }
  const std::string& id() const { return library_->id(); }
  const HostServices& services() const { return *services_; }

 private:
  ConnectorInstance() = default;
  std::shared_ptr<const PluginLibrary> library_;  // declared first: released last
  std::unique_ptr<HostServices> services_;
  cx_instance* self_ = nullptr;
};

}  // namespace cx::plugin
