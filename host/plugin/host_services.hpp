// The cx_host_api a connector instance receives: logging with redaction, clock, randomness,
// outbound HTTP through the connector's net::HttpClient, and per-connector state.
#pragma once

#include "host/net/http_client.hpp"

#include <connectivity/abi.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cx::plugin {

/// Per-connector key/value storage behind state_get/put/delete. Implementations are
/// thread-safe; the store's implementation encrypts values at rest.
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void put(const std::string& key, const std::string& value) = 0;
  virtual void erase(const std::string& key) = 0;
};

/// StateStore in memory (cx-inspect, tests).
class MemoryStateStore final : public StateStore {
 public:
  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, const std::string& value) override;
  void erase(const std::string& key) override;

 private:
  std::mutex mu_;
  std::map<std::string, std::string> values_;
};

struct ServiceDeps {
  std::string connector_id;                 ///< encoded id (state, quarantine)
  std::shared_ptr<net::HttpClient> http;    ///< null: every http call is refused (CX_ERR_AUTH)
  std::shared_ptr<StateStore> state;        ///< null: an in-memory store
  std::function<int64_t()> clock;           ///< UTC ms; null: the system clock
  std::vector<std::string> secrets;         ///< values replaced by [REDACTED] in plugin log lines
};

/// Owns the vtable handed to one instance. Every trampoline is noexcept and turns failures
/// into CX_ERR_* codes. LIFETIME: must outlive the instance (ConnectorInstance owns both).
class HostServices {
 public:
  explicit HostServices(ServiceDeps deps);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  const cx_host_api* api() const { return &api_; }
  const ServiceDeps& deps() const { return deps_; }
  /// msg with every configured secret replaced by [REDACTED].
  std::string redact(std::string msg) const;
  /// How log lines name the connector (e.g. `connector "acme" (generic)`); set before the
  /// instance is created. Without one, its id.
  void set_label(std::string label) { label_ = std::move(label); }
  const std::string& who() const { return label_.empty() ? deps_.connector_id : label_; }

 private:
  static HostServices& self(cx_host_ctx* ctx) { return *reinterpret_cast<HostServices*>(ctx); }
  static void log(cx_host_ctx*, int32_t, cx_bytes) noexcept;
  static int64_t now(cx_host_ctx*) noexcept;
  static int32_t random(cx_host_ctx*, uint8_t*, size_t) noexcept;
  static int32_t http(cx_host_ctx*, const cx_call*, cx_bytes, cx_bytes, cx_sink*, cx_sink*, cx_sink*) noexcept;
  static int32_t state_get(cx_host_ctx*, cx_bytes, cx_sink*) noexcept;
  static int32_t state_put(cx_host_ctx*, cx_bytes, cx_bytes) noexcept;
  static int32_t state_delete(cx_host_ctx*, cx_bytes) noexcept;

  ServiceDeps deps_;
  std::string label_;
  cx_host_api api_{};
};

}  // namespace cx::plugin
