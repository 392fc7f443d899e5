// Payment pools (payments v3 /pools, docs/api/pools.md): a named set of accounts whose balances
// are summed per asset. STATIC pools list their accounts (pool_accounts); DYNAMIC pools keep an
// account filter (JSON text of the v3 query language) that the API resolves at read time.
// Balances at an instant come from the balance history (balances.hpp): per account and asset,
// the amount in force then, i.e. the row with the greatest created_at <= at.
#pragma once

#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct PoolRecord {
  std::string id;    ///< lower-case uuid
  std::string name;  ///< unique among pools
  std::optional<std::string> query;  ///< set: DYNAMIC (filter JSON text); unset: STATIC
  std::vector<std::string> account_ids;  ///< STATIC members (encoded AccountIDs), in insertion order
  int64_t created_at = 0;                ///< UTC ms
};

/// One asset of a pool: the exact sum of its accounts' balances and the accounts that had one.
struct PoolBalance {
  std::string asset;   ///< "EUR/2"
  std::string amount;  ///< signed minor units, any size
  std::vector<std::string> related_accounts;  ///< sorted
};

namespace pools {
/// Conflict when the name or id is taken; InvalidReference for an unknown account.
void insert(WriteTx& tx, const PoolRecord& p);
std::optional<PoolRecord> get(Tx& tx, std::string_view id);
/// Newest first. Filter keys (all $match): name, id, account_id (STATIC membership).
Page<PoolRecord> list(Tx& tx, const PageQuery& q);
/// Deletes the pool and its memberships; false when absent.
bool remove(WriteTx& tx, std::string_view id);
/// Idempotent. InvalidReference for an unknown pool or account.
void add_account(WriteTx& tx, std::string_view pool_id, std::string_view account_id);
/// Idempotent (absent membership is fine).
void remove_account(WriteTx& tx, std::string_view pool_id, std::string_view account_id);
/// Replaces a DYNAMIC pool's filter. NotFound when the pool does not exist.
void update_query(WriteTx& tx, std::string_view pool_id, const std::string& query);
/// Per-asset sums over `account_ids` (sorted by asset): at = nullopt takes each account/asset's
/// latest row, else the row in force at `at` (UTC ms; greatest created_at <= at). Assets with no
/// row contribute nothing. InvalidValue if a stored amount is not an integer.
std::vector<PoolBalance> balances(Tx& tx, const std::vector<std::string>& account_ids, std::optional<int64_t> at);
}  // namespace pools

}  // namespace cx::store
