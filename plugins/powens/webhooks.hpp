// Powens webhooks: the configs we ask the host for, signature verification, and translation of
// USER_SYNCED, CONNECTION_SYNCED, CONNECTION_DELETED, CONNECTION_PENDING_DISCONNECT and
// USER_DELETED (docs/providers/powens.md §5, §7).
#pragma once

#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace powens {

/// The webhook endpoints: CONNECTION_SYNCED /connection-synced, CONNECTION_DELETED
/// /connection-deleted, USER_DELETED /user-deleted, USER_SYNCED /user-synced,
/// CONNECTION_PENDING_DISCONNECT /connection-pending-disconnect, each with
/// metadata {"secret": secret} (docs/api/formance-v3.md §3.1, plus USER_SYNCED per issue 5).
std::vector<cx::WebhookConfig> webhook_configs(const std::string& secret);

/// verify_webhook: checks BI-Signature against config.metadata.secret over the path of
/// webhook.fullURL. Returns {"idempotencyKey": sha256(path \n body)} so a duplicate delivery is
/// stored once. Throws cx::Failure(CX_ERR_AUTH) when the secret, a header or the signature is
/// missing or wrong (the host refuses the webhook).
boost::json::object verify_webhook(const boost::json::object& request);

/// translate_webhook: {name, webhook, config} -> {"responses": [...]} (sdk/OPS.md "Webhooks").
/// A CONNECTION_SYNCED older than the last one applied for its connection (by
/// connection.last_update, remembered through the host's state service) keeps only accounts,
/// booked transactions and deletions, so an out-of-order delivery neither loses history nor
/// resurrects a provisional payment or an outdated balance or state; one for a connection
/// already deleted translates to nothing.
boost::json::object translate_webhook(const boost::json::object& request, const cx::Host& host);

}  // namespace powens
