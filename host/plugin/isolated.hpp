// A connector plugin run out of process: one connectivity-plugin-host runner per connector
// instance, spoken to over channel.hpp. Each concurrent call takes a socket of its own (an idle
// one, or a new socketpair whose end is passed to the runner), so a call is one write and one
// read on the calling thread, host services run on that same thread as they do in-process, and
// no dispatcher thread or request id is needed. A runner that dies fails the calls in flight
// (retryable, naming the signal) and is started again on the next call; one that outlives an
// op's deadline plus a grace is killed (TIMEOUT).
#pragma once

#include "host/plugin/host_services.hpp"
#include "host/plugin/library.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace cx::plugin {

/// How plugins run. Set once at start-up (set_isolation), before the first instance.
struct IsolationSettings {
  bool process = false;                              ///< false: in the daemon's process (library default)
  std::filesystem::path runner;                      ///< connectivity-plugin-host
  int64_t memory_limit_bytes = 512ll << 20;          ///< runner RLIMIT_AS; 0 = none
  int64_t grace_ms = 2000;                           ///< past an op's deadline before the runner is killed
  int64_t unbounded_call_ms = 10 * 60 * 1000;        ///< bound of a call made without a deadline
};
void set_isolation(IsolationSettings s);
const IsolationSettings& isolation();

/// The outcome of an isolated call: the op's code and sinks, or a fault of the runner.
struct RemoteResult {
  int32_t code = CX_OK;
  std::string out, err;
  std::string fault;  ///< non-empty when the runner died or was killed during the call
};

class Runner;

class IsolatedPlugin {
 public:
  /// Called (once per runner death) with a description such as "signal 11 (SIGSEGV)".
  using FaultSink = std::function<void(const std::string& what)>;

  /// Starts the runner and creates the instance from config_json. Throws CreateError when the
  /// plugin refuses the config or the runner cannot start.
  IsolatedPlugin(std::shared_ptr<const PluginLibrary> library, const HostServices& services, std::string config_json,
                 FaultSink on_fault);
  ~IsolatedPlugin();
  IsolatedPlugin(const IsolatedPlugin&) = delete;
  IsolatedPlugin& operator=(const IsolatedPlugin&) = delete;

  /// Runs op in the runner (restarting it first if it died). Waits until kill_at_steady_ms
  /// (steady-clock ms) at most: past it the runner is killed and the result is CX_ERR_TIMEOUT.
  RemoteResult call(Op op, std::string_view request_json, int64_t deadline_unix_ms, int64_t kill_at_steady_ms) const;

  /// Process id of the current runner (0 when none): tests, diagnostics.
  int pid() const;

 private:
  std::shared_ptr<Runner> current(std::string& error) const;
  std::shared_ptr<Runner> start(std::string& error, int32_t& code) const;

  std::shared_ptr<const PluginLibrary> library_;
  const HostServices& services_;
  std::string config_;
  FaultSink on_fault_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<Runner> runner_;
};

}  // namespace cx::plugin
