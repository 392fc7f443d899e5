#include "host/store/fetch_batch.hpp"

#include "host/store/fetch_states.hpp"

namespace cx::store {

FetchedPageResult store_fetched_page(WriteTx& tx, const FetchedPage& page) {
  FetchedPageResult r;
  for (const auto& a : page.accounts)
    if (accounts::insert(tx, a)) ++r.accounts_inserted;
  for (const auto& b : page.balances)
    if (balances::record(tx, b) == BalanceWrite::Inserted) ++r.balances_inserted;
  for (const auto& p : page.payments) {
    auto w = payments::upsert(tx, p);
    if (w == PaymentWriteResult::Inserted) ++r.payments_inserted;
    if (w == PaymentWriteResult::Updated) ++r.payments_updated;
  }
  for (const auto& id : page.payment_ids_to_delete)
    if (payments::remove(tx, id)) ++r.payments_deleted;
  // The state goes last and in the same transaction: it only advances with the items it covers.
  if (page.state_key) fetch_states::put(tx, page.connector_id, *page.state_key, page.new_state);
  return r;
}

}  // namespace cx::store
