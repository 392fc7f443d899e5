// The v3 composite identifiers: base64url (RFC 4648 §5, no padding) of the canonical JSON of a
// struct with Go field names, byte-compatible with the reference system.
//   ConnectorID          {"Provider":"powens","Reference":"<uuid>"}
//   AccountID            {"ConnectorID":{…},"Reference":"<provider ref>"}
//   PaymentID            {"ConnectorID":{…},"Reference":"<ref>","Type":"PAY-IN"}
//   PaymentAdjustmentID  {"CreatedAt":"<RFC 3339>","PaymentID":{…},"Reference":"<ref>","Status":"…"}
//   TaskID, StateID      {"ConnectorID":{…},"Reference":"<ref>"} (the connector may be the zero
//                        value {"Provider":"","Reference":"00000000-…"} for PSU-level tasks)
//   CallbackState        {"attemptID":"<uuid>","randomized":"<uuid>"} (the OAuth `state`)
// PSU, link-attempt and bank-account IDs are plain UUIDs; connection and schedule IDs are opaque.
// Decoders return nullopt on anything malformed (bad base64url, bad JSON, missing or mistyped
// member, bad UUID, unknown payment type); the API answers that with 400 INVALID_ID.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace boost::json {
class value;
}

namespace cx::ids {

struct ConnectorID {
  std::string provider;   ///< lower-case plugin id ("powens"); v2 imports may be upper-case
  std::string reference;  ///< lower-case UUID
  bool operator==(const ConnectorID&) const = default;
};

struct AccountID {
  ConnectorID connector_id;
  std::string reference;
  bool operator==(const AccountID&) const = default;
};

struct PaymentID {
  ConnectorID connector_id;
  std::string reference;
  std::string type;  ///< PAY-IN | PAYOUT | TRANSFER | OTHER | UNKNOWN
  bool operator==(const PaymentID&) const = default;
};

struct PaymentAdjustmentID {
  PaymentID payment_id;
  std::string reference;
  std::string created_at;  ///< RFC 3339 text, kept verbatim
  std::string status;
  bool operator==(const PaymentAdjustmentID&) const = default;
};

/// A reference scoped to a connector: the shape of TaskID and StateID.
struct ScopedID {
  ConnectorID connector_id;
  std::string reference;
  bool operator==(const ScopedID&) const = default;
};
using TaskID = ScopedID;
using StateID = ScopedID;

struct CallbackState {
  std::string attempt_id;  ///< UUID
  std::string randomized;  ///< UUID
  bool operator==(const CallbackState&) const = default;
};

/// The nil UUID, reference of the zero ConnectorID.
inline constexpr std::string_view kNilUuid = "00000000-0000-0000-0000-000000000000";

std::string encode(const ConnectorID& id);
std::string encode(const AccountID& id);
std::string encode(const PaymentID& id);
std::string encode(const PaymentAdjustmentID& id);
std::string encode(const ScopedID& id);
std::string encode(const CallbackState& s);

std::optional<ConnectorID> decode_connector_id(std::string_view text);
std::optional<AccountID> decode_account_id(std::string_view text);
std::optional<PaymentID> decode_payment_id(std::string_view text);
std::optional<PaymentAdjustmentID> decode_payment_adjustment_id(std::string_view text);
/// TaskID / StateID; the connector part may be the zero value.
std::optional<ScopedID> decode_scoped_id(std::string_view text);
std::optional<CallbackState> decode_callback_state(std::string_view text);

/// JSON object forms (Go field names), for embedding in other canonical structs.
boost::json::value to_json(const ConnectorID& id);

/// True for a payment type the v3 API spells: PAY-IN, PAYOUT, TRANSFER, OTHER, UNKNOWN.
bool is_payment_type(std::string_view t);

/// A canonical lower-case UUID from any-case 8-4-4-4-12 text, or nullopt.
std::optional<std::string> normalize_uuid(std::string_view s);

}  // namespace cx::ids
