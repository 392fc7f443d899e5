// plaid/mapping.hpp — Plaid objects to the neutral model (docs/providers/plaid.md §6, with the
// corrections of §5: pending -> PENDING, posted replacing pending ends as one payment).
#pragma once

#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cx::plaid {

/// Where mapped objects belong and what "now" is.
struct MapContext {
  std::string connection_id;                    ///< the Item id
  std::optional<std::string> provider_user_id;  ///< Plaid user_id of the forwarded user
  std::string now;                              ///< RFC 3339 UTC, for createdAt defaults
};

/// Items that could not be mapped, each with its reason (the caller logs them).
using Skipped = std::vector<std::string>;

/// AccountBase -> Account: reference account_id, defaultAsset from balances' currency when it is
/// ISO 4217, metadata accountType/plaid.subtype/plaid.mask/plaid.official_name, raw = the account.
/// nullopt (with a reason) only when account_id is missing.
std::optional<cx::Account> map_account(const boost::json::object& account, const MapContext& ctx, Skipped& skipped);

/// AccountBase.balances -> Balance of `current` in minor units; credit and loan accounts report
/// money owed as a positive `current`, stored negated. createdAt = last_updated_datetime or now.
/// nullopt (with a reason) for a null current, an unknown currency or an inexact amount.
std::optional<cx::Balance> map_balance(const boost::json::object& account, const MapContext& ctx, Skipped& skipped);

/// Transaction -> Payment: amount > 0 is money out (PAYOUT, source = account_id), otherwise PAY-IN
/// (destination = account_id), amount = |amount|; pending -> PENDING else SUCCEEDED;
/// createdAt = first of authorized_datetime, datetime, authorized_date, date.
/// nullopt (with a reason) for an unknown currency or an inexact amount.
std::optional<cx::Payment> map_transaction(const boost::json::object& txn, const MapContext& ctx, Skipped& skipped);

/// One /transactions/sync page in neutral terms.
struct SyncChanges {
  std::vector<cx::Payment> payments;
  std::vector<cx::PaymentToDelete> to_delete;
};

/// Folds a /transactions/sync response: `added` and `modified` become payments, `removed` and every
/// posted transaction's pending_transaction_id become deletions, so a pending P replaced by a
/// posted Q ends as one SUCCEEDED payment Q whether P's removal arrives on the same page, an
/// earlier one or a later one. An id both changed and removed on one page is only removed.
SyncChanges fold_sync_page(const boost::json::object& sync_response, const MapContext& ctx, Skipped& skipped);

/// RFC 3339 UTC text of a Plaid date ("2024-05-01") or datetime; nullopt when unparseable.
std::optional<std::string> normalize_time(const std::string& text);

}  // namespace cx::plaid
