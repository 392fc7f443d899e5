// connectivity/connector.hpp — what a connector author writes against.
//
// Derive from cx::Connector, override the ops you support, and register the class:
//
//   class Acme final : public cx::Connector {
//    public:
//     Acme(cx::Host host, const boost::json::object& config) : Connector(std::move(host)) {…}
//     boost::json::value fetch_accounts(const cx::Call& call) override {…}
//   };
//   CX_CONNECTOR(Acme, "acme", "1.0.0", CX_CAP_FETCH_ACCOUNTS)
//
// Errors are thrown as cx::Failure (code + message + field); the generated C trampolines catch
// every exception, so nothing unwinds across the ABI. An op that is not overridden leaves its
// slot NULL in the descriptor, so the host sees exactly what the plugin implements.
#pragma once

#include <connectivity/abi.h>

#include <boost/json.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cx {

/// A typed error that crosses the ABI as a CX_ERR_* status plus {"message","field"?,"retryAfterMs"?}.
class Failure : public std::runtime_error {
 public:
  Failure(int32_t code, std::string message, std::string field = {}, int64_t retry_after_ms = 0)
      : std::runtime_error(std::move(message)),
        code_(code),
        field_(std::move(field)),
        retry_after_ms_(retry_after_ms) {}
  int32_t code() const noexcept { return code_; }
  const std::string& field() const noexcept { return field_; }
  int64_t retry_after_ms() const noexcept { return retry_after_ms_; }
  /// {"message", "field"?, "retryAfterMs"?} as written to the err sink.
  boost::json::object to_json() const {
    boost::json::object o{{"message", what()}};
    if (!field_.empty()) o["field"] = field_;
    if (retry_after_ms_ > 0) o["retryAfterMs"] = retry_after_ms_;
    return o;
  }

 private:
  int32_t code_;
  std::string field_;
  int64_t retry_after_ms_;
};

/// Shorthand for the common invalid-argument failure naming a field.
inline Failure invalid(std::string field, std::string message) {
  return Failure(CX_ERR_INVALID_ARGUMENT, std::move(message), std::move(field));
}

namespace detail {
inline int32_t string_sink_write(void* ctx, const char* p, size_t n) {
  static_cast<std::string*>(ctx)->append(p, n);
  return CX_OK;
}
/// A cx_sink appending to a std::string owned by the caller.
inline cx_sink sink_to(std::string& s) { return cx_sink{&s, &string_sink_write}; }
inline cx_bytes bytes_of(std::string_view s) { return cx_bytes{s.data(), s.size()}; }
inline std::string_view view_of(cx_bytes b) { return b.len ? std::string_view(b.ptr, b.len) : std::string_view{}; }
inline int32_t write_all(cx_sink* sink, std::string_view s) {
  return sink && sink->write ? sink->write(sink->ctx, s.data(), s.size()) : CX_OK;
}
}  // namespace detail

/// One outbound HTTP request (see cx_host_api.http). Header names are sent as given.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeout_ms = 0;  ///< 0 = the host's default (and never past the call's deadline)
};

/// A response of any status. Header names are lower-cased by the host.
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
  bool ok() const { return status >= 200 && status < 300; }
};

/// Per-call view of cx_call: the parsed request, the correlation id and the deadline.
class Call {
 public:
  explicit Call(const cx_call* raw) : raw_(raw) {
    auto text = detail::view_of(raw->request_json);
    request_ = text.empty() ? boost::json::value(boost::json::object{}) : boost::json::parse(text);
  }
  const boost::json::value& request() const { return request_; }
  /// The request as an object (empty when the host sent none).
  const boost::json::object& object() const {
    static const boost::json::object empty;
    return request_.is_object() ? request_.get_object() : empty;
  }
  std::string_view request_id() const { return detail::view_of(raw_->request_id); }
  int64_t deadline_unix_ms() const { return raw_->deadline_unix_ms; }
  const cx_call* raw() const { return raw_; }

 private:
  const cx_call* raw_;
  boost::json::value request_;
};

/// The host services, copied into a zero-filled vtable of this SDK's size (an older host's
/// missing slots read as NULL and their wrappers throw CX_ERR_UNSUPPORTED).
class Host {
 public:
  Host() = default;
  explicit Host(const cx_host_api* api) {
    if (!api) return;
    size_t n = api->struct_size < sizeof(api_) ? api->struct_size : sizeof(api_);
    std::memcpy(&api_, api, n);
  }

  void log(int32_t level, std::string_view msg) const {
    if (api_.log) api_.log(api_.ctx, level, detail::bytes_of(msg));
  }
  void debug(std::string_view m) const { log(CX_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(CX_LOG_INFO, m); }
  void warn(std::string_view m) const { log(CX_LOG_WARN, m); }
  void error(std::string_view m) const { log(CX_LOG_ERROR, m); }

  /// UTC milliseconds since the epoch.
  int64_t now_ms() const {
    if (!api_.now_unix_ms) throw Failure(CX_ERR_UNSUPPORTED, "host has no clock service");
    return api_.now_unix_ms(api_.ctx);
  }

  /// n cryptographically secure random bytes.
  std::string random_bytes(size_t n) const {
    if (!api_.random) throw Failure(CX_ERR_UNSUPPORTED, "host has no random service");
    std::string out(n, '\0');
    int32_t rc = api_.random(api_.ctx, reinterpret_cast<uint8_t*>(out.data()), n);
    if (rc != CX_OK) throw Failure(rc, "host random service failed");
    return out;
  }

  /// Performs one exchange. Returns any HTTP status; throws Failure when no response arrived
  /// (allowlist refusal, timeout, connection failure), with the host's message.
  HttpResponse http(const HttpRequest& req, const Call* call = nullptr) const {
    if (!api_.http) throw Failure(CX_ERR_UNSUPPORTED, "host has no http service");
    boost::json::object headers;
    for (auto& [k, v] : req.headers) headers[k] = v;
    boost::json::object head{{"method", req.method}, {"url", req.url}, {"headers", std::move(headers)}};
    if (req.timeout_ms > 0) head["timeoutMs"] = req.timeout_ms;
    std::string head_text = boost::json::serialize(head);
    std::string resp_head, resp_body, err;
    cx_sink s_head = detail::sink_to(resp_head), s_body = detail::sink_to(resp_body), s_err = detail::sink_to(err);
    int32_t rc = api_.http(api_.ctx, call ? call->raw() : nullptr, detail::bytes_of(head_text),
                           detail::bytes_of(req.body), &s_head, &s_body, &s_err);
    if (rc != CX_OK) throw Failure(rc, message_of(err, "http " + req.method + " " + req.url + " failed"));
    HttpResponse out;
    auto parsed = boost::json::parse(resp_head).as_object();
    out.status = static_cast<int>(parsed.at("status").to_number<int64_t>());
    if (auto* h = parsed.if_contains("headers"); h && h->is_object())
      for (auto& [k, v] : h->get_object())
        if (v.is_string()) out.headers[std::string(k)] = std::string(v.get_string());
    out.body = std::move(resp_body);
    return out;
  }

  /// This connector's stored value under key, if any.
  std::optional<std::string> state_get(std::string_view key) const {
    if (!api_.state_get) throw Failure(CX_ERR_UNSUPPORTED, "host has no state service");
    std::string value;
    cx_sink s = detail::sink_to(value);
    int32_t rc = api_.state_get(api_.ctx, detail::bytes_of(key), &s);
    if (rc == CX_ERR_NOT_FOUND) return std::nullopt;
    if (rc != CX_OK) throw Failure(rc, "state_get failed");
    return value;
  }
  void state_put(std::string_view key, std::string_view value) const {
    if (!api_.state_put) throw Failure(CX_ERR_UNSUPPORTED, "host has no state service");
    int32_t rc = api_.state_put(api_.ctx, detail::bytes_of(key), detail::bytes_of(value));
    if (rc != CX_OK) throw Failure(rc, "state_put failed");
  }
  void state_delete(std::string_view key) const {
    if (!api_.state_delete) throw Failure(CX_ERR_UNSUPPORTED, "host has no state service");
    int32_t rc = api_.state_delete(api_.ctx, detail::bytes_of(key));
    if (rc != CX_OK) throw Failure(rc, "state_delete failed");
  }

 private:
  static std::string message_of(const std::string& err_json, std::string fallback) {
    boost::system::error_code ec;
    auto v = boost::json::parse(err_json, ec);
    if (!ec && v.is_object())
      if (auto* m = v.get_object().if_contains("message"); m && m->is_string()) return std::string(m->get_string());
    return fallback;
  }
  cx_host_api api_{};
};

/// Base class of every connector. Each op receives the parsed request and returns the response
/// JSON (schemas in sdk/schemas/); the default of each throws CX_ERR_UNSUPPORTED and is never
/// reached through the ABI, because a slot that is not overridden is left NULL.
class Connector {
 public:
  explicit Connector(Host host) : host_(std::move(host)) {}
  virtual ~Connector() = default;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

#define CX_SDK_OP(name) \
  virtual boost::json::value name(const Call&) { throw Failure(CX_ERR_UNSUPPORTED, #name " is not supported"); }
  CX_SDK_OP(install)
  CX_SDK_OP(uninstall)
  CX_SDK_OP(create_webhooks)
  CX_SDK_OP(verify_webhook)
  CX_SDK_OP(translate_webhook)
  CX_SDK_OP(fetch_accounts)
  CX_SDK_OP(fetch_balances)
  CX_SDK_OP(fetch_external_accounts)
  CX_SDK_OP(fetch_payments)
  CX_SDK_OP(create_user)
  CX_SDK_OP(create_user_link)
  CX_SDK_OP(update_user_link)
  CX_SDK_OP(complete_user_link)
  CX_SDK_OP(delete_user)
  CX_SDK_OP(delete_user_connection)
  CX_SDK_OP(create_bank_account)
  CX_SDK_OP(create_transfer)
  CX_SDK_OP(create_payout)
#undef CX_SDK_OP

 protected:
  const Host& host() const { return host_; }

 private:
  Host host_;
};

namespace detail {

using OpMember = boost::json::value (Connector::*)(const Call&);

inline int32_t fail(cx_sink* err, int32_t code, std::string_view message) noexcept {
  try {
    write_all(err, boost::json::serialize(boost::json::object{{"message", message}}));
  } catch (...) {
  }
  return code;
}

/// Runs f, turning every exception into a status code and err JSON.
template <class F>
int32_t guarded(cx_sink* err, F&& f) noexcept {
  try {
    return f();
  } catch (const Failure& e) {
    try {
      write_all(err, boost::json::serialize(e.to_json()));
    } catch (...) {
    }
    return e.code();
  } catch (const std::exception& e) {
    return fail(err, CX_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(err, CX_ERR_INTERNAL, "unknown exception");
  }
}

template <OpMember M>
int32_t op(cx_instance* self, const cx_call* call, cx_sink* out, cx_sink* err) noexcept {
  return guarded(err, [&]() -> int32_t {
    if (!self || !call) throw Failure(CX_ERR_INVALID_ARGUMENT, "null instance or call");
    Call c(call);
    auto* conn = reinterpret_cast<Connector*>(self);
    boost::json::value result = (conn->*M)(c);
    return write_all(out, boost::json::serialize(result));
  });
}

template <class C>
int32_t create(const cx_host_api* host, cx_bytes config, cx_instance** out, cx_sink* err) noexcept {
  return guarded(err, [&]() -> int32_t {
    if (!out) throw Failure(CX_ERR_INVALID_ARGUMENT, "null out pointer");
    auto text = view_of(config);
    boost::json::value v = text.empty() ? boost::json::value(boost::json::object{}) : boost::json::parse(text);
    if (!v.is_object()) throw Failure(CX_ERR_INVALID_ARGUMENT, "config must be a JSON object", "config");
    Connector* c = new C(Host(host), v.get_object());
    *out = reinterpret_cast<cx_instance*>(c);
    return CX_OK;
  });
}

inline void destroy(cx_instance* self) noexcept { delete reinterpret_cast<Connector*>(self); }

/// The slot for member `name` when C overrides it, else NULL.
#define CX_SDK_SLOT(C, name)                                                                   \
  (std::is_same_v<decltype(&C::name), ::cx::detail::OpMember> ? static_cast<cx_op_fn>(nullptr) \
                                                              : &::cx::detail::op<&::cx::Connector::name>)

/// True when C overrides op `name` (its member pointer is no longer Connector's).
#define CX_SDK_OVERRIDES(C, name) (!std::is_same_v<decltype(&C::name), ::cx::detail::OpMember>)

/// Compile-time check of CX_CONNECTOR: each capability bit is set exactly when its ops are
/// overridden (the loader would refuse a bit without its slot; an op without its bit is never
/// called). ALLOW_* bits have no op.
template <class C, uint64_t Caps>
constexpr bool capabilities_match() {
#define CX_SDK_CAP(bit, ops, text) static_assert(((Caps & (bit)) != 0) == (ops), text)
  CX_SDK_CAP(CX_CAP_FETCH_ACCOUNTS, CX_SDK_OVERRIDES(C, fetch_accounts),
             "CX_CAP_FETCH_ACCOUNTS must be set exactly when fetch_accounts is overridden");
  CX_SDK_CAP(CX_CAP_FETCH_BALANCES, CX_SDK_OVERRIDES(C, fetch_balances),
             "CX_CAP_FETCH_BALANCES must be set exactly when fetch_balances is overridden");
  CX_SDK_CAP(CX_CAP_FETCH_EXTERNAL_ACCOUNTS, CX_SDK_OVERRIDES(C, fetch_external_accounts),
             "CX_CAP_FETCH_EXTERNAL_ACCOUNTS must be set exactly when fetch_external_accounts is overridden");
  CX_SDK_CAP(CX_CAP_FETCH_PAYMENTS, CX_SDK_OVERRIDES(C, fetch_payments),
             "CX_CAP_FETCH_PAYMENTS must be set exactly when fetch_payments is overridden");
  CX_SDK_CAP(CX_CAP_CREATE_WEBHOOKS, CX_SDK_OVERRIDES(C, create_webhooks),
             "CX_CAP_CREATE_WEBHOOKS must be set exactly when create_webhooks is overridden");
  CX_SDK_CAP(CX_CAP_TRANSLATE_WEBHOOKS, CX_SDK_OVERRIDES(C, verify_webhook) && CX_SDK_OVERRIDES(C, translate_webhook),
             "CX_CAP_TRANSLATE_WEBHOOKS must be set exactly when verify_webhook and translate_webhook are overridden");
  static_assert(CX_SDK_OVERRIDES(C, verify_webhook) == CX_SDK_OVERRIDES(C, translate_webhook),
                "verify_webhook and translate_webhook come together (CX_CAP_TRANSLATE_WEBHOOKS)");
  CX_SDK_CAP(CX_CAP_CREATE_BANK_ACCOUNT, CX_SDK_OVERRIDES(C, create_bank_account),
             "CX_CAP_CREATE_BANK_ACCOUNT must be set exactly when create_bank_account is overridden");
  CX_SDK_CAP(CX_CAP_CREATE_TRANSFER, CX_SDK_OVERRIDES(C, create_transfer),
             "CX_CAP_CREATE_TRANSFER must be set exactly when create_transfer is overridden");
  CX_SDK_CAP(CX_CAP_CREATE_PAYOUT, CX_SDK_OVERRIDES(C, create_payout),
             "CX_CAP_CREATE_PAYOUT must be set exactly when create_payout is overridden");
  constexpr int kOpenBankingOps = CX_SDK_OVERRIDES(C, create_user) + CX_SDK_OVERRIDES(C, create_user_link) +
                                  CX_SDK_OVERRIDES(C, update_user_link) + CX_SDK_OVERRIDES(C, complete_user_link) +
                                  CX_SDK_OVERRIDES(C, delete_user) + CX_SDK_OVERRIDES(C, delete_user_connection);
  static_assert(kOpenBankingOps == 0 || kOpenBankingOps == 6,
                "open banking needs all of create_user, create_user_link, update_user_link, complete_user_link, "
                "delete_user and delete_user_connection");
  CX_SDK_CAP(CX_CAP_OPEN_BANKING, kOpenBankingOps == 6,
             "CX_CAP_OPEN_BANKING must be set exactly when the six open-banking ops are overridden");
#undef CX_SDK_CAP
  return true;
}

template <class C>
concept HasSchema = requires { { C::kConfigSchema } -> std::convertible_to<const char*>; };

template <class C>
constexpr const char* schema_of() {
  if constexpr (HasSchema<C>) return C::kConfigSchema;
  else return nullptr;
}

template <class C>
constexpr cx_connector describe(const char* id, const char* version, uint64_t caps) {
  static_assert(std::is_base_of_v<Connector, C>, "a connector derives from cx::Connector");
  static_assert(std::is_constructible_v<C, Host, const boost::json::object&>,
                "a connector is constructible from (cx::Host, const boost::json::object& config)");
  return cx_connector{
      sizeof(cx_connector), CX_ABI_VERSION, id, version, caps, schema_of<C>(),
      &create<C>, &destroy,
      CX_SDK_SLOT(C, install), CX_SDK_SLOT(C, uninstall),
      CX_SDK_SLOT(C, create_webhooks), CX_SDK_SLOT(C, verify_webhook), CX_SDK_SLOT(C, translate_webhook),
      CX_SDK_SLOT(C, fetch_accounts), CX_SDK_SLOT(C, fetch_balances),
      CX_SDK_SLOT(C, fetch_external_accounts), CX_SDK_SLOT(C, fetch_payments),
      CX_SDK_SLOT(C, create_user), CX_SDK_SLOT(C, create_user_link), CX_SDK_SLOT(C, update_user_link),
      CX_SDK_SLOT(C, complete_user_link), CX_SDK_SLOT(C, delete_user), CX_SDK_SLOT(C, delete_user_connection),
      CX_SDK_SLOT(C, create_bank_account), CX_SDK_SLOT(C, create_transfer), CX_SDK_SLOT(C, create_payout)};
}

}  // namespace detail
}  // namespace cx

#if defined(__GNUC__)
#define CX_EXPORT __attribute__((visibility("default")))
#else
#define CX_EXPORT
#endif

/// Registers connector class C as plugin `ID` (== the .so file stem). The entry refuses hosts of
/// another ABI major by returning NULL. Does not compile when CAPS and the overridden ops disagree.
#define CX_CONNECTOR(C, ID, VERSION, CAPS)                                                   \
  extern "C" CX_EXPORT const cx_connector* cx_connector_entry(uint32_t host_abi_version) {   \
    static_assert(::cx::detail::capabilities_match<C, (CAPS)>());                             \
    static const cx_connector descriptor = ::cx::detail::describe<C>(ID, VERSION, (CAPS));   \
    return CX_ABI_MAJOR(host_abi_version) == CX_ABI_VERSION_MAJOR ? &descriptor : nullptr;   \
  }
