// Runs one reconciliation of a policy and records it: the payments side is the policy's pool
// balances at reconciledAtPayments (pool_resolver.hpp), the ledger side the injected LedgerSide at
// reconciledAtLedger; both are read concurrently (recon::run). Used by
// POST /api/reconciliation/policies/{policyID}/reconciliation and by the interval monitor.
#pragma once

#include "host/reconciliation/ledger_side.hpp"
#include "host/store/database.hpp"
#include "host/store/reconciliations.hpp"

#include <chrono>
#include <cstdint>

namespace cx::api {

/// How long both sides together may take.
inline constexpr std::chrono::milliseconds kReconcileTimeout{30'000};

/// Reconciles `policy` at the two instants (UTC ms) and appends the record (status OK or NOT_OK).
/// When a side cannot be read nothing is stored and ApiError 500 INTERNAL is thrown with the
/// message "<payments|ledger> side: <why>".
store::ReconciliationRecord reconcile_policy(store::Database& db, const recon::LedgerSide& ledger,
                                             const store::PolicyRecord& policy, int64_t at_ledger_ms,
                                             int64_t at_payments_ms,
                                             std::chrono::milliseconds timeout = kReconcileTimeout);

}  // namespace cx::api
