// Loads a connector plugin as the daemon does (dlopen + cx_connector_entry) and calls its ops
// through the C ABI.
#pragma once

#include "script_host.hpp"

#include <connectivity/abi.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace cx::conformance {

/// The op slots of the 1.0 descriptor, by name.
struct OpSlot {
  const char* name;
  cx_op_fn cx_connector::*slot;
  uint64_t capability;  ///< the CX_CAP_* bit promising it
};
const std::vector<OpSlot>& op_slots();
const OpSlot* find_op(const std::string& name);

class Plugin {
 public:
  /// dlopen()s path (RTLD_NOW | RTLD_LOCAL). Throws std::runtime_error with dlerror() or the reason
  /// the entry refused this host.
  explicit Plugin(const std::string& path);
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  /// The descriptor, copied into a zero-filled struct of this SDK's size.
  const cx_connector& descriptor() const { return d_; }
  uint32_t reported_size() const { return reported_size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* handle_ = nullptr;
  cx_connector d_{};
  uint32_t reported_size_ = 0;
};

/// Result of create() or of one op.
struct Outcome {
  int32_t code = CX_OK;
  std::string out;
  std::string err;
  int64_t elapsed_ms = 0;
  boost::json::value out_json() const;
  /// err's "message" (or the raw err text) and "field".
  std::string message() const;
  std::string field() const;
  int64_t retry_after_ms() const;
};

/// Name of a status code ("CX_ERR_AUTH").
std::string code_name(int32_t code);

class Instance {
 public:
  Instance(const Plugin& plugin, ScriptHost& host, const std::string& config_json);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const Outcome& created() const { return created_; }
  bool ok() const { return self_ != nullptr; }
  /// Calls op with request; deadline_ms is UTC ms (0 = none).
  Outcome call(const std::string& op, const boost::json::object& request, int64_t deadline_ms) const;

 private:
  const Plugin& plugin_;
  cx_instance* self_ = nullptr;
  Outcome created_;
};

}  // namespace cx::conformance
