// /api/webhooks: configs, deliveries, attempts and replays (outbound_routes.hpp). Shapes and
// messages follow the reference Webhooks service v2.5 (docs/events.md "API"), except that
// PUT /configs/{id} on an unknown id answers 404 and keeps the secret when none is given.
#include "host/api/errors.hpp"
#include "host/api/outbound_routes.hpp"
#include "host/outbound/endpoint_policy.hpp"
#include "host/outbound/signature.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>
#include <botan/hash.h>
#include <connectivity/time.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

namespace cx::api {
namespace json = boost::json;

namespace {

std::string path(std::string_view suffix) { return std::string(kWebhooksBasePath) + std::string(suffix); }

ApiResponse ok(json::value v) { return json_response(200, json::serialize(json::object{{"data", std::move(v)}})); }
ApiResponse ok_empty() { return json_response(200, ""); }
ApiResponse cursor(json::object c) { return json_response(200, json::serialize(json::object{{"cursor", std::move(c)}})); }

std::string t(int64_t ms) { return time::format_rfc3339(ms); }

json::object config_json(const store::OutboundConfig& c) {
  json::array types;
  for (auto& x : c.event_types) types.emplace_back(x);
  return json::object{{"endpoint", c.endpoint}, {"secret", c.secret},        {"eventTypes", std::move(types)},
                      {"id", c.id},             {"active", c.active},        {"name", ""},
                      {"createdAt", t(c.created_at)}, {"updatedAt", t(c.updated_at)}};
}

json::object delivery_json(const store::OutboundDelivery& d, bool with_payload) {
  json::object o{{"id", d.id}, {"eventID", std::to_string(d.event_seq)}};
  if (!d.idempotency_key.empty()) o["idempotencyKey"] = d.idempotency_key;
  o["configID"] = d.config_id;
  o["eventType"] = d.event_type;
  if (with_payload) o["payload"] = d.payload;
  o["status"] = d.status;
  o["attemptCount"] = d.attempt_count;
  o["replayGeneration"] = d.replay_generation;
  if (d.cycle_started_at) o["cycleStartedAt"] = t(*d.cycle_started_at);
  if (d.next_attempt_at && d.status == "pending") o["nextAttemptAt"] = t(*d.next_attempt_at);
  if (d.claimed_at) o["claimedAt"] = t(*d.claimed_at);
  if (d.last_attempt_at) o["lastAttemptAt"] = t(*d.last_attempt_at);
  if (d.last_status_code) o["lastStatusCode"] = *d.last_status_code;
  if (d.last_error && !d.last_error->empty()) o["lastError"] = *d.last_error;
  o["createdAt"] = t(d.created_at);
  o["updatedAt"] = t(d.updated_at);
  return o;
}

json::object attempt_json(const store::OutboundAttempt& a) {
  json::object o{{"id", a.id},
                 {"deliveryID", a.delivery_id},
                 {"attemptNumber", a.attempt_number},
                 {"replayGeneration", a.replay_generation},
                 {"endpoint", a.endpoint},
                 {"outcome", a.outcome},
                 {"statusCode", a.status_code}};
  if (a.error) o["error"] = *a.error;
  o["durationMillis"] = a.duration_ms;
  if (a.response_excerpt) o["responseExcerpt"] = *a.response_excerpt;
  o["createdAt"] = t(a.created_at);
  return o;
}

/// The request body as one JSON object with only `allowed` keys; nullopt for an empty body when
/// `optional`. Content-Type must be application/json when there is a body.
std::optional<json::object> body_object(const ApiRequest& r, std::initializer_list<std::string_view> allowed,
                                        bool optional) {
  auto trimmed = r.body.find_first_not_of(" \t\r\n");
  if (trimmed == std::string::npos) {
    if (optional) return std::nullopt;
    throw validation_error("request body is required");
  }
  json::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) throw validation_error("request body should be one JSON object");
  auto ct = r.header("Content-Type");
  if (!ct || *ct != "application/json") throw validation_error("Content-Type header should be application/json");
  for (auto& [k, x] : v.get_object())
    if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end())
      throw validation_error("json: unknown field \"" + std::string(k) + "\"");
  return std::move(v.get_object());
}

std::string lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return std::tolower(c); });
  return o;
}

/// Validated ConfigUser fields into `c`; an empty or absent secret keeps `keep_secret` or makes one.
void apply_config_user(const json::object& b, store::OutboundConfig& c, const outbound::EndpointRules& rules,
                       std::optional<std::string> keep_secret) {
  auto* ep = b.if_contains("endpoint");
  if (!ep || !ep->is_string() || ep->get_string().empty())
    throw validation_error("invalid config: endpoint should be a valid url");
  c.endpoint = std::string(ep->get_string());
  auto checked = outbound::check_endpoint(c.endpoint, rules);
  if (auto* why = std::get_if<std::string>(&checked)) throw validation_error("invalid config: " + *why);
  auto* types = b.if_contains("eventTypes");
  if (!types || !types->is_array() || types->get_array().empty())
    throw validation_error("invalid config: eventTypes should be filled");
  c.event_types.clear();
  for (auto& x : types->get_array()) {
    if (!x.is_string() || x.get_string().empty()) throw validation_error("invalid config: eventTypes should be filled");
    c.event_types.push_back(lower(x.get_string()));
  }
  std::string secret;
  if (auto* s = b.if_contains("secret")) {
    if (!s->is_string()) throw validation_error("invalid config: secret should be a string");
    secret = std::string(s->get_string());
  }
  if (secret.empty()) secret = keep_secret ? *keep_secret : outbound::generate_secret();
  if (auto why = outbound::secret_problem(secret); !why.empty()) throw validation_error("invalid config: " + why);
  c.secret = secret;
}

std::string config_id(const RouteContext& c) {
  const std::string& id = c.param("id");
  if (!util::is_uuid(id)) throw not_found("config not found");
  return lower(id);
}

store::OutboundConfig require_config(store::Database& db, const std::string& id) {
  auto c = db.read([&](store::ReadTx& tx) { return store::outbound_configs::get(tx, id); });
  if (!c) throw not_found("config not found");
  return *c;
}

std::optional<int64_t> time_param(const ApiRequest& r, const char* name) {
  auto v = r.param(name);
  if (!v) return std::nullopt;
  auto ms = time::parse_rfc3339(*v);
  if (!ms) throw validation_error(std::string(name) + ": not an RFC 3339 time");
  return ms;
}

int page_size(std::optional<std::string_view> v, int dflt) {
  if (!v) return dflt;
  int n = 0;
  for (char ch : *v) {
    if (ch < '0' || ch > '9' || n > 100000) throw validation_error("pageSize: should be an integer between 1 and 1000");
    n = n * 10 + (ch - '0');
  }
  if (n < 1 || n > 1000) throw validation_error("pageSize: should be an integer between 1 and 1000");
  return n;
}

std::string encode_cursor(json::object o) { return util::base64url_encode(json::serialize(o)); }

json::object decode_cursor(std::string_view text) {
  auto raw = util::base64url_decode(text);
  json::error_code ec;
  json::value v = raw ? json::parse(*raw, ec) : json::value();
  if (!raw || ec || !v.is_object()) throw validation_error("cursor: invalid");
  return v.get_object();
}

int64_t int_member(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || !v->is_int64()) throw validation_error("cursor: invalid");
  return v->get_int64();
}

std::string sha256_hex(std::string_view s) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  auto d = h->final();
  return util::hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

/// Runs `fn` once per Idempotency-Key (24 h): a reuse with the same request answers the stored
/// response, with another request 409.
ApiResponse idempotent(store::Database& db, const RouteContext& c, const std::string& request,
                       const std::function<ApiResponse()>& fn) {
  auto key = c.request.header("Idempotency-Key");
  if (!key || key->empty() || key->size() > 255)
    throw validation_error("Idempotency-Key header is required (at most 255 characters)");
  const std::string k(*key), hash = sha256_hex(request);
  auto prior = db.read([&](store::ReadTx& tx) {
    return store::outbound_deliveries::replay_key(tx, k, tx.now() - 24 * 3'600'000);
  });
  if (prior) {
    if (prior->first != hash) throw ApiError(409, code::kConflict, "idempotency key already used with another request");
    return json_response(200, prior->second);
  }
  ApiResponse r = fn();
  if (r.status == 200)
    db.write([&](store::WriteTx& tx) { store::outbound_deliveries::save_replay_key(tx, k, hash, r.body); });
  return r;
}

/// Replays one delivery (409 when it cannot be replayed); the row after.
store::OutboundDelivery replay_one(store::WriteTx& tx, const store::OutboundDelivery& d) {
  auto cfg = store::outbound_configs::get(tx, d.config_id);
  if ((d.status != "failed" && d.status != "pending") || !cfg || !cfg->active)
    throw ApiError(409, code::kConflict, "delivery cannot be replayed");
  return store::outbound_deliveries::replay(tx, d);
}

}  // namespace

void add_outbound_webhook_routes(Api& api, store::Database& db, outbound::Dispatcher& d) {
  store::Database* dbp = &db;
  outbound::Dispatcher* dp = &d;
  const outbound::EndpointRules rules = d.options().endpoints;

  api.add("GET", path("/configs"), Access::Private, [dbp](const RouteContext& c) {
    std::optional<std::string> id, endpoint;
    for (auto& [k, v] : c.request.query) {
      bool dup = (k == "id" && id) || (k == "endpoint" && endpoint);
      if ((k != "id" && k != "endpoint") || dup || (k == "endpoint" && !net::parse_url(v)))
        throw validation_error("invalid params: only 'id' and 'endpoint' with a valid URL are accepted");
      (k == "id" ? id : endpoint) = v;
    }
    json::array data;
    for (auto& cfg : dbp->read([](store::ReadTx& tx) { return store::outbound_configs::list(tx); }))
      if ((!id || cfg.id == lower(*id)) && (!endpoint || cfg.endpoint == *endpoint)) data.push_back(config_json(cfg));
    return cursor(json::object{{"hasMore", false}, {"data", std::move(data)}});
  });

  api.add("POST", path("/configs"), Access::Private, [dbp, dp, rules](const RouteContext& c) {
    auto b = body_object(c.request, {"endpoint", "secret", "eventTypes"}, false);
    store::OutboundConfig cfg;
    apply_config_user(*b, cfg, rules, std::nullopt);
    cfg.id = util::uuid_v4();
    cfg.created_at = cfg.updated_at = util::now_ms();
    dbp->write([&](store::WriteTx& tx) { store::outbound_configs::insert(tx, cfg); });
    dp->wake();
    return ok(config_json(cfg));
  });

  api.add("PUT", path("/configs/{id}"), Access::Private, [dbp, rules](const RouteContext& c) {
    auto cfg = require_config(*dbp, config_id(c));
    auto b = body_object(c.request, {"endpoint", "secret", "eventTypes"}, false);
    apply_config_user(*b, cfg, rules, cfg.secret);
    cfg.updated_at = util::now_ms();
    dbp->write([&](store::WriteTx& tx) { store::outbound_configs::update(tx, cfg); });
    return ok_empty();
  });

  api.add("DELETE", path("/configs/{id}"), Access::Private, [dbp](const RouteContext& c) {
    const std::string id = config_id(c);
    if (!dbp->write([&](store::WriteTx& tx) { return store::outbound_configs::remove(tx, id); }))
      throw not_found("config not found");
    return ok_empty();
  });

  for (bool activate : {true, false})
    api.add("PUT", path(activate ? "/configs/{id}/activate" : "/configs/{id}/deactivate"), Access::Private,
            [dbp, dp, activate](const RouteContext& c) {
              auto cfg = require_config(*dbp, config_id(c));
              if (cfg.active != activate) {
                cfg.active = activate;
                cfg.updated_at = util::now_ms();
                dbp->write([&](store::WriteTx& tx) {
                  store::outbound_configs::update(tx, cfg);
                  if (!activate) store::outbound_configs::cancel_pending(tx, cfg.id);
                });
                dp->wake();
              }
              return ok(config_json(cfg));
            });

  api.add("PUT", path("/configs/{id}/secret/change"), Access::Private, [dbp](const RouteContext& c) {
    auto cfg = require_config(*dbp, config_id(c));
    auto b = body_object(c.request, {"secret"}, true);
    std::string secret;
    if (b)
      if (auto* s = b->if_contains("secret")) {
        if (!s->is_string()) throw validation_error("secret should be a string");
        secret = std::string(s->get_string());
      }
    if (secret.empty()) secret = outbound::generate_secret();
    if (auto why = outbound::secret_problem(secret); !why.empty()) throw validation_error(why);
    if (secret != cfg.secret) {
      cfg.secret = secret;
      cfg.updated_at = util::now_ms();
      dbp->write([&](store::WriteTx& tx) { store::outbound_configs::update(tx, cfg); });
    }
    return ok(config_json(cfg));
  });

  api.add("GET", path("/configs/{id}/test"), Access::Private, [dbp, dp](const RouteContext& c) {
    auto cfg = require_config(*dbp, config_id(c));
    const std::string body = R"({"data":"test"})";
    const std::string id = util::uuid_v4();
    auto r = outbound::send_once(cfg.endpoint, cfg.secret, id, util::uuid_v4(), body, true, dp->options());
    const bool success = !r.refused && outbound::classify(r.status) == outbound::AttemptOutcome::Succeeded;
    const std::string zero = "0001-01-01T00:00:00Z";
    json::object attempt{{"id", util::uuid_v4()}, {"webhookID", id},         {"createdAt", zero},
                         {"updatedAt", zero},     {"config", config_json(cfg)}, {"payload", body},
                         {"statusCode", r.status}, {"retryAttempt", 0},       {"status", success ? "success" : "failed"},
                         {"nextRetryAfter", zero}};
    return ok(attempt);
  });

  api.add("GET", path("/deliveries"), Access::Private, [dbp](const RouteContext& c) {
    static constexpr std::array<std::string_view, 6> known{"configId", "status", "createdAtFrom", "createdAtTo",
                                                           "cursor", "pageSize"};
    for (auto& [k, v] : c.request.query)
      if (std::find(known.begin(), known.end(), k) == known.end())
        throw validation_error("unsupported query parameter: " + k);
    store::DeliveryFilter f;
    if (auto v = c.request.param("configId")) {
      if (!util::is_uuid(*v)) throw validation_error("configId: should be a UUID");
      f.config_id = lower(*v);
    }
    if (auto v = c.request.param("status")) {
      static constexpr std::array<std::string_view, 5> states{"pending", "delivering", "succeeded", "failed", "cancelled"};
      if (std::find(states.begin(), states.end(), *v) == states.end())
        throw validation_error("status: should be one of pending, delivering, succeeded, failed, cancelled");
      f.status = std::string(*v);
    }
    f.created_from = time_param(c.request, "createdAtFrom");
    f.created_to = time_param(c.request, "createdAtTo");
    f.limit = page_size(c.request.param("pageSize"), 100);
    if (auto v = c.request.param("cursor")) {
      auto o = decode_cursor(*v);
      f.before = std::make_pair(int_member(o, "createdAt"), int_member(o, "id"));
    }
    auto rows = dbp->read([&](store::ReadTx& tx) { return store::outbound_deliveries::list(tx, f); });
    const bool more = static_cast<int>(rows.size()) > f.limit;
    if (more) rows.resize(f.limit);
    json::array data;
    for (auto& d : rows) data.push_back(delivery_json(d, false));
    json::object cur{{"pageSize", f.limit}, {"hasMore", more}};
    if (more) cur["next"] = encode_cursor({{"createdAt", rows.back().created_at}, {"id", rows.back().sort_id}});
    cur["data"] = std::move(data);
    return cursor(std::move(cur));
  });

  api.add("GET", path("/deliveries/{id}"), Access::Private, [dbp](const RouteContext& c) {
    auto d = dbp->read([&](store::ReadTx& tx) { return store::outbound_deliveries::get(tx, c.param("id")); });
    if (!d) throw not_found("delivery not found");
    return ok(delivery_json(*d, true));
  });

  api.add("GET", path("/deliveries/{id}/attempts"), Access::Private, [dbp](const RouteContext& c) {
    const std::string id = c.param("id");
    const int limit = page_size(c.request.param("pageSize"), 100);
    int64_t before = 0;
    if (auto v = c.request.param("cursor")) before = int_member(decode_cursor(*v), "id");
    auto [found, rows] = dbp->read([&](store::ReadTx& tx) {
      return std::make_pair(store::outbound_deliveries::get(tx, id).has_value(),
                            store::outbound_deliveries::attempts(tx, id, before, limit));
    });
    if (!found) throw not_found("delivery not found");
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(limit);
    json::array data;
    for (auto& a : rows) data.push_back(attempt_json(a));
    json::object cur{{"pageSize", limit}, {"hasMore", more}};
    if (more) cur["next"] = encode_cursor({{"id", rows.back().sort_id}});
    cur["data"] = std::move(data);
    return cursor(std::move(cur));
  });

  api.add("POST", path("/deliveries/{id}/replay"), Access::Private, [dbp, dp](const RouteContext& c) {
    const std::string id = c.param("id");
    return idempotent(*dbp, c, "replay:" + id, [&] {
      auto d = dbp->write([&](store::WriteTx& tx) {
        auto d = store::outbound_deliveries::get(tx, id);
        if (!d) throw not_found("delivery not found");
        return replay_one(tx, *d);
      });
      dp->wake();
      return ok(delivery_json(d, false));
    });
  });

  api.add("POST", path("/deliveries/replay"), Access::Private, [dbp, dp](const RouteContext& c) {
    auto b = body_object(c.request, {"createdAtFrom", "createdAtTo", "statuses", "configIds", "cursor", "pageSize"}, false);
    return idempotent(*dbp, c, "replay-many:" + c.request.body, [&] {
      auto str_time = [&](const char* k, bool required) -> std::optional<int64_t> {
        auto* v = b->if_contains(k);
        if (!v) {
          if (required) throw validation_error(std::string(k) + " is required");
          return std::nullopt;
        }
        auto ms = v->is_string() ? time::parse_rfc3339(v->get_string()) : std::nullopt;
        if (!ms) throw validation_error(std::string(k) + ": not an RFC 3339 time");
        return ms;
      };
      store::DeliveryFilter f;
      f.created_from = str_time("createdAtFrom", true);
      f.created_to = str_time("createdAtTo", false).value_or(util::now_ms());
      if (*f.created_to - *f.created_from > 90ll * 86'400'000)
        throw validation_error("the window from createdAtFrom to createdAtTo is at most 90 days");
      std::vector<std::string> statuses{"failed", "pending"}, configs;
      if (auto* s = b->if_contains("statuses"); s && s->is_array() && !s->get_array().empty()) {
        statuses.clear();
        for (auto& x : s->get_array()) {
          if (!x.is_string() || (x.get_string() != "failed" && x.get_string() != "pending"))
            throw validation_error("statuses: only failed and pending deliveries can be replayed");
          statuses.emplace_back(x.get_string());
        }
      }
      if (auto* s = b->if_contains("configIds"); s && s->is_array())
        for (auto& x : s->get_array()) {
          if (!x.is_string() || !util::is_uuid(x.get_string())) throw validation_error("configIds: should be UUIDs");
          configs.push_back(lower(x.get_string()));
        }
      f.limit = 1000;
      if (auto* p = b->if_contains("pageSize")) {
        if (!p->is_int64() || p->get_int64() < 1 || p->get_int64() > 1000)
          throw validation_error("pageSize: should be an integer between 1 and 1000");
        f.limit = static_cast<int>(p->get_int64());
      }
      if (auto* cur = b->if_contains("cursor"); cur && cur->is_string()) {
        auto o = decode_cursor(cur->get_string());
        f.before = std::make_pair(int_member(o, "createdAt"), int_member(o, "id"));
      }
      int replayed = 0, expedited = 0, skipped = 0;
      bool more = false;
      std::optional<std::pair<int64_t, int64_t>> last;
      dbp->write([&](store::WriteTx& tx) {
        auto rows = store::outbound_deliveries::list(tx, f);
        more = static_cast<int>(rows.size()) > f.limit;
        if (more) rows.resize(f.limit);
        for (auto& d : rows) {
          last = std::make_pair(d.created_at, d.sort_id);
          const bool wanted = std::find(statuses.begin(), statuses.end(), d.status) != statuses.end() &&
                              (configs.empty() || std::find(configs.begin(), configs.end(), d.config_id) != configs.end());
          if (!wanted) continue;
          auto cfg = store::outbound_configs::get(tx, d.config_id);
          if (!cfg || !cfg->active) {
            ++skipped;
            continue;
          }
          store::outbound_deliveries::replay(tx, d);
          ++(d.status == "failed" ? replayed : expedited);
        }
      });
      dp->wake();
      json::object out{{"replayed", replayed}, {"expedited", expedited}, {"skipped", skipped}, {"hasMore", more}};
      if (more && last) out["nextCursor"] = encode_cursor({{"createdAt", last->first}, {"id", last->second}});
      out["createdAtTo"] = t(*f.created_to);
      return ok(out);
    });
  });
}

}  // namespace cx::api
