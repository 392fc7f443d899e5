#include "host/outbound/envelope.hpp"

#include "host/util/canonical_json.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <botan/hash.h>
#include <connectivity/time.hpp>

#include <algorithm>
#include <cctype>

namespace cx::outbound {
namespace json = boost::json;

namespace {

std::string connector_of(std::string_view type, const json::object& p) {
  if (auto* c = p.if_contains("connectorID"); c && c->is_string()) return std::string(c->get_string());
  if (type == store::event_type::kSavedBalance)
    if (auto* a = p.if_contains("accountID"); a && a->is_string())
      if (auto id = ids::decode_account_id(a->get_string())) return ids::encode(id->connector_id);
  return {};
}

void times_to_text(json::object& o) {
  for (const char* k : {"at", "createdAt", "lastUpdatedAt", "updatedAt"})
    if (auto* v = o.if_contains(k); v && v->is_int64()) *v = time::format_rfc3339(v->get_int64());
}

bool is(std::string_view type, const char* t) { return type == t; }

}  // namespace

std::string normalised_type(std::string_view type) {
  std::string out = "payments.";
  for (char c : type) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

json::value sorted(const json::value& v) {
  if (v.is_array()) {
    json::array a;
    for (auto& x : v.get_array()) a.push_back(sorted(x));
    return a;
  }
  if (!v.is_object()) return v;
  std::vector<const json::key_value_pair*> kv;
  for (auto& x : v.get_object()) kv.push_back(&x);
  std::sort(kv.begin(), kv.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
  json::object o;
  for (auto* x : kv) o[x->key()] = sorted(x->value());
  return o;
}

json::object reference_payload(std::string_view type, const json::object& stored) {
  json::object p = stored;
  times_to_text(p);
  const std::string connector = connector_of(type, p);
  if (is(type, store::event_type::kSavedAccount) || is(type, store::event_type::kSavedPayment) ||
      is(type, store::event_type::kSavedBalance)) {
    if (auto c = ids::decode_connector_id(connector)) p["provider"] = c->provider;
    if (!p.contains("connectorID")) p["connectorID"] = connector;
  }
  if (is(type, store::event_type::kSavedAccount) || is(type, store::event_type::kSavedPayment)) {
    if (!p.contains("rawData")) p["rawData"] = nullptr;  // raw provider objects stay sealed at rest
    if (auto* m = p.if_contains("metadata"); m && m->is_object() && m->get_object().empty()) p.erase("metadata");
  }
  if (is(type, store::event_type::kSavedBalance) && !p.contains("lastUpdatedAt") && p.contains("createdAt"))
    p["lastUpdatedAt"] = p.at("createdAt");
  // The reference's ConnectorReset payload is {connectorID, createdAt}; ours also names the
  // connector that replaced it.
  if (is(type, store::event_type::kConnectorReset) && !p.contains("createdAt"))
    if (auto* at = p.if_contains("at")) {
      p["createdAt"] = *at;
      p.erase("at");
    }
  if (is(type, store::event_type::kConnectionPendingDisconnect)) {
    if (!p.contains("connectionID")) p["connectionID"] = "";
    if (!p.contains("reason")) p["reason"] = nullptr;
  }
  return p;
}

std::string idempotency_key(std::string_view type, const json::object& stored) {
  auto h = Botan::HashFunction::create_or_throw("SHA-1");
  const std::string inner = ids::canonical_json(json::object{{"type", type}, {"payload", stored}});
  h->update(reinterpret_cast<const uint8_t*>(inner.data()), inner.size());
  auto digest = h->final();
  json::object key{{"EventIdempotencyKey",
                    util::hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()))}};
  auto c = ids::decode_connector_id(connector_of(type, stored));
  key["ConnectorID"] = c ? ids::to_json(*c) : json::value(nullptr);
  return util::base64url_encode(ids::canonical_json(key));
}

std::string webhook_body(const store::EventRecord& e) {
  const json::object stored = e.payload.is_object() ? e.payload.get_object() : json::object{};
  json::object env;
  env["idempotency_key"] = idempotency_key(e.type, stored);
  env["date"] = time::format_rfc3339(e.created_at);
  env["app"] = "payments";
  env["version"] = "v3";
  env["type"] = normalised_type(e.type);
  env["payload"] = sorted(reference_payload(e.type, stored));
  return json::serialize(env);
}

}  // namespace cx::outbound
