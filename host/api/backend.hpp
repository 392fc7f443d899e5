// cx::api::Backend — everything the API asks of the rest of the daemon that is not a plain read.
// Reads (lists and gets) go straight to the store; PSU and bank-account creation, metadata
// patches and PSU↔bank-account links are plain store writes done by the API too. The rest —
// anything that calls a plugin or starts a durable task — goes through this interface, which the
// engine adapter (engine_backend.hpp) implements and tests fake.
//
// Every call returns Result<T>: the value, or a Failure carrying the HTTP status, the v3
// errorCode and a message the client may read. Implementations must not throw for a client
// mistake; an exception that escapes is answered 500 INTERNAL.
// All IDs are the API's encoded forms (connector: base64url ConnectorID; PSU, bank account:
// lower-case UUID; connection: the provider's id).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cx::api {

/// A refusal the client sees: {"errorCode": code, "errorMessage": message} with `status`.
struct Failure {
  int status = 500;
  std::string code = "INTERNAL";
  std::string message;
};

/// The value of a backend call, or its Failure.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Failure f) : v_(std::move(f)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Failure& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Failure> v_;
};

/// Result of a call with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : f_(std::move(f)) {}
  bool ok() const { return !f_; }
  explicit operator bool() const { return ok(); }
  const Failure& error() const { return *f_; }

 private:
  std::optional<Failure> f_;
};

/// A loaded connector plugin, for the catalogue routes and /_info.
struct PluginInfo {
  std::string id;                  ///< provider id, "powens"
  std::string version;             ///< plugin semver
  uint32_t abi_version = 0;        ///< packed major<<16 | minor
  uint64_t capabilities = 0;       ///< CX_CAP_* bits
  std::string config_schema_json;  ///< the plugin's config JSON Schema ("" = no fields)
};

/// create-link / update-link input (already validated by the API).
struct LinkInput {
  std::string psu_id;
  std::string connector_id;
  std::optional<std::string> connection_id;  ///< update-link only
  std::optional<std::string> application_name;
  std::string client_redirect_url;
  std::optional<std::string> idempotency_key;  ///< lower-case UUID, becomes the attempt id
};

/// {attemptID, link}, answered raw (no data envelope) with 201.
struct LinkOutput {
  std::string attempt_id;
  std::string link;
};

/// A request on a public route (webhook or open-banking redirect).
struct InboundInput {
  std::string connector_id;
  std::string method;
  std::string path;  ///< the part after /connectors/webhooks/{connectorID} ("" or "/…"), raw
  std::map<std::string, std::vector<std::string>> headers;  ///< lower-case names
  std::map<std::string, std::vector<std::string>> query;    ///< decoded
  std::string body;
};

/// How to answer a provider's webhook call (the reference answers 200 with an empty body).
struct WebhookOutput {
  int status = 200;
  std::string body;
};

/// Where to send the end user's browser after the provider's redirect: 307 to `location`, or
/// 204 when it is absent.
struct RedirectOutput {
  std::optional<std::string> location;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- catalogue ----
  /// The loaded plugins, sorted by id.
  virtual std::vector<PluginInfo> plugins() const = 0;

  // ---- connectors ----
  /// The public base URL a provider delivers this connector's webhooks to (each config's urlPath
  /// is appended); empty when the backend has no public URL.
  virtual std::string webhook_base_url(const std::string& /*connector_id*/) const { return {}; }
  /// Installs `provider` (lower-case) with the raw install body as config; returns the new
  /// connector id once installed. Unknown provider / bad config → 400 VALIDATION; taken name →
  /// 400 CONFLICT; plugin refusals per its status.
  virtual Result<std::string> install_connector(const std::string& provider, const boost::json::object& config) = 0;
  /// Replaces the config of an installed connector (PATCH …/config). 404 when unknown.
  virtual Result<void> update_connector_config(const std::string& connector_id,
                                               const boost::json::object& config) = 0;
  /// Starts the uninstall; returns the task id. 404 when unknown.
  virtual Result<std::string> uninstall_connector(const std::string& connector_id) = 0;
  /// Starts a reset (reinstall under a new connector id); returns the task id. 404 when unknown.
  virtual Result<std::string> reset_connector(const std::string& connector_id) = 0;

  // ---- payment service users / open banking ----
  /// Creates the PSU at the provider (synchronous). Already forwarded → 400; unknown PSU or
  /// connector → 404.
  virtual Result<void> forward_psu(const std::string& psu_id, const std::string& connector_id) = 0;
  /// Creates a link attempt and asks the provider for a link (synchronous).
  virtual Result<LinkOutput> create_link(const LinkInput& in) = 0;
  /// Same for an existing connection (in.connection_id set).
  virtual Result<LinkOutput> update_link(const LinkInput& in) = 0;
  /// Starts deleting the PSU everywhere; returns the task id. 404 when unknown.
  virtual Result<std::string> delete_psu(const std::string& psu_id) = 0;
  /// Starts removing the PSU from one connector (the PSU stays); returns the task id.
  virtual Result<std::string> delete_psu_connector(const std::string& psu_id, const std::string& connector_id) = 0;
  /// Starts deleting one connection and its data; returns the task id.
  virtual Result<std::string> delete_connection(const std::string& psu_id, const std::string& connector_id,
                                                const std::string& connection_id) = 0;
  /// Starts creating the bank account at the connector; returns the task id.
  virtual Result<std::string> forward_bank_account(const std::string& bank_account_id,
                                                   const std::string& connector_id) = 0;

  // ---- public routes ----
  /// A provider's webhook call. Unknown connector or path → 404.
  virtual Result<WebhookOutput> handle_webhook(const InboundInput& in) = 0;
  /// The end user's browser coming back from the provider (query carries `state`).
  virtual Result<RedirectOutput> handle_redirect(const InboundInput& in) = 0;

  // ---- observability (optional) ----
  /// Tasks by state for /metrics; empty when unknown.
  virtual std::map<std::string, int64_t> task_counts() const { return {}; }
};

}  // namespace cx::api
