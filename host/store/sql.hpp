// Small helpers the repositories share for binding, reading columns, JSON and sealed values
// (internal to host/store).
#pragma once

#include "host/store/db/driver.hpp"
#include "host/store/common.hpp"
#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store::sql {

/// Binds text (copied), keeping its exact bytes.
void bind_str(db::Statement& s, int i, std::string_view v);
void bind_opt(db::Statement& s, int i, const std::optional<std::string>& v);
void bind_opt(db::Statement& s, int i, const std::optional<int64_t>& v);
void bind_blob(db::Statement& s, int i, const std::vector<uint8_t>& v);

std::string col_str(db::Statement& s, int i);
std::optional<std::string> col_opt_str(db::Statement& s, int i);
std::optional<int64_t> col_opt_int(db::Statement& s, int i);

/// Compact JSON text of metadata / any value, and back. A stored value that does not parse is
/// a StoreError naming `what` (never silently empty).
std::string metadata_json(const Metadata& m);
boost::json::object metadata_object(const Metadata& m);
Metadata metadata_from(std::string_view json, std::string_view what);
std::string json_text(const boost::json::value& v);
boost::json::value json_from(std::string_view json, std::string_view what);

/// Seals an optional value (null stays NULL) into parameter i.
void bind_sealed(WriteTx& tx, db::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where,
                 const std::optional<std::string>& plaintext);
/// Opens the sealed value in column i (NULL → nullopt); DecryptError naming where on failure.
std::optional<std::string> open_opt(Tx& tx, db::Statement& s, int i, const std::string& owner,
                                    const crypto::FieldRef& where);
/// As open_opt, for a NOT NULL column.
std::string open_req(Tx& tx, db::Statement& s, int i, const std::string& owner, const crypto::FieldRef& where);

}  // namespace cx::store::sql
