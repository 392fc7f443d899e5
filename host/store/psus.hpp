// Payment service users. Every contact detail (locale included) and every metadata value whose
// key is not "public." is sealed under the PSU's own data key; metadata stays filterable by
// equality (sealed_metadata.hpp). Deleting a PSU deletes its rows, then its data key:
// crypto-shredding.
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct ContactDetails {
  std::optional<std::string> email;         ///< sealed
  std::optional<std::string> phone_number;  ///< sealed
  std::optional<std::string> locale;        ///< sealed (BCP-47)
};

struct Address {  ///< every field sealed
  std::optional<std::string> street_name, street_number, city, region, postal_code, country;
};

struct PsuRecord {
  std::string id;    ///< uuid
  std::string name;  ///< sealed
  std::optional<ContactDetails> contact_details;
  std::optional<Address> address;
  Metadata metadata;
  std::vector<std::string> bank_account_ids;  ///< bank accounts linked to this PSU
  int64_t created_at = 0;  ///< UTC ms
};

namespace psus {
/// Inserts, creating the PSU's data key, and links bank_account_ids (their psu_id is set).
/// Conflict on a taken id; NotFound naming an unknown bank account id.
void insert(WriteTx& tx, const PsuRecord& p);
std::optional<PsuRecord> get(Tx& tx, std::string_view id);
/// Filter keys: id ($match, $in), metadata[k] ($match).
Page<PsuRecord> list(Tx& tx, const PageQuery& q);
/// Sets these metadata keys on the PSU (others kept), e.g. what a connector reports about the
/// PSU's user at the provider (Powens user_id, expires_in). NotFound.
void merge_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata);
/// Deletes the PSU and everything that is its (forwarded users, tokens, link attempts,
/// connections, accounts, balances, payments; bank accounts are unlinked), then destroys its
/// data key. After the commit and a WAL checkpoint nothing of it can be read back. False when
/// it did not exist. Not covered: received webhook bodies (sealed under the connector's key, as
/// they arrive before they can be tied to a PSU): the engine deletes them after the daemon's
/// --webhook-retention (received_webhooks::remove_older_than).
bool remove(WriteTx& tx, std::string_view id);
}  // namespace psus

}  // namespace cx::store
