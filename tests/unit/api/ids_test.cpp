#include "host/util/canonical_json.hpp"
#include "host/util/ids.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace cx::ids;

namespace {
const ConnectorID kPowens{"powens", "00000000-0000-0000-0000-000000000001"};
}

TEST_CASE("ConnectorID encodes to the reference's known vector") {
  CHECK(encode(kPowens) ==
        "eyJQcm92aWRlciI6InBvd2VucyIsIlJlZmVyZW5jZSI6IjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMSJ9");
  auto back = decode_connector_id(encode(kPowens));
  REQUIRE(back);
  CHECK(*back == kPowens);
}

TEST_CASE("canonical JSON sorts keys recursively, drops whitespace, escapes minimally") {
  auto v = boost::json::parse(R"({"b":1,"a":{"z":[true,null],"y":"x"},"c":"\u001b\t\"é"})");
  CHECK(canonical_json(v) == "{\"a\":{\"y\":\"x\",\"z\":[true,null]},\"b\":1,\"c\":\"\\u001B\\t\\\"é\"}");
  CHECK(canonical_json(boost::json::parse("-12")) == "-12");
}

TEST_CASE("every ID kind round-trips and has sorted Go field names") {
  AccountID a{kPowens, "acc-1"};
  auto ea = encode(a);
  CHECK(*cx::util::base64url_decode(ea) ==
        R"({"ConnectorID":{"Provider":"powens","Reference":"00000000-0000-0000-0000-000000000001"},"Reference":"acc-1"})");
  CHECK(decode_account_id(ea) == a);

  PaymentID p{kPowens, "tx-9", "PAY-IN"};
  CHECK(decode_payment_id(encode(p)) == p);

  PaymentAdjustmentID adj{p, "tx-9", "2024-03-31T00:30:00Z", "SUCCEEDED"};
  auto eadj = *cx::util::base64url_decode(encode(adj));
  CHECK(eadj.find("{\"CreatedAt\":\"2024-03-31T00:30:00Z\",\"PaymentID\":{") == 0);
  CHECK(decode_payment_adjustment_id(encode(adj)) == adj);

  TaskID t{ConnectorID{"", std::string(kNilUuid)}, "delete-user-stack-123"};
  CHECK(decode_scoped_id(encode(t)) == t);

  CallbackState s{"11111111-2222-4333-8444-555555555555", "99999999-2222-4333-8444-555555555555"};
  CHECK(*cx::util::base64url_decode(encode(s)) ==
        R"({"attemptID":"11111111-2222-4333-8444-555555555555","randomized":"99999999-2222-4333-8444-555555555555"})");
  CHECK(decode_callback_state(encode(s)) == s);
}

TEST_CASE("decoders reject malformed IDs") {
  auto enc = [](const char* json) { return cx::util::base64url_encode(json); };
  CHECK_FALSE(decode_connector_id(""));
  CHECK_FALSE(decode_connector_id("not base64 !"));
  CHECK_FALSE(decode_connector_id(enc("not json")));
  CHECK_FALSE(decode_connector_id(enc("[1,2]")));
  CHECK_FALSE(decode_connector_id(enc(R"({"Provider":"powens"})")));
  CHECK_FALSE(decode_connector_id(enc(R"({"Provider":"powens","Reference":"nope"})")));
  CHECK_FALSE(decode_connector_id(enc(R"({"Provider":7,"Reference":"00000000-0000-0000-0000-000000000001"})")));
  // The zero connector is only valid inside a TaskID.
  CHECK_FALSE(decode_connector_id(enc(R"({"Provider":"","Reference":"00000000-0000-0000-0000-000000000000"})")));
  CHECK_FALSE(decode_payment_id(encode(PaymentID{kPowens, "r", "GIFT"})));
  CHECK_FALSE(decode_account_id(encode(kPowens)));  // a ConnectorID is not an AccountID
  CHECK_FALSE(decode_callback_state(enc(R"({"attemptID":"x","randomized":"y"})")));
  CHECK_FALSE(decode_scoped_id(enc(R"({"ConnectorID":{"Provider":"p","Reference":"00000000-0000-0000-0000-000000000001"},"Reference":""})")));
}

TEST_CASE("decoding normalises: upper-case UUIDs and key order re-encode canonically") {
  auto text = cx::util::base64url_encode(R"({ "Reference" : "00000000-0000-0000-0000-0000000000AB", "Provider":"powens"})");
  auto id = decode_connector_id(text);
  REQUIRE(id);
  CHECK(id->reference == "00000000-0000-0000-0000-0000000000ab");
  CHECK(encode(*id) != text);
  CHECK(decode_connector_id(encode(*id)) == id);
}
