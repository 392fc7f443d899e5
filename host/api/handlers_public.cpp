// The two public routes (no bearer token): provider webhooks and the open-banking redirect.
//   * /connectors/webhooks/{connectorID}/…       any method → Backend::handle_webhook; bodies up
//     to kMaxWebhookBodyBytes (every other route keeps kMaxBodyBytes)
//   * /connectors/open-banking/{connectorID}/…   any method → Backend::handle_redirect, answered
//     307 to the attempt's clientRedirectURL, or 204 with ?noRedirect=true.
#include "host/api/errors.hpp"
#include "host/api/routes.hpp"
#include "host/util/ids.hpp"

#include <cctype>

namespace cx::api {
namespace {

InboundInput inbound(const RouteContext& c, std::string connector_id) {
  const ApiRequest& r = c.request;
  InboundInput in;
  in.connector_id = std::move(connector_id);
  in.method = r.method;
  in.path = c.rest;
  for (const auto& [k, v] : r.headers) {
    std::string key = k;
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    in.headers[key].push_back(v);
  }
  for (const auto& [k, v] : r.query) in.query[k].push_back(v);
  in.body = r.body;
  return in;
}

}  // namespace

void add_public_routes(Api& api, const Services& s) {
  api.add(
      "*", v3("/connectors/webhooks/{connectorID}/*"), Access::Public,
      [s](const RouteContext& c) {
        auto out = unwrap(s.backend.handle_webhook(inbound(c, connector_id_param(c))));
        return json_response(out.status, std::move(out.body));
      },
      kMaxWebhookBodyBytes);

  api.add("*", v3("/connectors/open-banking/{connectorID}/*"), Access::Public, [s](const RouteContext& c) {
    std::string cid = connector_id_param(c);
    auto state = c.request.param("state");
    if (!state || state->empty()) throw validation_error("missing state");
    if (!ids::decode_callback_state(*state)) throw validation_error("invalid state");
    auto out = unwrap(s.backend.handle_redirect(inbound(c, cid)));
    if (!out.location || c.request.param("noRedirect").value_or("") == "true") return no_content();
    ApiResponse r;
    r.status = 307;
    r.headers.emplace_back("Location", *out.location);
    return r;
  });
}

}  // namespace cx::api
