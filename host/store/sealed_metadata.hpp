// Metadata at rest: values are personal data until their key declares otherwise. A key that
// starts with "public." (kPublicPrefix) is declared non-personal by whoever wrote it (a connector,
// an API client) and stays clear JSON in the row's `metadata` column; every other key/value pair
// is sealed as one JSON object in `metadata_sealed` under the row's data key, with (table,
// "metadata", row) as associated data. Equality filters on sealed keys go through the row's
// `metadata_index` column: the concatenated 16-byte keyed blind index entries of its pairs,
// HMAC(domain "metadata.<table>", key ‖ 0x00 ‖ value), so `metadata[k] $match v` is a byte search
// in each row (a scan, as json_each over clear metadata was) and the disk holds neither the value
// nor v. One column rather than a row per pair: an index table made payment ingest 5× slower
// (tools/bench/store). Internal to host/store.
#pragma once

#include "host/store/db/driver.hpp"
#include "host/store/common.hpp"
#include "host/store/tx.hpp"


#include <string>
#include <string_view>
#include <vector>

namespace cx::store::sealed_metadata {

inline constexpr std::string_view kPublicPrefix = "public.";

/// True when `key` is declared non-personal (stored and filtered in clear).
bool is_public(std::string_view key);
/// The public pairs only (what event payloads may carry).
Metadata public_part(const Metadata& m);
/// The blind index entry of one pair of `table`'s metadata.
std::vector<uint8_t> index_entry(const crypto::BlindIndex& blind, std::string_view table, std::string_view key,
                                 std::string_view value);

/// Binds the clear JSON of the public pairs at `clear_i` and the sealed JSON of the others (NULL
/// when none) at `sealed_i`.
void bind(WriteTx& tx, db::Statement& s, int clear_i, int sealed_i, const std::string& owner,
          const crypto::FieldRef& where, const Metadata& m);
/// Both columns merged back; StoreError / DecryptError naming `where` when a column is damaged.
Metadata read(Tx& tx, db::Statement& s, int clear_i, int sealed_i, const std::string& owner,
              const crypto::FieldRef& where);
/// The metadata_index value of m (empty when m has no sealed pair: store NULL).
std::vector<uint8_t> index_entries(WriteTx& tx, std::string_view table, const Metadata& m);
/// Sets the row's metadata_index to the entries of m's sealed pairs (nothing to do when none).
void reindex(WriteTx& tx, std::string_view table, std::string_view row, const Metadata& m);

}  // namespace cx::store::sealed_metadata
