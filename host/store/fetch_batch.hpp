// One fetched page, stored in one transaction: the items, the plugin's new state and the events
// they cause. Either all of it commits or none of it, so a crash resumes from the last page.
#pragma once

#include "host/store/accounts.hpp"
#include "host/store/balances.hpp"
#include "host/store/payments.hpp"
#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cx::store {

struct FetchedPage {
  std::string connector_id;
  std::vector<AccountRecord> accounts;  ///< insert-once
  std::vector<BalanceRecord> balances;  ///< applied after accounts (a page may carry both)
  std::vector<PaymentWrite> payments;
  std::vector<std::string> payment_ids_to_delete;
  std::optional<std::string> state_key;  ///< when set, new_state is stored under it
  boost::json::value new_state;
};

struct FetchedPageResult {
  int accounts_inserted = 0;
  int balances_inserted = 0;
  int payments_inserted = 0;
  int payments_updated = 0;
  int payments_deleted = 0;
};

/// Applies the page in the caller's transaction (call inside Database::write, with any task
/// bookkeeping, so everything commits together). Events are emitted by the repositories.
FetchedPageResult store_fetched_page(WriteTx& tx, const FetchedPage& page);

}  // namespace cx::store
