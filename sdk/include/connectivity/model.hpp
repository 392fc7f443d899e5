// connectivity/model.hpp — the neutral objects a connector returns, with JSON both ways.
//
// Field names are the wire names of sdk/schemas/ (camelCase). Timestamps are RFC 3339 UTC
// strings; amounts are exact decimal integer strings in minor units of `asset` ("EUR/2": cents);
// a reader ignores unknown fields. Use boost::json::value_from(obj) / value_to<T>(json).
#pragma once

#include <connectivity/connector.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cx {

using Metadata = std::map<std::string, std::string>;

/// Payment types, spelled as the v3 API spells them.
namespace payment_type {
inline constexpr const char* kPayIn = "PAY-IN";
inline constexpr const char* kPayout = "PAYOUT";
inline constexpr const char* kTransfer = "TRANSFER";
inline constexpr const char* kOther = "OTHER";
}  // namespace payment_type

/// Payment statuses (a subset; the full list is $defs/PaymentStatus in sdk/schemas/common.json).
namespace payment_status {
inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kSucceeded = "SUCCEEDED";
inline constexpr const char* kCancelled = "CANCELLED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kOther = "OTHER";
}  // namespace payment_status

/// An account at the provider (internal) or a counterparty (external).
struct Account {
  std::string reference;                    ///< provider id, unique per connector
  std::string created_at;                   ///< RFC 3339 UTC
  std::optional<std::string> name;
  std::optional<std::string> default_asset; ///< "EUR/2"
  Metadata metadata;
  boost::json::value raw = boost::json::object{};  ///< provider payload (encrypted at rest)
  std::optional<std::string> provider_user_id;     ///< open banking: the provider's user id
  std::optional<std::string> connection_id;        ///< open banking: the provider connection id
};

/// A balance observation of one account in one asset.
struct Balance {
  std::string account_reference;
  std::string created_at;  ///< as-of time, RFC 3339 UTC
  std::string amount;      ///< signed minor units, exact
  std::string asset;
  std::optional<std::string> provider_user_id;
  std::optional<std::string> connection_id;
};

/// A payment (transaction) observation. Replays of the same (reference, createdAt, status) are
/// no-ops in the host; a new status or createdAt under the same reference is an adjustment.
struct Payment {
  std::string reference;
  std::optional<std::string> parent_reference;
  std::string created_at;
  std::string type;    ///< payment_type::*
  std::string amount;  ///< non-negative minor units; direction is in `type`
  std::string asset;
  std::string scheme = "OTHER";
  std::string status = payment_status::kSucceeded;
  std::optional<std::string> source_account_reference;
  std::optional<std::string> destination_account_reference;
  Metadata metadata;
  boost::json::value raw = boost::json::object{};
  std::optional<std::string> provider_user_id;
  std::optional<std::string> connection_id;
};

/// A provider-side removal: the stored payment with this reference is deleted.
struct PaymentToDelete {
  std::string reference;
};

/// One webhook endpoint the connector wants: requests to {webhookBaseURL}{urlPath} reach it.
struct WebhookConfig {
  std::string name;
  std::string url_path;
  Metadata metadata;  ///< secrets here are encrypted at rest by the host
};

/// A token with its expiry (RFC 3339, absent = does not expire).
struct Token {
  std::string token;
  std::optional<std::string> expires_at;
};

/// An open-banking connection returned by complete_user_link.
struct Connection {
  std::string connection_id;
  std::string created_at;
  std::optional<Token> access_token;
  Metadata metadata;
};

namespace detail {
inline void put_opt(boost::json::object& o, const char* k, const std::optional<std::string>& v) {
  if (v) o[k] = *v;
}
inline std::string get_str(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}
inline std::optional<std::string> get_opt(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}
inline boost::json::object metadata_json(const Metadata& m) {
  boost::json::object o;
  for (auto& [k, v] : m) o[k] = v;
  return o;
}
inline Metadata metadata_of(const boost::json::object& o, const char* k) {
  Metadata m;
  if (auto* v = o.if_contains(k); v && v->is_object())
    for (auto& [mk, mv] : v->get_object())
      if (mv.is_string()) m[std::string(mk)] = std::string(mv.get_string());
  return m;
}
inline boost::json::value raw_of(const boost::json::object& o) {
  auto* v = o.if_contains("raw");
  return v ? *v : boost::json::value(boost::json::object{});
}
}  // namespace detail

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const Account& a) {
  boost::json::object o{{"reference", a.reference}, {"createdAt", a.created_at},
                        {"metadata", detail::metadata_json(a.metadata)}, {"raw", a.raw}};
  detail::put_opt(o, "name", a.name);
  detail::put_opt(o, "defaultAsset", a.default_asset);
  detail::put_opt(o, "providerUserID", a.provider_user_id);
  detail::put_opt(o, "connectionID", a.connection_id);
  jv = std::move(o);
}
inline Account tag_invoke(boost::json::value_to_tag<Account>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  return Account{detail::get_str(o, "reference"), detail::get_str(o, "createdAt"), detail::get_opt(o, "name"),
                 detail::get_opt(o, "defaultAsset"), detail::metadata_of(o, "metadata"), detail::raw_of(o),
                 detail::get_opt(o, "providerUserID"), detail::get_opt(o, "connectionID")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const Balance& b) {
  boost::json::object o{{"accountReference", b.account_reference}, {"createdAt", b.created_at},
                        {"amount", b.amount}, {"asset", b.asset}};
  detail::put_opt(o, "providerUserID", b.provider_user_id);
  detail::put_opt(o, "connectionID", b.connection_id);
  jv = std::move(o);
}
inline Balance tag_invoke(boost::json::value_to_tag<Balance>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  return Balance{detail::get_str(o, "accountReference"), detail::get_str(o, "createdAt"),
                 detail::get_str(o, "amount"), detail::get_str(o, "asset"),
                 detail::get_opt(o, "providerUserID"), detail::get_opt(o, "connectionID")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const Payment& p) {
  boost::json::object o{{"reference", p.reference}, {"createdAt", p.created_at}, {"type", p.type},
                        {"amount", p.amount}, {"asset", p.asset}, {"scheme", p.scheme},
                        {"status", p.status}, {"metadata", detail::metadata_json(p.metadata)}, {"raw", p.raw}};
  detail::put_opt(o, "parentReference", p.parent_reference);
  detail::put_opt(o, "sourceAccountReference", p.source_account_reference);
  detail::put_opt(o, "destinationAccountReference", p.destination_account_reference);
  detail::put_opt(o, "providerUserID", p.provider_user_id);
  detail::put_opt(o, "connectionID", p.connection_id);
  jv = std::move(o);
}
inline Payment tag_invoke(boost::json::value_to_tag<Payment>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  Payment p;
  p.reference = detail::get_str(o, "reference");
  p.parent_reference = detail::get_opt(o, "parentReference");
  p.created_at = detail::get_str(o, "createdAt");
  p.type = detail::get_str(o, "type");
  p.amount = detail::get_str(o, "amount");
  p.asset = detail::get_str(o, "asset");
  if (auto s = detail::get_opt(o, "scheme")) p.scheme = *s;
  if (auto s = detail::get_opt(o, "status")) p.status = *s;
  p.source_account_reference = detail::get_opt(o, "sourceAccountReference");
  p.destination_account_reference = detail::get_opt(o, "destinationAccountReference");
  p.metadata = detail::metadata_of(o, "metadata");
  p.raw = detail::raw_of(o);
  p.provider_user_id = detail::get_opt(o, "providerUserID");
  p.connection_id = detail::get_opt(o, "connectionID");
  return p;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const PaymentToDelete& p) {
  jv = boost::json::object{{"reference", p.reference}};
}
inline PaymentToDelete tag_invoke(boost::json::value_to_tag<PaymentToDelete>, const boost::json::value& jv) {
  return PaymentToDelete{detail::get_str(jv.as_object(), "reference")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const WebhookConfig& w) {
  jv = boost::json::object{{"name", w.name}, {"urlPath", w.url_path}, {"metadata", detail::metadata_json(w.metadata)}};
}
inline WebhookConfig tag_invoke(boost::json::value_to_tag<WebhookConfig>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  return WebhookConfig{detail::get_str(o, "name"), detail::get_str(o, "urlPath"), detail::metadata_of(o, "metadata")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const Token& t) {
  boost::json::object o{{"token", t.token}};
  detail::put_opt(o, "expiresAt", t.expires_at);
  jv = std::move(o);
}
inline Token tag_invoke(boost::json::value_to_tag<Token>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  return Token{detail::get_str(o, "token"), detail::get_opt(o, "expiresAt")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const Connection& c) {
  boost::json::object o{{"connectionID", c.connection_id}, {"createdAt", c.created_at},
                        {"metadata", detail::metadata_json(c.metadata)}};
  if (c.access_token) o["accessToken"] = boost::json::value_from(*c.access_token);
  jv = std::move(o);
}
inline Connection tag_invoke(boost::json::value_to_tag<Connection>, const boost::json::value& jv) {
  auto& o = jv.as_object();
  Connection c{detail::get_str(o, "connectionID"), detail::get_str(o, "createdAt"), std::nullopt,
               detail::metadata_of(o, "metadata")};
  if (auto* t = o.if_contains("accessToken"); t && t->is_object()) c.access_token = boost::json::value_to<Token>(*t);
  return c;
}

/// Webhook translation results, in the order the host must apply them (one key per element of
/// translate_webhook's "responses" array; see sdk/schemas/translate_webhook.response.json).
namespace webhook {
inline boost::json::object accounts(const std::vector<Account>& v) { return {{"accounts", boost::json::value_from(v)}}; }
inline boost::json::object external_accounts(const std::vector<Account>& v) {
  return {{"externalAccounts", boost::json::value_from(v)}};
}
inline boost::json::object balances(const std::vector<Balance>& v) { return {{"balances", boost::json::value_from(v)}}; }
inline boost::json::object payments(const std::vector<Payment>& v) { return {{"payments", boost::json::value_from(v)}}; }
inline boost::json::object payments_to_delete(const std::vector<PaymentToDelete>& v) {
  return {{"paymentsToDelete", boost::json::value_from(v)}};
}
/// status: "completed" | "exited" | "pending".
inline boost::json::object link_session_finished(std::string attempt_id, std::string status,
                                                 std::optional<std::string> error = std::nullopt) {
  boost::json::object o{{"attemptID", attempt_id}, {"status", status}};
  if (error) o["error"] = *error;
  return {{"userLinkSessionFinished", std::move(o)}};
}
/// data: subset of {"accounts_and_balances", "payments"}.
inline boost::json::object data_ready_to_fetch(std::string connection_id, std::vector<std::string> data,
                                               boost::json::value from_payload = nullptr) {
  return {{"dataReadyToFetch", boost::json::object{{"connectionID", connection_id},
                                                   {"dataToFetch", boost::json::value_from(data)},
                                                   {"fromPayload", from_payload}}}};
}
inline boost::json::object user_disconnected(std::string provider_user_id, std::optional<std::string> reason = {}) {
  boost::json::object o{{"providerUserID", provider_user_id}};
  if (reason) o["reason"] = *reason;
  return {{"userDisconnected", std::move(o)}};
}
/// error_type: "USER_ACTION_NEEDED" | "TEMPORARY_ERROR" | "NON_RECOVERABLE".
inline boost::json::object connection_disconnected(std::optional<std::string> provider_user_id, std::string connection_id,
                                                   std::string at, std::string error_type,
                                                   std::optional<std::string> reason = {}) {
  boost::json::object o{{"connectionID", connection_id}, {"at", at}, {"errorType", error_type}};
  if (provider_user_id) o["providerUserID"] = *provider_user_id;
  if (reason) o["reason"] = *reason;
  return {{"userConnectionDisconnected", std::move(o)}};
}
inline boost::json::object connection_reconnected(std::optional<std::string> provider_user_id, std::string connection_id,
                                                  std::string at) {
  boost::json::object o{{"connectionID", connection_id}, {"at", at}};
  if (provider_user_id) o["providerUserID"] = *provider_user_id;
  return {{"userConnectionReconnected", std::move(o)}};
}
inline boost::json::object connection_pending_disconnect(std::optional<std::string> provider_user_id,
                                                         std::string connection_id, std::string at,
                                                         std::optional<std::string> reason = {}) {
  boost::json::object o{{"connectionID", connection_id}, {"at", at}};
  if (provider_user_id) o["providerUserID"] = *provider_user_id;
  if (reason) o["reason"] = *reason;
  return {{"userConnectionPendingDisconnect", std::move(o)}};
}
/// The connection was deleted at the provider: the host removes it and the data it owns, like an
/// API deletion, and ignores later events about it.
inline boost::json::object connection_deleted(std::optional<std::string> provider_user_id, std::string connection_id,
                                              std::string at) {
  boost::json::object o{{"connectionID", connection_id}, {"at", at}};
  if (provider_user_id) o["providerUserID"] = *provider_user_id;
  return {{"userConnectionDeleted", std::move(o)}};
}
}  // namespace webhook

}  // namespace cx
