// Deterministic, realistic data for the generic sandbox: a company's accounts in several
// currencies, its beneficiaries, and months of pay-ins, payouts, transfers and fees, including a
// card settlement batch whose pay-ins all share one updatedAt, monthly payrolls, and recent
// transactions still pending that settle as the clock advances.
// The same seed and the same sequence of clock advances give byte-identical data.
#pragma once

#include "tools/sandbox/generic/dataset.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cx::sandbox::generic {

/// The sandbox clock's starting point for seeded data: 2025-03-03T09:00:00Z.
inline constexpr int64_t kSeedClockMs = 1740992400000;

class Generator {
 public:
  /// @param seed          any integer; the whole data set derives from it.
  /// @param transactions  how many transactions the initial history holds (>= 1).
  /// @param accounts      how many accounts (>= 6): the six of the default data set, then more
  ///                      of the same six kinds; transactions spread over all of them.
  Generator(uint64_t seed, size_t transactions, size_t accounts = kDefaultAccounts);

  /// Accounts of the default data set (one of each kind).
  static constexpr size_t kDefaultAccounts = 6;

  /// Fills an empty data set: accounts, balances, beneficiaries and the transaction history
  /// over the 90 days before the clock.
  void populate(Dataset& data);

  /// Adds the transactions created in (from_ms, to_ms] at the history's average rate (at most
  /// 5000), some of them pending with a settlement scheduled. Returns how many were added.
  size_t grow(Dataset& data, int64_t from_ms, int64_t to_ms);

 private:
  struct Account {
    std::string id, name, asset;
    int precision;
  };
  struct Party {
    std::string id, name;
    bool person;
  };

  uint64_t next() { return rng_(); }
  int64_t uniform(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  std::string hex_id(const char* prefix);
  /// One transaction created at created_ms; settled (or scheduled to settle) relative to now_ms.
  void add_transaction(Dataset& data, int64_t created_ms, int64_t now_ms);
  void add_card_settlement_batch(Dataset& data, int64_t settle_at_ms, size_t count);
  void add_row(Dataset& data, boost::json::object tx, int64_t created_ms, int64_t settle_ms, int64_t now_ms,
               std::vector<Effect> effects);
  std::string amount_in(const Account& a, int64_t major_lo, int64_t major_hi);
  /// An account of kind k (0..5, the default data set's order): accounts_[k] itself when there
  /// are only the default six (no random draw, so the default data set is unchanged), else one of
  /// that kind at random.
  const Account& of_kind(size_t k);

  std::mt19937_64 rng_;
  size_t transactions_;
  size_t account_count_;
  std::vector<Account> accounts_;
  std::vector<Party> beneficiaries_;
  std::vector<std::string> payins_;  ///< pay-in ids, candidates for refunds
  int64_t carry_ms_ = 0;             ///< time advanced but not yet worth one new transaction
};

}  // namespace cx::sandbox::generic
