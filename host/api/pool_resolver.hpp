// A pool's accounts and balances, shared by the pool routes and the reconciliation payments side.
// A DYNAMIC pool's accounts are re-evaluated from its filter (the /accounts query language) on
// every call, as the reference does.
#pragma once

#include "host/store/pools.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx::api {

/// Upper bound on the accounts a dynamic pool resolves to (100 pages of 100); past it 400
/// VALIDATION, so one balances call stays bounded.
inline constexpr size_t kMaxDynamicPoolAccounts = 10'000;

/// The pool's accounts: its members (STATIC) or the accounts its filter selects (DYNAMIC, newest
/// first). Throws QuerySyntaxError / store::QueryError for a filter the accounts list refuses.
std::vector<std::string> pool_account_ids(store::Tx& tx, const store::PoolRecord& pool);

/// Per-asset balances of the pool at `at` (UTC ms) or, when nullopt, the latest ones.
std::vector<store::PoolBalance> pool_balances(store::Tx& tx, const store::PoolRecord& pool,
                                              std::optional<int64_t> at);

}  // namespace cx::api
