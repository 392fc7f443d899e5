// Polling: the fetch_* ops for one PSU connection (sdk/OPS.md "Polling").
//
// fromPayload = {"psuID", "forwardedUser": {providerUserID, accessToken: {token}}, "connection":
// {connectionID, …}, "fromPayload": <parent Account or null>}. Accounts come from
// /users/me/connections/{id}/accounts; balances from the parent Account's payload (no call);
// payments and external accounts (counterparties) from the parent account's transactions,
// paged with limit/offset by following _links.next. Their state is a watermark:
//   {"lastUpdate": <max transaction last_update of the last completed pass, Paris naive>,
//    "next": <_links.next.href to resume a pass, or null>, "offset": <its offset>,
//    "passMaxUpdate": <max last_update seen so far in the current pass>}
// A pass asks only for rows updated since lastUpdate, deleted rows included (`all`), so a
// provisional row that Powens deletes reaches the store as a PaymentToDelete.
#pragma once

#include "client.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/pages.hpp>

#include <boost/json.hpp>

namespace powens {

/// fetch_accounts: every account of the connection, one page (newState null, hasMore false).
cx::AccountsPage fetch_accounts(const Client& client, const cx::Call& call, const cx::Host& host);
/// fetch_balances: the parent account's balance, one page (newState null, hasMore false).
cx::BalancesPage fetch_balances(const cx::Call& call, const cx::Host& host);
/// fetch_payments: one transactions page as payments and payments to delete.
cx::PaymentsPage fetch_payments(const Client& client, const cx::Call& call, const cx::Host& host);
/// fetch_external_accounts: the counterparties of one transactions page.
cx::ExternalAccountsPage fetch_external_accounts(const Client& client, const cx::Call& call, const cx::Host& host);

}  // namespace powens
