// Open-banking connections (a PSU's link to one bank through a provider). The access token is
// sealed under the PSU's data key; metadata stays clear (filterable).
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cx::store {

namespace connection_status {
inline constexpr const char* kActive = "ACTIVE";
inline constexpr const char* kError = "ERROR";
}  // namespace connection_status

struct ConnectionRecord {
  std::string psu_id;
  std::string connector_id;
  std::string connection_id;  ///< the provider's id (Powens connection id, Plaid item_id)
  std::string status = connection_status::kActive;  ///< ACTIVE | ERROR
  std::optional<std::string> error;
  Metadata metadata;
  std::optional<TokenValue> access_token;  ///< sealed; never exposed by the API
  int64_t created_at = 0;                  ///< UTC ms
  int64_t updated_at = 0;                  ///< UTC ms
  std::optional<int64_t> data_updated_at;  ///< UTC ms of the last completed data sync
};

namespace connections {
/// Inserts, or updates status, error, metadata, access token and updated_at of an existing
/// (psu, connector, connection_id), keeping created_at; an absent access_token (or
/// data_updated_at) keeps the stored one. InvalidReference on unknown PSU/connector; InvalidValue
/// on a status other than ACTIVE|ERROR.
void upsert(WriteTx& tx, const ConnectionRecord& c);
std::optional<ConnectionRecord> get(Tx& tx, std::string_view psu_id, std::string_view connector_id,
                                    std::string_view connection_id);
/// The connection with that provider id on that connector, whoever its PSU (webhooks).
std::optional<ConnectionRecord> find(Tx& tx, std::string_view connector_id, std::string_view connection_id);
/// Sets status and error (null clears it) and updated_at = now. NotFound.
void set_status(WriteTx& tx, std::string_view connector_id, std::string_view connection_id, std::string_view status,
                const std::optional<std::string>& error);
/// Sets data_updated_at = updated_at = at (UTC ms). NotFound.
void set_data_updated_at(WriteTx& tx, std::string_view connector_id, std::string_view connection_id, int64_t at);
/// A PSU's connections, on one connector or all (connector_id empty). Filter keys:
/// connection_id, status ($match, $in), metadata[k] ($match).
Page<ConnectionRecord> list(Tx& tx, std::string_view psu_id, std::string_view connector_id, const PageQuery& q);
/// Every (connector id, connection id) of a PSU, on one connector or all (connector_id empty),
/// unpaged: deletions must reach all of them.
std::vector<std::pair<std::string, std::string>> keys_of_psu(Tx& tx, std::string_view psu_id,
                                                             std::string_view connector_id);
/// ACTIVE connections of a connector, oldest first (the engine runs periodic fetches per connection).
std::vector<ConnectionRecord> list_active(Tx& tx, std::string_view connector_id);
/// Deletes the connection and the accounts (with their balances) and payments that carry its
/// connection id. False when absent.
bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id, std::string_view connection_id);
}  // namespace connections

}  // namespace cx::store
