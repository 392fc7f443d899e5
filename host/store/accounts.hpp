// Accounts, internal (the provider's) and external (counterparties). Insert-once: a known id is
// never updated (the reference's rule). raw is sealed, and so is name (it may be a holder's name),
// with a blind index so `name` stays filterable by equality. Key: the PSU's data key when the
// account belongs to a PSU (so shredding the PSU shreds it), else the connector's.
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::store {

namespace account_type {
inline constexpr const char* kInternal = "INTERNAL";
inline constexpr const char* kExternal = "EXTERNAL";
}  // namespace account_type

struct AccountRecord {
  std::string id;  ///< encoded AccountID, from the caller
  std::string connector_id;
  std::string reference;  ///< the provider's id
  std::string type = account_type::kInternal;  ///< INTERNAL | EXTERNAL | UNKNOWN
  std::optional<std::string> name;             ///< sealed + blind index
  std::optional<std::string> default_asset;    ///< "EUR/2"
  Metadata metadata;
  std::string raw_json = "{}";                 ///< provider payload as JSON text, sealed
  std::optional<std::string> psu_id;
  std::optional<std::string> connection_id;    ///< open_banking_connection_id
  int64_t created_at = 0;                      ///< UTC ms
};

namespace accounts {
/// Inserts, or updates a known id when its name, default asset or metadata changed (then raw
/// too; owner, type, connection and createdAt keep the first sighting's). True when inserted;
/// an insert or an update emits SAVED_ACCOUNT (payload: the account without name and raw). InvalidReference on unknown
/// connector/PSU; InvalidValue on a type other than INTERNAL|EXTERNAL|UNKNOWN.
std::optional<AccountRecord> get(Tx& tx, std::string_view id);
bool insert(WriteTx& tx, const AccountRecord& a);
/// Filter keys: id reference connector_id type default_asset psu_id open_banking_connection_id
/// ($match $in $lt $lte $gt $gte, text order; $exists true|false on nullable ones), name
/// ($match, $in; blind index), metadata[k] ($match).
Page<AccountRecord> list(Tx& tx, const PageQuery& q);
}  // namespace accounts

}  // namespace cx::store
