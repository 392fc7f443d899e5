// Store records → v3 wire JSON, shaped and named as the reference answers them. Timestamps are
// RFC 3339 UTC; amounts are bare JSON integers (json_output.hpp); a provider's raw payload is
// always an object; absent optional members are omitted unless the reference writes null.
#pragma once

#include "host/store/store.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cx::api {

/// "2024-03-31T00:30:00Z" (milliseconds when not zero).
std::string rfc3339(int64_t unix_ms);

/// The provider of an encoded connector id ("" when undecodable).
std::string provider_of(const std::string& connector_id);

/// "powens" → "Powens" (get-config's provider spelling).
std::string title_case(std::string_view provider);

boost::json::object metadata_json(const store::Metadata& m, boost::json::storage_ptr sp = {});

/// {id, reference, name, createdAt, provider}: the account's embedded connector.
boost::json::object connector_base_json(const store::ConnectorRecord& c, boost::json::storage_ptr sp = {});

/// A connector in GET /connectors; `capabilities` are wire names.
boost::json::object connector_json(const store::ConnectorRecord& c, const std::vector<std::string>& capabilities);

/// The connector an account embeds: its connector_base_json() and provider. Build it once per
/// connector and reuse it for every account of a page.
struct AccountConnector {
  boost::json::object json;
  std::string provider;
};
AccountConnector account_connector(const store::ConnectorRecord& c, boost::json::storage_ptr sp = {});

/// An account; `connector` (when known) is embedded as "connector". `sp`: where to allocate
/// (list routes render a page into one monotonic resource).
boost::json::object account_json(const store::AccountRecord& a, const AccountConnector* connector,
                                 boost::json::storage_ptr sp = {});

/// A balance; psuID is always present ("" when the account has no PSU).
boost::json::object balance_json(const store::BalanceRecord& b, boost::json::storage_ptr sp = {});

/// A payment; adjustments are listed only when `with_adjustments` (GET by id), else null.
boost::json::object payment_json(const store::PaymentRecord& p, bool with_adjustments,
                                 boost::json::storage_ptr sp = {});

/// A PSU; contactDetails/address/bankAccountIDs omitted when absent or empty.
boost::json::object psu_json(const store::PsuRecord& p);

boost::json::object connection_json(const store::ConnectionRecord& c);
boost::json::object link_attempt_json(const store::LinkAttemptRecord& a);

/// A bank account with accountNumber (2+3 kept) and IBAN (4+4 kept) masked, as the reference.
boost::json::object bank_account_json(const store::BankAccountRecord& b);

/// A task as v3 shapes it, plus (additive, docs/api/formance-v3.md §4) `attempts` and, while it
/// waits for its next run, `nextAttemptAt`; `error` is its last error, also while it retries.
boost::json::object task_json(const store::TaskRecord& t);
boost::json::object schedule_json(const store::ScheduleRecord& s);
/// A schedule instance; for a run still open, the state of its task when given (additive:
/// `attempts`, `nextAttemptAt`, `lastError`).
boost::json::object schedule_instance_json(const store::ScheduleInstanceRecord& i,
                                           const std::optional<store::TaskRecord>& task = std::nullopt);

/// Keeps `prefix` and `suffix` characters and masks the rest with '*' (all masked when short).
std::string obfuscate(const std::string& v, size_t prefix, size_t suffix);

}  // namespace cx::api
