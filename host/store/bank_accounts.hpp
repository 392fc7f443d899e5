// Bank accounts created through the API (POST /bank-accounts). Name, account number, IBAN and
// SWIFT/BIC are sealed under the bank account's own data key, destroyed with it.
#pragma once

#include "host/store/common.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::store {

struct BankAccountRecord {
  std::string id;    ///< uuid
  std::string name;  ///< sealed
  std::optional<std::string> account_number;  ///< sealed
  std::optional<std::string> iban;            ///< sealed
  std::optional<std::string> swift_bic_code;  ///< sealed
  std::optional<std::string> country;         ///< ISO 3166 alpha-2, clear
  Metadata metadata;
  std::optional<std::string> psu_id;  ///< set when linked to a PSU; cleared when the PSU goes
  int64_t created_at = 0;             ///< UTC ms
};

namespace bank_accounts {
/// Conflict on a taken id; InvalidReference on an unknown psu_id.
void insert(WriteTx& tx, const BankAccountRecord& b);
std::optional<BankAccountRecord> get(Tx& tx, std::string_view id);
/// Filter keys: id ($match, $in), metadata[k] ($match).
Page<BankAccountRecord> list(Tx& tx, const PageQuery& q);
/// Merges metadata. NotFound.
void update_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata);
/// Links to a PSU. NotFound (bank account), InvalidReference (PSU).
void link_psu(WriteTx& tx, std::string_view id, std::string_view psu_id);
/// Deletes the row and its data key. False when absent.
bool remove(WriteTx& tx, std::string_view id);
}  // namespace bank_accounts

}  // namespace cx::store
