// Payments and their adjustments. Each observation of a payment (a PSP item) is a payment row,
// inserted once by id, plus an adjustment keyed by (payment id, reference, created_at, status),
// inserted once too, so a replayed page changes nothing. A new adjustment updates the payment:
// status follows the latest adjustment (by created_at; an older one leaves it), REFUNDED subtracts
// its amount, CAPTURE and REFUND_REVERSED add theirs, AMOUNT_ADJUSTEMENT sets initial_amount; an
// AUTHORISATION payment starts at amount 0.
//
// Amounts are exact non-negative integer strings in minor units of any size, stored as TEXT for an
// exact round trip plus an order-preserving sort key so $lt/$gt… compare numerically at any size.
// The adjustment's raw payload is sealed (PSU's data key when it belongs to a PSU, else the
// connector's); the payment row itself holds nothing personal.
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

/// One observation of a payment, as the engine builds it from a plugin's Payment.
struct PaymentWrite {
  std::string id;             ///< encoded PaymentID (keyed by parentReference when set)
  std::string adjustment_id;  ///< encoded PaymentAdjustmentID
  std::string connector_id;
  std::string reference;      ///< payment reference (the parent reference when set)
  std::string adjustment_reference;  ///< the item's own reference
  std::string type;           ///< PAY-IN | PAYOUT | TRANSFER | OTHER
  std::string amount;         ///< non-negative minor units
  std::string asset;          ///< "EUR/2"
  std::string scheme = "OTHER";
  std::string status;         ///< PENDING | SUCCEEDED | …
  std::optional<std::string> source_account_id, destination_account_id;
  std::optional<std::string> psu_id, connection_id;
  Metadata metadata;
  std::string raw_json = "{}";  ///< sealed, on the adjustment
  int64_t created_at = 0;       ///< UTC ms of this observation
};

struct AdjustmentRecord {
  std::string id;
  std::string reference;
  int64_t created_at = 0;  ///< UTC ms
  std::string status;
  std::optional<std::string> amount;
  std::optional<std::string> asset;
  Metadata metadata;
  std::string raw_json;
};

struct PaymentRecord {
  std::string id;
  std::string connector_id;
  std::string reference;
  std::string type;
  std::string initial_amount;
  std::string amount;
  std::string asset;
  std::string scheme;
  std::string status;
  std::optional<std::string> source_account_id, destination_account_id;
  std::optional<std::string> psu_id, connection_id;
  Metadata metadata;
  int64_t created_at = 0;  ///< UTC ms (first observation)
  int64_t updated_at = 0;  ///< UTC ms
  std::vector<AdjustmentRecord> adjustments;  ///< newest first; filled by get() only
};

enum class PaymentWriteResult { Unchanged, Inserted, Updated };

namespace payments {
/// Applies one observation. Inserted/Updated emit SAVED_PAYMENT (payload: the payment).
/// StoreError on a non-integer amount; InvalidReference on unknown connector/PSU.
PaymentWriteResult upsert(WriteTx& tx, const PaymentWrite& p);
/// The payment with its adjustments (raw decrypted).
std::optional<PaymentRecord> get(Tx& tx, std::string_view id);
/// Filter keys: reference id connector_id type asset scheme status source_account_id
/// destination_account_id psu_id open_banking_connection_id ($match, $in); amount and
/// initial_amount ($match $in $lt $lte $gt $gte, numeric at any size); metadata[k] ($match).
Page<PaymentRecord> list(Tx& tx, const PageQuery& q);
/// Merges `metadata` into the payment's (PATCH …/metadata). NotFound.
void update_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata);
/// Deletes the payment and its adjustments; emits DELETED_PAYMENT {id, connectorID}. False when absent.
bool remove(WriteTx& tx, std::string_view id);
}  // namespace payments

}  // namespace cx::store
