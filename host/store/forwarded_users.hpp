// Forwarded users: a PSU created at a provider (forward). The provider's user id is sealed, with a
// blind index so a webhook's providerUserID can be resolved to the PSU. Metadata is sealed too
// (Plaid keeps its user_token there). Everything here is under the PSU's data key.
#pragma once

#include "host/store/common.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct ForwardedUserRecord {
  std::string psu_id;
  std::string connector_id;
  std::optional<std::string> provider_user_id;  ///< sealed + blind index
  Metadata metadata;                            ///< sealed
  std::optional<int64_t> expires_at;            ///< UTC ms
  int64_t created_at = 0;                       ///< UTC ms
};

namespace forwarded_users {
/// Conflict when the PSU is already forwarded to the connector ("user already exists on this
/// connector"); InvalidReference when the PSU or connector does not exist.
void insert(WriteTx& tx, const ForwardedUserRecord& u);
std::optional<ForwardedUserRecord> get(Tx& tx, std::string_view psu_id, std::string_view connector_id);
/// The forwarded user whose provider user id is `provider_user_id` on that connector (exact match).
std::optional<ForwardedUserRecord> find_by_provider_user_id(Tx& tx, std::string_view connector_id,
                                                            std::string_view provider_user_id);
std::vector<ForwardedUserRecord> list_for_psu(Tx& tx, std::string_view psu_id);
/// Deletes the forwarded user and the PSU's data on that connector: its provider token, link
/// attempts, connections, accounts, balances and payments. The PSU stays. False when absent.
bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id);
}  // namespace forwarded_users

}  // namespace cx::store
