// Plaid sandbox: the API endpoints, with credentials, fault injection and PlaidError bodies.
#include "render.hpp"
#include "sandbox.hpp"

#include <connectivity/json.hpp>

#include <thread>

namespace cx::sandbox::plaid {

namespace {
using Op = Json (World::*)(const Json&);

void route(httplib::Server& server, Sandbox& sb, const std::string& path, Op op) {
  server.Post(path, [&sb, path, op](const httplib::Request& req, httplib::Response& res) {
    std::string rid = sb.world.request_id();
    try {
      if (int ms = sb.faults.latency_ms(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      auto parsed = cx::json::parse_exact(req.body, cx::json::Numbers::rounded);
      if (!parsed || !parsed->is_object())
        throw PlaidErr{400, "INVALID_REQUEST", "INVALID_BODY", "body could not be parsed as JSON", std::nullopt};
      const Json& body = parsed->get_object();
      std::string client_id = req.get_header_value("PLAID-CLIENT-ID"), secret = req.get_header_value("PLAID-SECRET");
      if (client_id.empty())
        if (auto* v = body.if_contains("client_id"); v && v->is_string()) client_id = std::string(v->get_string());
      if (secret.empty())
        if (auto* v = body.if_contains("secret"); v && v->is_string()) secret = std::string(v->get_string());
      sb.world.authenticate(client_id, secret);
      if (auto fault = sb.faults.api_fault(path)) {
        if (fault->status == 429) res.set_header("Retry-After", "1");
        throw *fault;
      }
      Json out = (sb.world.*op)(body);
      out["request_id"] = rid;
      send_json(res, 200, out);
    } catch (const PlaidErr& e) {
      send_json(res, e.status, error_body(e, rid));
    }
  });
}
}  // namespace

void register_api(httplib::Server& server, Sandbox& sb) {
  route(server, sb, "/user/create", &World::user_create);
  route(server, sb, "/user/remove", &World::user_remove);
  route(server, sb, "/link/token/create", &World::link_token_create);
  route(server, sb, "/link/token/get", &World::link_token_get);
  route(server, sb, "/item/public_token/exchange", &World::public_token_exchange);
  route(server, sb, "/accounts/get", &World::accounts_get);
  route(server, sb, "/accounts/balance/get", &World::accounts_get);
  route(server, sb, "/transactions/sync", &World::transactions_sync);
  route(server, sb, "/item/remove", &World::item_remove);
  route(server, sb, "/webhook_verification_key/get", &World::verification_key_get);
  route(server, sb, "/sandbox/public_token/create", &World::sandbox_public_token_create);
  route(server, sb, "/sandbox/item/fire_webhook", &World::sandbox_fire_webhook);
  route(server, sb, "/sandbox/item/reset_login", &World::sandbox_reset_login);
  route(server, sb, "/sandbox/transactions/create", &World::sandbox_transactions_create);
}

}  // namespace cx::sandbox::plaid
