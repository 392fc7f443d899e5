// Reconciliation policies and reconciliations (docs/reconciliation.md). A reconciliation is an
// audit record: written once, never updated or deleted (SQLite triggers refuse both), and kept
// when its policy is deleted. Balances are maps asset → exact signed minor units (decimal text).
#pragma once

#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cx::store {

struct PolicyRecord {
  std::string id;    ///< lower-case uuid
  std::string name;
  std::string ledger_name;
  std::string ledger_query;      ///< JSON text of an object, echoed back as given
  std::string payments_pool_id;  ///< lower-case uuid
  std::optional<int64_t> interval_ms;  ///< set: the daemon reconciles the policy that often
  int64_t created_at = 0;              ///< UTC ms
};

struct ReconciliationRecord {
  std::string id;  ///< lower-case uuid
  std::string policy_id;
  int64_t created_at = 0;              ///< UTC ms
  int64_t reconciled_at_ledger = 0;    ///< UTC ms
  int64_t reconciled_at_payments = 0;  ///< UTC ms
  std::string status;                  ///< OK | NOT_OK
  std::map<std::string, std::string> ledger_balances, payments_balances, drift_balances;
  std::string error;  ///< "" when OK
};

namespace policies {
/// Conflict on a taken id.
void insert(WriteTx& tx, const PolicyRecord& p);
std::optional<PolicyRecord> get(Tx& tx, std::string_view id);
/// Newest first. Filter keys ($match): name, ledgerName, paymentsPoolID, ledgerQuery (JSON text).
Page<PolicyRecord> list(Tx& tx, const PageQuery& q);
/// The policies that carry an interval, oldest first.
std::vector<PolicyRecord> with_interval(Tx& tx);
/// Deletes the policy (its reconciliations stay); false when absent.
bool remove(WriteTx& tx, std::string_view id);
}  // namespace policies

namespace reconciliations {
/// Appends one record. Conflict on a taken id.
void insert(WriteTx& tx, const ReconciliationRecord& r);
std::optional<ReconciliationRecord> get(Tx& tx, std::string_view id);
/// Newest first. Filter keys ($match): policyID, status.
Page<ReconciliationRecord> list(Tx& tx, const PageQuery& q);
/// created_at of the policy's newest reconciliation, if any.
std::optional<int64_t> last_created_at(Tx& tx, std::string_view policy_id);
}  // namespace reconciliations

}  // namespace cx::store
