// Powens objects -> the neutral model (docs/providers/powens.md §7, issue 5 "Mapping").
//
// Rules:
//  - account: reference = id, name = original_name, defaultAsset = currency.id/precision,
//    metadata com.powens.spec/{account_id, iban, bic, account_number, name, type, usage, error};
//  - balance: `balance` exact at the currency precision, as of last_update (Paris -> UTC);
//  - payment: reference = id; amount = |value| exact at the precision (more decimals than the
//    precision rejects that item, never rounds); value >= 0 -> PAY-IN with the account as
//    destination, < 0 -> PAYOUT with the account as source; coming:true -> PENDING else
//    SUCCEEDED; createdAt = `datetime`, else `date` at 00:00, both Europe/Paris -> UTC;
//  - provisional -> permanent: Powens marks the provisional row `deleted` and serves the booked
//    row under a new id. A row with `deleted` set becomes a PaymentToDelete for its reference,
//    so the store keeps only the booked payment (a row that simply flips coming:true -> false
//    keeps its reference and becomes a SUCCEEDED adjustment);
//  - external account: the transaction's counterparty, reference = counterparty id or its
//    account_identification, metadata com.powens.spec/{counterparty_id, account_number, iban, name}.
#pragma once

#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace powens {

/// Metadata key prefix of every Powens-specific value (issue 5).
inline constexpr const char* kMetadataPrefix = "com.powens.spec/";

/// Who an item belongs to: the Powens user id and connection id (open-banking routing).
struct Owner {
  std::optional<std::string> provider_user_id;
  std::optional<std::string> connection_id;
};

/// An item that could not be mapped; the rest of its batch is kept.
struct Rejection {
  std::string reference;
  std::string reason;
};

/// "EUR/2" from a Powens Currency {id, precision}; nullopt when either is missing or invalid.
std::optional<std::string> asset_of(const boost::json::object* currency);

/// Exact minor units of a Powens amount (number kept as text, or numeric string) at `precision`.
/// nullopt with *why set when the value is null, not a number, or has more decimals than allowed.
std::optional<std::string> amount_to_minor(const boost::json::value* amount, int precision, std::string* why);

/// A BankAccount as an Account. `now_ms` is used only when the account carries no creation date.
/// nullopt (with *why) when it has no id.
std::optional<cx::Account> map_account(const boost::json::object& account, const Owner& owner, int64_t now_ms,
                                       std::string* why);

/// The balance of a BankAccount (its `balance` field). nullopt with *why when the account has no
/// usable balance or currency.
std::optional<cx::Balance> map_balance(const boost::json::object& account, const Owner& owner, int64_t now_ms,
                                       std::string* why);

/// Payments of one account's transactions.
struct PaymentBatch {
  std::vector<cx::Payment> payments;
  std::vector<cx::PaymentToDelete> to_delete;
  std::vector<Rejection> rejected;
};

/// Maps one Transaction of account `account_ref` (amounts in `asset`) into `out`.
void map_transaction(const boost::json::object& tx, const std::string& account_ref, const std::string& asset,
                     const Owner& owner, PaymentBatch& out);

/// The counterparty of a Transaction as an external account, when it identifies one.
std::optional<cx::Account> map_counterparty(const boost::json::object& tx, const Owner& owner, int64_t now_ms);

/// Logs every rejection at error level ("powens: <kind> <ref> rejected: <reason>").
void log_rejections(const cx::Host& host, const char* kind, const std::vector<Rejection>& rejected);

}  // namespace powens
