// Open-banking link attempts (create-link / update-link → provider webview → redirect). The
// temporary token is sealed under the PSU's data key.
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::store {

namespace link_status {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kExited = "exited";
}  // namespace link_status

struct LinkAttemptRecord {
  std::string id;  ///< uuid (the Idempotency-Key when given)
  std::string psu_id;
  std::string connector_id;
  std::string status = link_status::kPending;  ///< pending | completed | exited
  std::string randomized;                      ///< state = {attemptID: id, randomized}
  std::string client_redirect_url;
  std::optional<TokenValue> temporary_token;   ///< sealed
  std::optional<std::string> error;
  int64_t created_at = 0;  ///< UTC ms
  int64_t updated_at = 0;  ///< UTC ms
};

namespace link_attempts {
/// Inserts, or on a known id replaces status, randomized, client_redirect_url, temporary_token
/// and error (create-link with the same Idempotency-Key). InvalidReference on unknown PSU/connector.
void upsert(WriteTx& tx, const LinkAttemptRecord& a);
std::optional<LinkAttemptRecord> get(Tx& tx, std::string_view id);
/// Stores the token create_user_link returned. NotFound.
void set_temporary_token(WriteTx& tx, std::string_view id, const std::optional<TokenValue>& token);
/// Moves the attempt to `status` with an optional error and emits OPEN_BANKING_USER_LINK_STATUS
/// {psuID, connectorID, attemptID, status, error?}. NotFound.
void set_status(WriteTx& tx, std::string_view id, std::string_view status, const std::optional<std::string>& error);
/// The attempts of one PSU on one connector. Filter keys: id, status ($match, $in).
Page<LinkAttemptRecord> list(Tx& tx, std::string_view psu_id, std::string_view connector_id, const PageQuery& q);
}  // namespace link_attempts

}  // namespace cx::store
