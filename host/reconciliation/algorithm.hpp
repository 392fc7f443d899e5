// The reconciliation of one policy at one pair of instants (docs/reconciliation.md §2):
//   1. fetch the payments side (the pool's balances at reconciledAtPayments) and the ledger side
//      (aggregated balances of the policy's ledgerQuery at reconciledAtLedger) concurrently;
//   2. harmonise: every asset seen on either side appears on both, missing amounts as 0;
//   3. per asset, drift = payments + ledger (the ledger accounts carry the negated cash position,
//      e.g. `world`); the stored drift is |drift|;
//   4. any non-zero drift fails the asset: status NOT_OK and one "balance drift for asset <A>"
//      per failing asset, in ascending asset order, joined by "; ".
// Amounts are exact signed decimal integers in minor units, of any size.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <variant>

namespace cx::recon {

/// asset ("EUR/2") → signed minor units as decimal text.
using Balances = std::map<std::string, std::string>;

/// Why one side could not be read.
struct SideError {
  std::string message;
  int http_status = 0;  ///< the remote's status when it answered one, else 0
};

using SideResult = std::variant<Balances, SideError>;

/// Reads one side; must return by `deadline` (steady clock) and may run on another thread.
using Fetch = std::function<SideResult(std::chrono::steady_clock::time_point deadline)>;

inline constexpr const char* kStatusOk = "OK";
inline constexpr const char* kStatusNotOk = "NOT_OK";

/// The result of comparing the two sides.
struct Outcome {
  Balances payments;  ///< harmonised, normalised
  Balances ledger;    ///< harmonised, normalised
  Balances drift;     ///< |payments + ledger| per asset
  std::string status = kStatusOk;
  std::string error;  ///< "" when OK
};

/// Which side failed and why; nothing is stored for it.
struct FetchFailure {
  std::string side;  ///< "payments" or "ledger"
  std::string message;
  int http_status = 0;
};

/// Steps 2–4 on two already fetched sides. Throws std::invalid_argument naming the side and
/// asset when an amount is not an integer.
Outcome compare(const Balances& payments, const Balances& ledger);

/// Steps 1–4: runs both fetches at once (each on its own thread), waits for both, and compares.
/// A side that fails, throws or returns a non-integer amount gives a FetchFailure (the payments
/// side is reported first when both fail).
std::variant<Outcome, FetchFailure> run(const Fetch& payments, const Fetch& ledger,
                                        std::chrono::steady_clock::time_point deadline);

}  // namespace cx::recon
