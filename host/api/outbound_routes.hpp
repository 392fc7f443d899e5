// The Formance-Webhooks-compatible API under /api/webhooks (docs/events.md "API"): subscriber
// configs and their deliveries, so @formance/formance-sdk's sdk.webhooks.v1.* works unchanged.
// Every success is 200 with the reference's {"data":…} / {"cursor":{…}} wrappers.
#pragma once

#include "host/api/api.hpp"
#include "host/outbound/dispatcher.hpp"
#include "host/store/database.hpp"

namespace cx::api {

/// Base path of the webhooks routes.
inline constexpr std::string_view kWebhooksBasePath = "/api/webhooks";

/// Registers the routes (bearer token required, like every /api route). `d` must outlive `api`.
void add_outbound_webhook_routes(Api& api, store::Database& db, outbound::Dispatcher& d);

}  // namespace cx::api
