// The webhook body of an outbox event (docs/events.md "Envelope").
#include "host/outbound/envelope.hpp"

#include "host/util/canonical_json.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <catch2/catch.hpp>

using namespace cx;
namespace json = boost::json;

namespace {
const std::string kConnector = ids::encode(ids::ConnectorID{"powens", "3c1a7e5e-2b7d-4c4e-9d8e-0a6b5f2e1c77"});

store::EventRecord event(std::string type, json::object payload) {
  store::EventRecord e;
  e.seq = 7;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.created_at = 1'768'471'205'123;  // 2026-01-15T10:00:05.123Z
  return e;
}
}  // namespace

TEST_CASE("envelope: reference key order, normalised type, date, sorted payload") {
  auto body = outbound::webhook_body(event(store::event_type::kConnectionDataSynced,
                                           {{"psuID", "p1"}, {"connectorID", kConnector}, {"connectionID", "42"},
                                            {"at", int64_t{1'768'471'203'456}}}));
  auto v = json::parse(body).as_object();
  std::vector<std::string> keys;
  for (auto& kv : v) keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"idempotency_key", "date", "app", "version", "type", "payload"});
  CHECK(v.at("app") == "payments");
  CHECK(v.at("version") == "v3");
  CHECK(v.at("type") == "payments.open_banking_user_connection_data_synced");
  CHECK(v.at("date") == "2026-01-15T10:00:05.123Z");
  CHECK(body.find(R"("payload":{"at":"2026-01-15T10:00:03.456Z","connectionID":"42","connectorID":")") !=
        std::string::npos);
}

TEST_CASE("idempotency key: the reference's EventID form, stable, distinct per event") {
  json::object p{{"psuID", "p1"}, {"connectorID", kConnector}, {"status", "completed"}, {"attemptID", "a1"}};
  auto k1 = outbound::idempotency_key(store::event_type::kLinkStatus, p);
  CHECK(k1 == outbound::idempotency_key(store::event_type::kLinkStatus, p));
  auto decoded = json::parse(*util::base64url_decode(k1)).as_object();
  CHECK(decoded.at("ConnectorID") == ids::to_json(*ids::decode_connector_id(kConnector)));
  CHECK(decoded.at("EventIdempotencyKey").as_string().size() == 40);  // sha1 hex
  p["attemptID"] = "a2";
  CHECK(k1 != outbound::idempotency_key(store::event_type::kLinkStatus, p));
}

TEST_CASE("payload shapes: provider, rawData, times, balance connector, pending-disconnect nulls") {
  const std::string account = ids::encode(ids::AccountID{*ids::decode_connector_id(kConnector), "acc-1"});
  auto bal = outbound::reference_payload(store::event_type::kSavedBalance,
                                         {{"accountID", account}, {"asset", "EUR/2"}, {"balance", "150023"},
                                          {"createdAt", int64_t{0}}});
  CHECK(bal.at("connectorID").as_string() == kConnector);
  CHECK(bal.at("provider") == "powens");
  CHECK(bal.at("balance") == "150023");
  CHECK(bal.at("createdAt") == "1970-01-01T00:00:00Z");
  CHECK(bal.at("lastUpdatedAt") == "1970-01-01T00:00:00Z");

  auto pay = outbound::reference_payload(store::event_type::kSavedPayment,
                                         {{"id", "x"}, {"connectorID", kConnector}, {"amount", "1000"},
                                          {"createdAt", int64_t{1000}}, {"metadata", json::object{}}});
  CHECK(pay.at("provider") == "powens");
  CHECK(pay.at("rawData").is_null());
  CHECK_FALSE(pay.contains("metadata"));  // omitted when empty, as the reference does
  CHECK(pay.at("amount") == "1000");

  auto pend = outbound::reference_payload(store::event_type::kConnectionPendingDisconnect,
                                          {{"psuID", "p"}, {"connectorID", kConnector}, {"at", "2026-01-22T10:00:01Z"}});
  CHECK(pend.at("connectionID") == "");
  CHECK(pend.at("reason").is_null());

  auto reset = outbound::reference_payload(store::event_type::kConnectorReset,
                                           {{"connectorID", kConnector}, {"newConnectorID", "n"}, {"at", int64_t{1000}}});
  CHECK(reset.at("createdAt") == "1970-01-01T00:00:01Z");
  CHECK_FALSE(reset.contains("at"));
  CHECK(reset.at("newConnectorID") == "n");
}
