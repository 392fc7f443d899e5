// Deterministic, realistic data for the Powens emulator: the bank catalog, account templates
// and French bank wording, generated from a seed (same seed + same calls = same data).
#pragma once

#include "model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cx::sandbox::powens {

/// splitmix64: a small deterministic generator whose output does not depend on the C++ library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) { return hi <= lo ? lo : lo + static_cast<int64_t>(next() % uint64_t(hi - lo + 1)); }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }

 private:
  uint64_t s_;
};

/// Mixes values into one seed.
uint64_t mix(uint64_t a, uint64_t b, uint64_t c = 0);

enum class AccountKind { kChecking, kSavings, kCard };

struct AccountTemplate {
  const char* original_name;
  const char* type;  ///< Powens account type: checking, savings, card
  AccountKind kind;
  Currency currency;
  int default_transactions;       ///< over 90 days
  int64_t opening_min, opening_max;  ///< minor units
};

struct Bank {
  const char* name;
  const char* uuid;     ///< connector_uuid
  int64_t connector_id;
  const char* bic;
  const char* bank_code;  ///< 5 digits of the French BBAN
  std::vector<AccountTemplate> accounts;
};

/// The banks shown in the webview; the first one (used by sandbox_auto) holds EUR, JPY and KWD
/// accounts so precisions 2, 0 and 3 are always exercised.
const std::vector<Bank>& banks();

/// A French IBAN with valid check digits for a bank code and an 11-character account number.
std::string french_iban(const std::string& bank_code, const std::string& account_number);

/// Days of history generated for a new connection.
inline constexpr int kHistoryDays = 90;
/// Transactions dated this many days back or less (card, direct debit) are still pending.
inline constexpr int kPendingDays = 1;

/// Generates `count` transactions (count < 0: the template's default) for `account`, dated over
/// the kHistoryDays Paris days up to `today`, oldest first, without ids. The newest of a checking
/// or card account is always pending (coming:true).
std::vector<Transaction> generate_history(Rng& rng, const Account& account, AccountKind kind, int count,
                                          const std::string& today);

/// New activity for `account` on the Paris day `date` (0-3 rows), for clock advances.
std::vector<Transaction> generate_day(Rng& rng, const Account& account, AccountKind kind, const std::string& date,
                                      const std::string& today);

}  // namespace cx::sandbox::powens
