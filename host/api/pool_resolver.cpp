#include "host/api/pool_resolver.hpp"

#include "host/api/errors.hpp"
#include "host/api/query_parser.hpp"
#include "host/store/accounts.hpp"

namespace cx::api {

std::vector<std::string> pool_account_ids(store::Tx& tx, const store::PoolRecord& pool) {
  if (!pool.query) return pool.account_ids;
  store::PageQuery q;
  q.filter = parse_query(*pool.query);
  q.page_size = 100;
  std::vector<std::string> out;
  for (;;) {
    auto page = store::accounts::list(tx, q);
    for (const auto& a : page.items) out.push_back(a.id);
    if (out.size() > kMaxDynamicPoolAccounts)
      throw validation_error("pool " + pool.id + " selects more than " + std::to_string(kMaxDynamicPoolAccounts) +
                             " accounts");
    if (!page.has_more || !page.last) break;
    q.after = page.last;
  }
  return out;
}

std::vector<store::PoolBalance> pool_balances(store::Tx& tx, const store::PoolRecord& pool,
                                              std::optional<int64_t> at) {
  return store::pools::balances(tx, pool_account_ids(tx, pool), at);
}

}  // namespace cx::api
