// What a subscriber receives for one outbox event (docs/events.md "Envelope"): the Formance
// EventMessage {"idempotency_key","date","app":"payments","version":"v3","type","payload"} with
// type "payments.<lower-case type>" (the Webhooks service's normalised event type), payload keys
// sorted at every depth, compact. The payload is the stored one in the reference's v3.1 shape:
// times as RFC 3339 UTC, amounts as decimal strings, `provider` beside `connectorID`.
#pragma once

#include "host/store/events.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace cx::outbound {

/// "payments." + lower(type): what configs subscribe to.
std::string normalised_type(std::string_view type);

/// The stored payload of `type` in the reference's v3.1 shape (see the header comment).
boost::json::object reference_payload(std::string_view type, const boost::json::object& stored);

/// base64url(canonical {"ConnectorID": <ConnectorID struct or null>, "EventIdempotencyKey":
/// sha1hex(canonical {"payload","type"})}): the reference's EventID form, stable for one event and
/// equal for two identical events (consumers dedupe on it).
std::string idempotency_key(std::string_view type, const boost::json::object& stored);

/// The webhook body (exact bytes that are signed and sent on every attempt). `date` is the
/// event's creation time (UTC).
std::string webhook_body(const store::EventRecord& e);

/// `v` with object keys sorted byte-wise at every depth.
boost::json::value sorted(const boost::json::value& v);

}  // namespace cx::outbound
