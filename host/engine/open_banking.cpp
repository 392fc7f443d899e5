// Open banking, synchronous half: forward a PSU to a provider, create / update a link, and
// complete the link when the end user's browser comes back through the redirect.
#include "host/engine/connections.hpp"
#include "host/net/url.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <botan/mem_ops.h>

namespace cx::engine {

namespace {
struct PsuContext {
  store::PsuRecord psu;
  std::optional<store::ForwardedUserRecord> user;
  std::optional<store::TokenValue> token;
};

PsuContext load_psu(Engine& e, const std::string& psu_id, const std::string& connector_id) {
  if (!util::is_uuid(psu_id)) throw EngineError(400, "INVALID_ID", "paymentServiceUserID: not a UUID");
  return e.db().read([&](store::ReadTx& tx) {
    auto psu = store::psus::get(tx, psu_id);
    if (!psu) throw not_found("payment service user not found");
    return PsuContext{*psu, store::forwarded_users::get(tx, psu_id, connector_id),
                      store::provider_tokens::get(tx, psu_id, connector_id)};
  });
}

LiveConnector open_banking_connector(Engine& e, const std::string& connector_id) {
  auto c = e.runtime().require(connector_id);
  if (!c.open_banking())
    throw EngineError(400, "CONNECTOR_CAPABILITY_NOT_SUPPORTED", "connector " + c.record.provider + " does not support open banking");
  return c;
}

std::string first(const std::map<std::string, std::vector<std::string>>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() || it->second.empty() ? std::string{} : it->second.front();
}
}  // namespace

void Engine::forward(const std::string& psu_id, const std::string& connector_id) {
  connector_of(connector_id);
  auto c = open_banking_connector(*this, connector_id);
  auto ctx = load_psu(*this, psu_id, connector_id);
  if (ctx.user) throw conflict("user already exists on this connector");
  auto out = call_sync(*c.instance, plugin::Op::CreateUser, {{"psu", psu_json(ctx.psu)}}, options_.sync_call_timeout_ms);
  const auto& o = out.as_object();
  store::ForwardedUserRecord u;
  u.psu_id = psu_id;
  u.connector_id = connector_id;
  if (auto* id = o.if_contains("providerUserID"); id && id->is_string()) u.provider_user_id = std::string(id->get_string());
  if (auto* m = o.if_contains("metadata"); m && m->is_object())
    for (auto& [k, v] : m->get_object()) u.metadata[std::string(k)] = v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
  // What the connector says to show on the PSU (non-secret, e.g. Powens user_id, expires_in);
  // `metadata` above stays sealed with the forwarded user.
  store::Metadata shown;
  if (auto* m = o.if_contains("psuMetadata"); m && m->is_object())
    for (auto& [k, v] : m->get_object())
      if (v.is_string()) shown[std::string(k)] = std::string(v.get_string());
  auto token = token_from(o.if_contains("permanentToken"));
  if (token) u.expires_at = token->expires_at;
  u.created_at = db_.now();
  try {
    db_.write([&](store::WriteTx& tx) {
      store::forwarded_users::insert(tx, u);
      if (!shown.empty()) store::psus::merge_metadata(tx, psu_id, shown);
      if (token) store::provider_tokens::put(tx, psu_id, connector_id, *token);
    });
  } catch (const store::Conflict&) {
    throw conflict("user already exists on this connector");
  }
}

namespace {
LinkResult make_link(Engine& e, const std::string& psu_id, const std::string& connector_id,
                     const std::optional<std::string>& connection_id, const boost::json::object& body,
                     const std::optional<std::string>& idempotency_key) {
  connector_of(connector_id);
  auto c = open_banking_connector(e, connector_id);
  auto* redirect = body.if_contains("clientRedirectURL");
  if (!redirect || !redirect->is_string() || redirect->get_string().empty())
    throw validation("clientRedirectURL: required");
  if (!net::parse_url(redirect->get_string())) throw validation("clientRedirectURL: must be an absolute http(s) URL");
  std::string attempt_id = util::uuid_v4();
  if (idempotency_key) {
    if (!util::is_uuid(*idempotency_key)) throw EngineError(400, "INVALID_ID", "Idempotency-Key: not a UUID");
    attempt_id = *idempotency_key;
  }
  auto ctx = load_psu(e, psu_id, connector_id);
  if (!ctx.user) throw not_found("payment service user is not forwarded to this connector");
  std::optional<store::ConnectionRecord> connection;
  if (connection_id) {
    connection = e.db().read([&](store::ReadTx& tx) { return store::connections::get(tx, psu_id, connector_id, *connection_id); });
    if (!connection) throw not_found("connection not found");
  }

  store::LinkAttemptRecord a;
  a.id = attempt_id;
  a.psu_id = psu_id;
  a.connector_id = connector_id;
  a.randomized = util::uuid_v4();
  a.client_redirect_url = std::string(redirect->get_string());
  a.created_at = a.updated_at = e.db().now();
  e.db().write([&](store::WriteTx& tx) { store::link_attempts::upsert(tx, a); });

  const std::string base = e.options().public_url + "/api/payments/v3/connectors/";
  boost::json::object req{{"attemptID", attempt_id},
                          {"psu", psu_json(ctx.psu)},
                          {"forwardedUser", forwarded_user_json(*ctx.user, ctx.token)},
                          {"clientRedirectURL", a.client_redirect_url},
                          {"redirectURL", base + "open-banking/" + connector_id + "/redirect"},
                          {"callbackState", ids::encode(ids::CallbackState{attempt_id, a.randomized})},
                          {"webhookBaseURL", base + "webhooks/" + connector_id}};
  if (auto* app = body.if_contains("applicationName"); app && app->is_string()) req["applicationName"] = *app;
  if (connection) req["connection"] = connection_json(*connection);
  auto out = call_sync(*c.instance, connection ? plugin::Op::UpdateUserLink : plugin::Op::CreateUserLink, req,
                       e.options().sync_call_timeout_ms);
  const auto& o = out.as_object();
  auto* link = o.if_contains("link");
  if (!link || !link->is_string()) throw EngineError(502, "UPSTREAM", "connector returned no link");
  if (auto token = token_from(o.if_contains("temporaryToken")))
    e.db().write([&](store::WriteTx& tx) { store::link_attempts::set_temporary_token(tx, attempt_id, token); });
  return LinkResult{attempt_id, std::string(link->get_string())};
}
}  // namespace

LinkResult Engine::create_link(const std::string& psu_id, const std::string& connector_id, const boost::json::object& body,
                               const std::optional<std::string>& idempotency_key) {
  return make_link(*this, psu_id, connector_id, std::nullopt, body, idempotency_key);
}

LinkResult Engine::update_link(const std::string& psu_id, const std::string& connector_id, const std::string& connection_id,
                               const boost::json::object& body, const std::optional<std::string>& idempotency_key) {
  return make_link(*this, psu_id, connector_id, connection_id, body, idempotency_key);
}

RedirectResult Engine::handle_redirect(const std::string& connector_id, const InboundRequest& req) {
  const std::string state_text = first(req.query, "state");
  if (state_text.empty()) throw validation("state: required query parameter");
  auto state = ids::decode_callback_state(state_text);
  if (!state) throw validation("state: malformed");
  auto attempt = db_.read([&](store::ReadTx& tx) { return store::link_attempts::get(tx, state->attempt_id); });
  // A forged state names no attempt or carries another nonce; both answer the same way.
  if (!attempt || attempt->connector_id != connector_id || attempt->randomized.size() != state->randomized.size() ||
      !Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(attempt->randomized.data()),
                                    reinterpret_cast<const uint8_t*>(state->randomized.data()), attempt->randomized.size()))
    throw validation("state: does not match any link attempt");
  if (attempt->status != store::link_status::kPending)
    throw validation("state: this link attempt is already " + attempt->status);
  auto c = open_banking_connector(*this, connector_id);
  auto ctx = load_psu(*this, attempt->psu_id, connector_id);

  boost::json::object attempt_json{{"id", attempt->id},
                                   {"psuID", attempt->psu_id},
                                   {"state", {{"attemptID", attempt->id}, {"randomized", attempt->randomized}}},
                                   {"clientRedirectURL", attempt->client_redirect_url}};
  if (attempt->temporary_token) attempt_json["temporaryToken"] = token_json(*attempt->temporary_token);
  boost::json::object request{
      {"httpCall", {{"queryValues", multimap_json(req.query)}, {"headers", multimap_json(req.headers)}, {"body", req.body}}},
      {"attempt", attempt_json}};
  if (ctx.user) request["forwardedUser"] = forwarded_user_json(*ctx.user, ctx.token);

  auto r = c.instance->call_within(plugin::Op::CompleteUserLink, boost::json::serialize(request), options_.sync_call_timeout_ms);
  boost::json::value out;
  boost::system::error_code ec;
  if (r.ok()) out = boost::json::parse(r.out, ec);
  db_.write([&](store::WriteTx& tx) {
    if (!r.ok() || ec || !out.is_object()) {
      store::link_attempts::set_status(tx, attempt->id, store::link_status::kExited,
                                       r.ok() ? "connector returned an invalid completion" : r.message());
      return;
    }
    auto& o = out.get_object();
    if (auto* err = o.if_contains("error"); err && err->is_object()) {
      auto* m = err->get_object().if_contains("error");
      store::link_attempts::set_status(tx, attempt->id, store::link_status::kExited,
                                       m && m->is_string() ? std::string(m->get_string()) : "link exited");
      return;
    }
    if (auto* s = o.if_contains("success"); s && s->is_object())
      if (auto* conns = s->get_object().if_contains("connections"); conns && conns->is_array())
        for (auto& cv : conns->get_array()) {
          auto conn = boost::json::value_to<cx::Connection>(cv);
          activate_connection(tx, c, runtime_.rules(), attempt->psu_id, conn.connection_id,
                              token_from(cv.as_object().if_contains("accessToken")), conn.metadata);
        }
    store::link_attempts::set_status(tx, attempt->id, store::link_status::kCompleted, std::nullopt);
  });
  workers_->notify();
  if (first(req.query, "noRedirect") == "true") return RedirectResult{};
  return RedirectResult{attempt->client_redirect_url};
}

}  // namespace cx::engine
