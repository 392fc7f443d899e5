#include "key_cache.hpp"

#include <connectivity/json.hpp>

namespace cx::plaid {

Jwk webhook_key(const Client& client, const cx::Host& host, const std::string& kid, const cx::Call* call) {
  const std::string state_key = "webhook-key/" + kid;
  const int64_t now = host.now_ms();
  if (auto cached = host.state_get(state_key)) {
    if (auto v = json::parse_exact(*cached, json::Numbers::rounded); v && v->is_object()) {
      auto& o = v->get_object();
      auto* fetched = o.if_contains("fetchedAtMs");
      auto* key = json::object_or_null(o, "key");
      if (fetched && fetched->is_int64() && key && now - fetched->get_int64() < kKeyCacheTtlMs)
        if (auto jwk = jwk_from_json(*key)) return *jwk;
    }
  }
  boost::json::object resp;
  try {
    resp = client.post("/webhook_verification_key/get", boost::json::object{{"key_id", kid}}, call);
  } catch (const cx::Failure& e) {
    throw cx::Failure(CX_ERR_AUTH, "webhook refused: key " + kid + " unavailable: " + e.what());
  }
  auto* key = json::object_or_null(resp, "key");
  auto jwk = key ? jwk_from_json(*key) : std::nullopt;
  if (!jwk) throw cx::Failure(CX_ERR_AUTH, "webhook refused: malformed key for " + kid);
  host.state_put(state_key, boost::json::serialize(boost::json::object{{"key", jwk_to_json(*jwk)}, {"fetchedAtMs", now}}));
  return *jwk;
}

}  // namespace cx::plaid
