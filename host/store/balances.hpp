// Balances: a time series per (account, asset). An observation with the latest amount only moves
// last_updated_at; a different amount closes the latest row (its last_updated_at = the new
// created_at) and opens a new one; an observation older than what is known is ignored.
// Amounts are exact signed integer strings in minor units.
#pragma once

#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct BalanceRecord {
  std::string account_id;
  std::string asset;    ///< "EUR/2"
  std::string balance;  ///< signed minor units, any size ("-1234")
  int64_t created_at = 0;       ///< UTC ms, start of this amount
  int64_t last_updated_at = 0;  ///< UTC ms, last time this amount was seen (or when it was replaced)
  std::optional<std::string> psu_id;         ///< defaults to the account's
  std::optional<std::string> connection_id;  ///< defaults to the account's
};

enum class BalanceWrite { Inserted, Bumped, Ignored };

struct BalanceQuery {
  std::string account_id;
  std::optional<std::string> asset;
  std::optional<int64_t> from;  ///< last_updated_at >= from (UTC ms)
  std::optional<int64_t> to;    ///< created_at <= to (UTC ms)
};

namespace balances {
/// Applies one observation (balance, asset, created_at; last_updated_at is ignored). Inserted
/// emits SAVED_BALANCE. InvalidReference for an unknown account; StoreError on a non-integer amount.
BalanceWrite record(WriteTx& tx, const BalanceRecord& observation);
/// Rows of one account, newest first.
Page<BalanceRecord> list(Tx& tx, const BalanceQuery& bq, const PageQuery& q);
/// The latest row per asset of one account, by asset.
std::vector<BalanceRecord> latest(Tx& tx, std::string_view account_id);
}  // namespace balances

}  // namespace cx::store
