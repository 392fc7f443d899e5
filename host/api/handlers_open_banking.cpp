// Open banking under /payment-service-users/{id}: forward to a connector, create/update link,
// link attempts, connections, deleting a connection or the PSU's presence on a connector.
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/util/ids.hpp"

namespace cx::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kPsu = "/payment-service-users/{paymentServiceUserID}";
constexpr std::string_view kPsuConnector = "/payment-service-users/{paymentServiceUserID}/connectors/{connectorID}";

std::string psu_path(std::string_view suffix) { return v3(std::string(kPsu) + std::string(suffix)); }
std::string psu_connector_path(std::string_view suffix) { return v3(std::string(kPsuConnector) + std::string(suffix)); }

struct PsuConnector {
  std::string psu_id;
  std::string connector_id;
};

// Decodes both IDs (400) and checks both exist (404).
PsuConnector require_psu_connector(const Services& s, const RouteContext& c) {
  PsuConnector pc{uuid_param(c, "paymentServiceUserID"), connector_id_param(c)};
  require_psu(s.db, pc.psu_id);
  require_connector(s.db, pc.connector_id);
  return pc;
}

// 201 with the raw {attemptID, link}: no data envelope, as the reference.
ApiResponse link_created(const LinkOutput& out) {
  json::object o{{"attemptID", out.attempt_id}, {"link", out.link}};
  return json_response(201, json::serialize(o));
}

LinkInput link_input(const RouteContext& c, const PsuConnector& pc) {
  LinkRequest body = parse_link_request(c.request.body);
  LinkInput in;
  in.psu_id = pc.psu_id;
  in.connector_id = pc.connector_id;
  in.application_name = body.application_name;
  in.client_redirect_url = body.client_redirect_url;
  if (auto key = c.request.param("Idempotency-Key"); key && !key->empty()) {
    auto uuid = ids::normalize_uuid(*key);
    if (!uuid) throw invalid_id("Idempotency-Key", *key);
    in.idempotency_key = *uuid;
  }
  return in;
}

}  // namespace

void add_open_banking_routes(Api& api, const Services& s) {
  api.add("POST", psu_connector_path("/forward"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    unwrap(s.backend.forward_psu(pc.psu_id, pc.connector_id));
    return no_content();
  });

  api.add("POST", psu_connector_path("/create-link"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    return link_created(unwrap(s.backend.create_link(link_input(c, pc))));
  });

  api.add("POST", psu_connector_path("/connections/{connectionID}/update-link"), Access::Private,
          [s](const RouteContext& c) {
            auto pc = require_psu_connector(s, c);
            LinkInput in = link_input(c, pc);
            in.connection_id = opaque_param(c, "connectionID");
            return link_created(unwrap(s.backend.update_link(in)));
          });

  api.add("GET", psu_path("/connections"), Access::Private, [s](const RouteContext& c) {
    std::string psu = uuid_param(c, "paymentServiceUserID");
    require_psu(s.db, psu);
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::connections::list(tx, psu, "", r.query); });
      return render_page(page, connection_json);
    });
  });

  api.add("GET", psu_connector_path("/connections"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read(
          [&](store::ReadTx& tx) { return store::connections::list(tx, pc.psu_id, pc.connector_id, r.query); });
      return render_page(page, connection_json);
    });
  });

  api.add("GET", psu_connector_path("/link-attempts"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read(
          [&](store::ReadTx& tx) { return store::link_attempts::list(tx, pc.psu_id, pc.connector_id, r.query); });
      return render_page(page, link_attempt_json);
    });
  });

  api.add("GET", psu_connector_path("/link-attempts/{attemptID}"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    std::string id = uuid_param(c, "attemptID");
    auto a = s.db.read([&](store::ReadTx& tx) { return store::link_attempts::get(tx, id); });
    if (!a || a->psu_id != pc.psu_id || a->connector_id != pc.connector_id) throw not_found("link attempt not found");
    return data_response(200, link_attempt_json(*a));
  });

  api.add("DELETE", psu_connector_path("/connections/{connectionID}"), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    std::string conn = opaque_param(c, "connectionID");
    auto found = s.db.read(
        [&](store::ReadTx& tx) { return store::connections::get(tx, pc.psu_id, pc.connector_id, conn); });
    if (!found) throw not_found("connection not found");
    return task_accepted(unwrap(s.backend.delete_connection(pc.psu_id, pc.connector_id, conn)));
  });

  api.add("DELETE", psu_connector_path(""), Access::Private, [s](const RouteContext& c) {
    auto pc = require_psu_connector(s, c);
    return task_accepted(unwrap(s.backend.delete_psu_connector(pc.psu_id, pc.connector_id)));
  });
}

}  // namespace cx::api
