// The host services cx-conformance gives a plugin: recorded provider answers instead of a network,
// a fault to inject into every exchange, and a record of every request and log line.
#pragma once

#include "fixtures.hpp"

#include <connectivity/abi.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace cx::conformance {

/// What every HTTP exchange answers while set (Kind::none: the fixtures).
struct Fault {
  enum class Kind { none, response, transport, stall };
  Kind kind = Kind::none;
  HttpResponse response;          ///< Kind::response: this answer, whatever the request
  int32_t code = CX_ERR_UPSTREAM; ///< Kind::transport: the http service fails with this status
};

/// One request the plugin made.
struct SeenRequest {
  HttpRequest request;
  bool with_call = false;      ///< the plugin passed the op's cx_call (so its deadline applies)
  int64_t deadline_ms = 0;     ///< that call's deadline
};

class ScriptHost {
 public:
  explicit ScriptHost(const Fixtures& fixtures);
  ScriptHost(const ScriptHost&) = delete;
  ScriptHost& operator=(const ScriptHost&) = delete;

  const cx_host_api* api() const { return &api_; }
  void set_fault(Fault f);

  std::vector<SeenRequest> requests() const;
  std::vector<std::string> logs() const;
  /// "GET https://…" of every request no fixture answered.
  std::vector<std::string> unmatched() const;
  void clear_records();

 private:
  static ScriptHost& self(cx_host_ctx* c) { return *reinterpret_cast<ScriptHost*>(c); }
  static void log_(cx_host_ctx* c, int32_t level, cx_bytes msg);
  static int64_t now_(cx_host_ctx* c);
  static int32_t random_(cx_host_ctx* c, uint8_t* out, size_t n);
  static int32_t http_(cx_host_ctx* c, const cx_call* call, cx_bytes head, cx_bytes body, cx_sink* resp_head,
                       cx_sink* resp_body, cx_sink* err);
  static int32_t state_get_(cx_host_ctx* c, cx_bytes key, cx_sink* value);
  static int32_t state_put_(cx_host_ctx* c, cx_bytes key, cx_bytes value);
  static int32_t state_delete_(cx_host_ctx* c, cx_bytes key);

  const Fixtures& fixtures_;
  cx_host_api api_{};
  mutable std::mutex mu_;
  Fault fault_;
  uint8_t next_random_ = 1;
  std::vector<SeenRequest> requests_;
  std::vector<std::string> logs_;
  std::vector<std::string> unmatched_;
  std::map<std::string, std::string> state_;
};

/// UTC milliseconds since the epoch, from the system clock.
int64_t wall_ms();

}  // namespace cx::conformance
