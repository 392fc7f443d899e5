// Plaid sandbox: the institutions a user can link and the seeded history of a new Item.
#pragma once

#include "model.hpp"

#include <string>
#include <vector>

namespace cx::sandbox::plaid {

/// SplitMix64: a small deterministic generator (same sequence on every platform).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  /// Plaid-looking id: `n` characters of [A-Za-z0-9].
  std::string id(size_t n);
  /// A lower-case v4-shaped UUID.
  std::string uuid();
};

struct AccountTemplate {
  const char* name;
  const char* official_name;
  const char* type;
  const char* subtype;
  const char* currency;
  int64_t opening_minor;
  int64_t limit_minor;  ///< 0 = none
  int history;          ///< generated transactions per 60 days of history (scaled by --history-days)
};

struct Institution {
  const char* id;
  const char* name;
  const char* country;
  std::vector<AccountTemplate> accounts;
};

/// Every institution, the first being the one sandbox_auto=1 picks.
const std::vector<Institution>& institutions();
const Institution* find_institution(const std::string& id);

/// Fills a new Item's accounts and history (`history_days` days before `now_ms`, a few pending
/// transactions that post one to three days later), appending every transaction to the log.
void generate_item(Item& item, const Institution& inst, int64_t now_ms, int history_days);

/// A generated transaction of `account` dated `day_ms` (used by /sandbox/transactions/create
/// fillers and console injections).
Txn make_txn(Rng& rng, const Account& account, int64_t day_ms, bool pending);

/// "YYYY-MM-DD" of a UTC instant.
std::string ymd(int64_t ms);
/// Minor-unit digits of an ISO code this sandbox uses (JPY 0, else 2).
int precision_of(const std::string& currency);

}  // namespace cx::sandbox::plaid
