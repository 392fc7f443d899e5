// Events outbox: rows appended in the same transaction as the data they describe, read in seq
// order by whoever publishes them. Payloads are clear JSON: ids, amounts, statuses, metadata —
// never raw payloads or personal data.
#pragma once

#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

namespace event_type {
inline constexpr const char* kSavedAccount = "SAVED_ACCOUNT";
inline constexpr const char* kSavedBalance = "SAVED_BALANCE";
inline constexpr const char* kSavedPayment = "SAVED_PAYMENT";
inline constexpr const char* kDeletedPayment = "DELETED_PAYMENT";
inline constexpr const char* kConnectorReset = "CONNECTOR_RESET";
inline constexpr const char* kUpdatedTask = "UPDATED_TASK";
inline constexpr const char* kLinkStatus = "OPEN_BANKING_USER_LINK_STATUS";
inline constexpr const char* kConnectionDataSynced = "OPEN_BANKING_USER_CONNECTION_DATA_SYNCED";
inline constexpr const char* kConnectionPendingDisconnect = "OPEN_BANKING_USER_CONNECTION_PENDING_DISCONNECT";
inline constexpr const char* kConnectionDisconnected = "OPEN_BANKING_USER_CONNECTION_DISCONNECTED";
inline constexpr const char* kConnectionReconnected = "OPEN_BANKING_USER_CONNECTION_RECONNECTED";
inline constexpr const char* kUserDisconnected = "OPEN_BANKING_USER_DISCONNECTED";
}  // namespace event_type

struct EventRecord {
  int64_t seq = 0;  ///< increasing, never reused
  std::string type;
  boost::json::value payload;
  int64_t created_at = 0;  ///< UTC ms
};

namespace events {
/// Appends an event; returns its seq.
int64_t append(WriteTx& tx, std::string_view type, const boost::json::value& payload);
/// Up to `limit` events with seq > after_seq, in seq order.
std::vector<EventRecord> after(Tx& tx, int64_t after_seq, int limit);
/// For a reader that moves a cursor past what it reads: on PostgreSQL, waits for every transaction
/// appending events to end, so no seq below what after() then returns can commit later
/// (events.cpp); nothing to wait for on SQLite.
void settle(WriteTx& tx);
/// Deletes events with seq <= upto (after they were published).
void remove_upto(WriteTx& tx, int64_t upto);
}  // namespace events

}  // namespace cx::store
