// Plaid sandbox: test controls under /sandbox/console (faults, clock, data changes, ground truth,
// webhook log). Not part of Plaid's API; no credentials needed.
#include "render.hpp"
#include "sandbox.hpp"

#include <connectivity/time.hpp>

namespace cx::sandbox::plaid {

namespace {
Json body_of(const httplib::Request& req) {
  if (req.body.empty()) return {};
  auto v = boost::json::parse(req.body);
  if (!v.is_object()) throw std::invalid_argument("body must be a JSON object");
  return v.get_object();
}

std::string str(const Json& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || !v->is_string()) throw std::invalid_argument(std::string(k) + " is required");
  return std::string(v->get_string());
}

/// Runs f; std::exception -> 400, PlaidErr -> its status.
template <class F>
void guarded(httplib::Response& res, F&& f) {
  try {
    send_json(res, 200, f());
  } catch (const PlaidErr& e) {
    send_json(res, e.status, error_body(e, ""));
  } catch (const std::exception& e) {
    send_json(res, 400, Json{{"error", e.what()}});
  }
}

Json clock_json(Sandbox& sb) {
  return Json{{"now", cx::time::format_rfc3339(sb.clock.now_ms())}, {"frozen", sb.clock.frozen()}};
}
}  // namespace

void register_console(httplib::Server& server, Sandbox& sb) {
  server.Get("/sandbox/console", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, Json{{"endpoints", boost::json::array{
        "GET|POST|DELETE /sandbox/console/faults", "GET|POST /sandbox/console/clock", "GET /sandbox/console/items",
        "GET /sandbox/console/truth?item_id=", "POST /sandbox/console/post_pending", "POST /sandbox/console/inject",
        "POST /sandbox/console/consent", "GET /sandbox/console/webhooks", "POST /sandbox/console/webhooks/drain",
        "GET /sandbox/console/keys"}}});
  });

  server.Get("/sandbox/console/faults", [&sb](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, faults_json(sb.faults.get()));
  });
  server.Post("/sandbox/console/faults", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      sb.faults.set(parse_faults(body_of(req), sb.faults.get()));
      return faults_json(sb.faults.get());
    });
  });
  server.Delete("/sandbox/console/faults", [&sb](const httplib::Request&, httplib::Response& res) {
    sb.faults.set(FaultSettings{});
    send_json(res, 200, faults_json(sb.faults.get()));
  });

  server.Get("/sandbox/console/clock", [&sb](const httplib::Request&, httplib::Response& res) { send_json(res, 200, clock_json(sb)); });
  server.Post("/sandbox/console/clock", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      Json b = body_of(req);
      if (auto* f = b.if_contains("freeze"); f && f->is_bool()) sb.clock.freeze(f->get_bool());
      if (auto* s = b.if_contains("set"); s && s->is_string()) {
        auto ms = cx::time::parse_rfc3339(std::string(s->get_string()));
        if (!ms) throw std::invalid_argument("set must be an RFC 3339 time");
        sb.clock.set(*ms);
      }
      if (auto* a = b.if_contains("advanceSeconds"); a && a->is_number()) sb.clock.advance(static_cast<int64_t>(a->to_number<double>() * 1000));
      if (auto* k = b.if_contains("iatSkewSeconds"); k && k->is_number()) sb.sender.set_iat_skew(static_cast<int64_t>(k->to_number<double>()));
      Json out = clock_json(sb);
      out["posted"] = sb.world.post_pending();
      return out;
    });
  });

  server.Get("/sandbox/console/items", [&sb](const httplib::Request&, httplib::Response& res) {
    guarded(res, [&] { return sb.world.items(); });
  });
  server.Get("/sandbox/console/truth", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] { return sb.world.truth(req.get_param_value("item_id")); });
  });
  server.Post("/sandbox/console/post_pending", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      Json b = body_of(req);
      return Json{{"posted", sb.world.post_pending(b.contains("item_id") ? str(b, "item_id") : std::string())}};
    });
  });
  server.Post("/sandbox/console/inject", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      Json b = body_of(req);
      return sb.world.inject(str(b, "item_id"), str(b, "kind"));
    });
  });
  server.Post("/sandbox/console/consent", [&sb](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      Json b = body_of(req);
      return sb.world.expire_consent(str(b, "item_id"), str(b, "consent_expiration_time"));
    });
  });
  server.Get("/sandbox/console/webhooks", [&sb](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, Json{{"deliveries", sb.sender.log()}});
  });
  server.Post("/sandbox/console/webhooks/drain", [&sb](const httplib::Request& req, httplib::Response& res) {
    int64_t timeout = req.has_param("timeout_ms") ? std::stoll(req.get_param_value("timeout_ms")) : 10000;
    send_json(res, 200, Json{{"drained", sb.sender.drain(timeout)}});
  });
  server.Get("/sandbox/console/keys", [&sb](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, Json{{"current", sb.signer.current_kid()}, {"expired", sb.signer.expired_kid()}});
  });
}

}  // namespace cx::sandbox::plaid
