#include "webhooks.hpp"

#include "connection_state.hpp"
#include "mapping.hpp"
#include "paris_time.hpp"
#include "signature.hpp"

#include <connectivity/crypto.hpp>
#include <connectivity/http.hpp>
#include <connectivity/json.hpp>
#include <connectivity/money.hpp>
#include <connectivity/time.hpp>

#include <cctype>
#include <map>
#include <set>

namespace powens {

namespace json = boost::json;

std::vector<cx::WebhookConfig> webhook_configs(const std::string& secret) {
  cx::Metadata m{{"secret", secret}};
  return {{"USER_DELETED", "/user-deleted", m},
          {"CONNECTION_SYNCED", "/connection-synced", m},
          {"CONNECTION_DELETED", "/connection-deleted", m},
          {"USER_SYNCED", "/user-synced", m},
          {"CONNECTION_PENDING_DISCONNECT", "/connection-pending-disconnect", m}};
}

namespace {

const json::object& object_at(const json::object& o, std::string_view k, std::string_view field) {
  auto* v = cx::json::object_or_null(o, k);
  if (!v) throw cx::invalid(std::string(field), "missing object " + std::string(field));
  return *v;
}

/// The single value of a header (names matched case-insensitively); nullopt when absent.
/// Throws when the header is repeated: a signature must be unambiguous.
std::optional<std::string> header(const json::object& headers, std::string_view lower) {
  std::optional<std::string> found;
  for (auto& [k, v] : headers) {
    std::string name(k);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name != lower) continue;
    if (v.is_string()) {
      if (found) throw cx::Failure(CX_ERR_AUTH, "webhook header " + std::string(lower) + " is repeated");
      found = std::string(v.get_string());
    } else if (v.is_array()) {
      for (auto& e : v.get_array()) {
        if (!e.is_string()) continue;
        if (found) throw cx::Failure(CX_ERR_AUTH, "webhook header " + std::string(lower) + " is repeated");
        found = std::string(e.get_string());
      }
    }
  }
  return found;
}

std::string webhook_body(const json::object& webhook) {
  auto* b = webhook.if_contains("body");
  return b && b->is_string() ? std::string(b->get_string()) : std::string{};
}

std::string now_utc(const cx::Host& host) { return cx::time::format_rfc3339(host.now_ms()); }

constexpr int64_t kPendingDisconnectDefaultDays = 7;

const std::string kDeletedMark = "~deleted";  // sorts after every "YYYY-MM-DD HH:MM:SS"

std::string sync_key(const std::string& connection_id) { return "connection-sync/" + connection_id; }

/// How a delivery compares with what was already applied for its connection.
enum class Freshness { kCurrent, kStale, kDeleted };

/// Classifies a delivery by connection.last_update against the newest one applied (kept in
/// the host's state service), and remembers it when newer.
Freshness freshness(const cx::Host& host, const std::string& connection_id, const std::optional<std::string>& last_update) {
  auto seen = host.state_get(sync_key(connection_id));
  if (seen && *seen == kDeletedMark) return Freshness::kDeleted;
  if (seen && last_update && *last_update < *seen) return Freshness::kStale;
  if (last_update && (!seen || *last_update > *seen)) host.state_put(sync_key(connection_id), *last_update);
  return Freshness::kCurrent;
}

/// Responses for one synced Connection object (CONNECTION_SYNCED.connection, or an element of
/// USER_SYNCED.connections). A stale delivery (overtaken by a newer one) keeps only what cannot
/// have changed since: accounts, booked transactions and deletions; its pending rows, balances
/// and connection state are outdated and dropped, so it cannot resurrect a provisional payment.
void translate_connection(const json::object& connection, std::optional<std::string> user_id, const cx::Host& host,
                          json::array& responses) {
  auto connection_id = cx::json::id_text(connection.if_contains("id"));
  if (!connection_id) throw cx::invalid("connection.id", "webhook connection has no id");
  if (!user_id) user_id = cx::json::id_text(connection.if_contains("id_user"));
  Freshness f = freshness(host, *connection_id, cx::json::text_or_none(connection, "last_update"));
  if (f == Freshness::kDeleted) {
    host.warn("powens: ignoring CONNECTION_SYNCED for deleted connection " + *connection_id);
    return;
  }
  bool stale = f == Freshness::kStale;
  if (stale) host.warn("powens: CONNECTION_SYNCED for connection " + *connection_id + " is out of date; keeping booked rows only");
  int64_t now = host.now_ms();
  json::array events = connection_events(connection, user_id, now);
  bool active = !events.empty() && events.front().as_object().contains("userConnectionReconnected");
  if (!active) {
    if (!stale) for (auto& e : events) responses.push_back(e);
    return;
  }
  if (!stale)
    for (auto& e : events) responses.push_back(e);

  Owner owner{user_id, connection_id};
  std::vector<cx::Account> accounts, externals;
  std::vector<cx::Balance> balances;
  std::set<std::string> external_refs;
  PaymentBatch batch;
  std::vector<Rejection> rejected;
  if (auto* list = cx::json::array_or_null(connection, "accounts"))
    for (auto& v : *list) {
      if (!v.is_object()) continue;
      auto& a = v.get_object();
      std::string why;
      auto acc = map_account(a, owner, now, &why);
      if (!acc) {
        rejected.push_back({"?", why});
        continue;
      }
      std::string asset = acc->default_asset.value_or("");
      if (auto* txs = cx::json::array_or_null(a, "transactions"))
        for (auto& t : *txs) {
          if (!t.is_object()) continue;
          if (stale && cx::json::truthy(t.get_object(), "coming") && !cx::json::truthy(t.get_object(), "deleted")) continue;
          map_transaction(t.get_object(), acc->reference, asset, owner, batch);
          if (auto ext = map_counterparty(t.get_object(), owner, now); ext && external_refs.insert(ext->reference).second)
            externals.push_back(std::move(*ext));
        }
      if (!stale) {
        if (auto b = map_balance(a, owner, now, &why)) balances.push_back(std::move(*b));
        else host.warn("powens: no balance for account " + acc->reference + ": " + why);
      }
      accounts.push_back(std::move(*acc));
    }
  log_rejections(host, "account", rejected);
  log_rejections(host, "transaction", batch.rejected);
  if (!accounts.empty()) responses.push_back(cx::webhook::accounts(accounts));
  if (!externals.empty()) responses.push_back(cx::webhook::external_accounts(externals));
  if (!batch.payments.empty()) responses.push_back(cx::webhook::payments(batch.payments));
  if (!batch.to_delete.empty()) responses.push_back(cx::webhook::payments_to_delete(batch.to_delete));
  if (!balances.empty()) responses.push_back(cx::webhook::balances(balances));
}

/// CONNECTION_PENDING_DISCONNECT: the connection as CONNECTION_SYNCED carries it ({user,
/// connection}) or at the root. The disconnection is expected at connection.expire (Paris time),
/// else a week from now (the reference's rule for a pending disconnect without a date).
void translate_pending_disconnect(const json::object& body, const cx::Host& host, json::array& responses) {
  auto* user = cx::json::object_or_null(body, "user");
  auto* nested = cx::json::object_or_null(body, "connection");
  const json::object& connection = nested ? *nested : body;
  auto id = cx::json::id_text(connection.if_contains("id"));
  if (!id) throw cx::invalid("webhook.body.connection.id", "CONNECTION_PENDING_DISCONNECT has no connection id");
  auto user_id = user ? cx::json::id_text(user->if_contains("id")) : std::nullopt;
  if (!user_id) user_id = cx::json::id_text(connection.if_contains("id_user"));
  if (host.state_get(sync_key(*id)) == kDeletedMark) {
    host.warn("powens: ignoring CONNECTION_PENDING_DISCONNECT for deleted connection " + *id);
    return;
  }
  std::optional<std::string> at;
  if (auto expire = cx::json::text_or_none(connection, "expire")) at = paris_to_rfc3339(*expire);
  if (!at) at = cx::time::format_rfc3339(host.now_ms() + kPendingDisconnectDefaultDays * 86400000);
  auto reason = cx::json::text_or_none(connection, "error_message");
  responses.push_back(cx::webhook::connection_pending_disconnect(
      user_id, *id, *at, reason.value_or("the connection will be disconnected at Powens; renew it through update-link")));
}

/// The event a request is for: its name, else its config's name, else the URL path suffix.
std::string event_of(const json::object& request) {
  if (auto n = cx::json::text_or_none(request, "name")) return *n;
  if (auto* c = cx::json::object_or_null(request, "config")) {
    if (auto n = cx::json::text_or_none(*c, "name")) return *n;
    if (auto p = cx::json::text_or_none(*c, "urlPath")) {
      static const std::map<std::string, std::string> by_path{{"/connection-synced", "CONNECTION_SYNCED"},
                                                              {"/connection-deleted", "CONNECTION_DELETED"},
                                                              {"/user-deleted", "USER_DELETED"},
                                                              {"/user-synced", "USER_SYNCED"},
                                                              {"/connection-pending-disconnect", "CONNECTION_PENDING_DISCONNECT"}};
      if (auto it = by_path.find(*p); it != by_path.end()) return it->second;
    }
  }
  return {};
}

}  // namespace

json::object verify_webhook(const json::object& request) {
  auto& webhook = object_at(request, "webhook", "webhook");
  auto* config = cx::json::object_or_null(request, "config");
  auto* meta = config ? cx::json::object_or_null(*config, "metadata") : nullptr;
  auto secret = meta ? cx::json::text_or_none(*meta, "secret") : std::nullopt;
  if (!secret) throw cx::Failure(CX_ERR_AUTH, "webhook config has no secret");
  auto* headers = cx::json::object_or_null(webhook, "headers");
  auto signature = headers ? header(*headers, "bi-signature") : std::nullopt;
  auto date = headers ? header(*headers, "bi-signature-date") : std::nullopt;
  if (!signature || signature->empty()) throw cx::Failure(CX_ERR_AUTH, "webhook has no BI-Signature header");
  if (!date || date->empty()) throw cx::Failure(CX_ERR_AUTH, "webhook has no BI-Signature-Date header");
  auto signed_at = signature_date_ms(*date);
  if (!signed_at) throw cx::Failure(CX_ERR_AUTH, "webhook BI-Signature-Date '" + date->substr(0, 64) + "' is not a date");
  auto full_url = cx::json::text_or_none(webhook, "fullURL");
  auto path = full_url ? cx::url_path(*full_url) : std::nullopt;
  if (!path) throw cx::Failure(CX_ERR_AUTH, "webhook has no usable fullURL to verify the signature against");
  std::string body = webhook_body(webhook);
  if (!signature_matches(*secret, *path, *date, body, *signature))
    throw cx::Failure(CX_ERR_AUTH, "webhook BI-Signature does not match");
  // The host refuses a signedAt outside its tolerance window and remembers the key that long.
  return json::object{{"idempotencyKey", cx::crypto::sha256_hex(*path + "\n" + body)},
                      {"signedAt", cx::time::format_rfc3339(*signed_at)}};
}

json::object translate_webhook(const json::object& request, const cx::Host& host) {
  auto& webhook = object_at(request, "webhook", "webhook");
  std::string event = event_of(request);
  auto parsed = cx::json::parse_exact(webhook_body(webhook));
  if (!parsed || !parsed->is_object()) throw cx::invalid("webhook.body", "webhook body is not a JSON object");
  auto& body = parsed->get_object();
  json::array responses;

  if (event == "CONNECTION_SYNCED") {
    auto* user = cx::json::object_or_null(body, "user");
    auto& connection = object_at(body, "connection", "webhook.body.connection");
    translate_connection(connection, user ? cx::json::id_text(user->if_contains("id")) : std::nullopt, host, responses);
  } else if (event == "USER_SYNCED") {
    auto* user = cx::json::object_or_null(body, "user");
    auto user_id = cx::json::id_text((user ? *user : body).if_contains("id"));
    const json::array* connections = cx::json::array_or_null(body, "connections");
    if (!connections && user) connections = cx::json::array_or_null(*user, "connections");
    if (connections)
      for (auto& c : *connections)
        if (c.is_object()) translate_connection(c.get_object(), user_id, host, responses);
  } else if (event == "CONNECTION_DELETED") {
    auto id = cx::json::id_text(body.if_contains("id"));
    if (!id) throw cx::invalid("webhook.body.id", "CONNECTION_DELETED body has no connection id");
    host.state_put(sync_key(*id), kDeletedMark);
    // Deleted at Powens: removed with its data, like an API deletion (docs/providers/powens.md).
    responses.push_back(cx::webhook::connection_deleted(cx::json::id_text(body.if_contains("id_user")), *id, now_utc(host)));
  } else if (event == "CONNECTION_PENDING_DISCONNECT") {
    translate_pending_disconnect(body, host, responses);
  } else if (event == "USER_DELETED") {
    auto id = cx::json::id_text(body.if_contains("id"));
    if (!id) throw cx::invalid("webhook.body.id", "USER_DELETED body has no user id");
    responses.push_back(cx::webhook::user_disconnected(*id, std::string("user deleted at Powens")));
  } else {
    throw cx::invalid("name", "unsupported Powens webhook '" + event + "'");
  }
  return json::object{{"responses", std::move(responses)}};
}

}  // namespace powens
