// Mapping of the generic-connector API's items to the SDK's neutral model.
// Sources: docs/providers/generic.md §2 (wire shapes), §5 (mapping); docs/providers/model.md (model);
// docs/providers/generic.md §2 (enums).
//
// Each map_* function either returns the model object or throws BadItem with a sentence naming
// the offending field; the caller logs it and keeps the rest of the page.
#pragma once

#include <connectivity/json.hpp>
#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace cx::generic {

using cx::BadItem;  // one item the connector refuses to store, with the reason (connectivity/json.hpp)

/// Account ← Account {id, accountName, createdAt, metadata?}: reference=id, name=accountName,
/// createdAt normalised to UTC, metadata passed through, raw = the item. No defaultAsset (the
/// API has none).
Account map_account(const boost::json::object& item);

/// External account ← Beneficiary {id, ownerName, createdAt, metadata?}: name=ownerName.
Account map_beneficiary(const boost::json::object& item);

/// Payment ← Transaction: reference=id, parentReference=relatedTransactionID, createdAt,
/// type (PAYIN→PAY-IN, PAYOUT, TRANSFER, OTHER; anything else rejected), status (the 15
/// TransactionStatus values one to one; anything else rejected), amount (non-negative integer
/// string in minor units), asset (see map_asset), scheme (see map_scheme), source/destination
/// account references, metadata, raw. updatedAt must be readable too (it drives paging).
Payment map_transaction(const boost::json::object& item);

/// Balance ← one entry {amount, currency} of a Balances response: signed integer amount.
/// account_reference and at (RFC 3339 UTC) come from the enclosing response.
Balance map_balance(const boost::json::object& entry, const std::string& account_reference, const std::string& at);

/// The asset of a `currency`: a UMN asset (cx::money::is_valid_asset) kept as is when it has a
/// precision ("USD/2", "BTC/8"). The API defines a bare code ("JPY", "COIN") as precision 0, and
/// we emit it with the explicit "/0" ("JPY/0") so one asset is never spelled two ways
/// (docs/providers/model.md §2 recommends an explicit /N). Throws BadItem for anything else ("usd/2",
/// "EUR/-1", "EUR/2/1", "").
std::string map_asset(const boost::json::value* currency);

/// An amount: a JSON string of decimal digits, with a leading '-' only when allow_negative, no
/// '+', spaces, decimal point or exponent ("12.34", "", "1e3", " 100" are rejected). Leading
/// zeros are dropped. Any magnitude is kept exactly (no conversion to a machine integer).
std::string map_amount(const boost::json::value* amount, bool allow_negative);

/// PAYIN→"PAY-IN", PAYOUT→"PAYOUT", TRANSFER→"TRANSFER", OTHER→"OTHER"; throws BadItem otherwise.
std::string map_payment_type(std::string_view type);

/// One of the 15 TransactionStatus values, unchanged; throws BadItem otherwise.
std::string map_payment_status(std::string_view status);

/// The payment scheme: the service's `scheme` when it is one the v3 API knows (CARD_VISA, SEPA,
/// ACH, RTP, …; docs/api/formance-v3.md §2), "OTHER" when absent or anything else.
std::string map_scheme(const boost::json::value* scheme);

/// An RFC 3339 timestamp field with an explicit offset (or a bare date = midnight UTC),
/// returned as UTC milliseconds. Throws BadItem when missing or unreadable.
int64_t timestamp_ms(const boost::json::object& item, const char* field);

/// The item's id for log lines: its string id, or "(no id)".
std::string id_for_log(const boost::json::value& item);

}  // namespace cx::generic
