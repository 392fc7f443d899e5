// plaid/fetch.hpp — polling one connection (Item): accounts and balances from /accounts/get,
// payments from /transactions/sync (research/providers.md §2.2, §2.6; sdk/OPS.md "Polling").
#pragma once

#include "client.hpp"
#include "mapping.hpp"

#include <boost/json.hpp>

#include <string>

namespace cx::plaid {

/// The connection a fetch runs for, from the request's fromPayload
/// {"psuID", "forwardedUser", "connection": {connectionID, accessToken: {token}}, "fromPayload"}.
struct ConnectionScope {
  std::string access_token;
  MapContext ctx;                               ///< connection_id, provider_user_id, now
  const boost::json::value* parent = nullptr;   ///< fromPayload.fromPayload (an Account for balances)
};

/// Reads the scope; throws CX_ERR_INVALID_ARGUMENT naming "fromPayload.connection…" when absent.
ConnectionScope connection_scope(const boost::json::object& request, std::string now);

/// fetch_accounts: every account of the Item in one page -> {accounts, newState: {}, hasMore: false}.
boost::json::object fetch_accounts(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call);

/// fetch_balances: the parent account's balance, read from its raw AccountBase when present
/// (the /accounts/get payload fetch_accounts stored), else from /accounts/get for that account.
boost::json::object fetch_balances(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call);

/// Page size sent as /transactions/sync `count` (Plaid allows 1..500; default 100).
int sync_count(int64_t page_size);

/// fetch_payments: one /transactions/sync page from state {"cursor", "loopStartCursor"} ->
/// {payments, paymentsToDelete, newState, hasMore = has_more}. On
/// TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION the page is fetched again from loopStartCursor
/// (the cursor the current has_more loop began with), at most kMaxSyncRestarts times.
boost::json::object fetch_payments(const Client& client, const ConnectionScope& scope, const boost::json::value& state,
                                   int64_t page_size, Skipped& skipped, const cx::Call* call);

inline constexpr int kMaxSyncRestarts = 3;

}  // namespace cx::plaid
