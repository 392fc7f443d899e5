// plaid/fetch.hpp — polling one connection (Item): accounts and balances from /accounts/get,
// payments from /transactions/sync (docs/providers/plaid.md §2, §6; sdk/OPS.md "Polling").
#pragma once

#include "client.hpp"
#include "mapping.hpp"

#include <connectivity/pages.hpp>

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace cx::plaid {

/// The connection a fetch runs for, from the request's fromPayload
/// {"psuID", "forwardedUser", "connection": {connectionID, accessToken: {token}}, "fromPayload"}.
struct ConnectionScope {
  std::string access_token;
  MapContext ctx;                               ///< connection_id, provider_user_id, now
  const boost::json::object* parent = nullptr;  ///< fromPayload.fromPayload (an Account for balances)
};

/// Reads the scope (cx::OpenBankingScope); throws CX_ERR_INVALID_ARGUMENT naming
/// "fromPayload.connection.accessToken" when the connection has no token.
ConnectionScope connection_scope(const cx::Call& call, std::string now);

/// The latest AccountBase of each account as /accounts/get returned it, kept by fetch_accounts
/// (in the host's state service) for the fetch_balances that follow: the parent payload a host
/// hands to fetch_balances may be the account as first stored, with the balances of that day.
struct AccountSnapshots {
  std::function<void(const std::string& account_id, const std::string& account_json)> put;
  std::function<std::optional<std::string>(const std::string& account_id)> get;
};

/// fetch_accounts: every account of the Item in one page (newState {}, hasMore false); each
/// AccountBase is also kept in `snapshots` (when given).
cx::AccountsPage fetch_accounts(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call, const AccountSnapshots* snapshots = nullptr);

/// fetch_balances: the parent account's balance, read without a call from the latest snapshot of
/// that account, else from its raw AccountBase in the payload, else from /accounts/get for it.
cx::BalancesPage fetch_balances(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call, const AccountSnapshots* snapshots = nullptr);

/// Page sizes of /transactions/sync `count` (Plaid allows 1..500; default 100).
inline constexpr cx::PageSizeLimits kSyncCount{100, 500};

/// fetch_payments: one /transactions/sync page of req.page_size from req.state {"cursor",
/// "loopStartCursor"}: payments, payments to delete, newState, hasMore = has_more. On
/// TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION the page is fetched again from loopStartCursor
/// (the cursor the current has_more loop began with), at most kMaxSyncRestarts times.
cx::PaymentsPage fetch_payments(const Client& client, const ConnectionScope& scope, const cx::FetchRequest& req,
                                Skipped& skipped, const cx::Call* call);

inline constexpr int kMaxSyncRestarts = 3;

}  // namespace cx::plaid
