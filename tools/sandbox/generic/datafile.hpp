// --data FILE.json: serve a team's own accounts, beneficiaries, balances and transactions
// (exported from any system) instead of the seeded data set. Format: README.md, "Your own data".
#pragma once

#include "tools/sandbox/generic/dataset.hpp"

#include <memory>
#include <string>

namespace cx::sandbox::generic {

/// Reads FILE.json into a new data set. Items are served verbatim (so malformed values reach
/// the connector, which is the point of trying it on real data); only the structure is checked:
/// a top-level object, arrays of objects, each with a non-empty string "id" (balances: "accountID").
/// The clock starts at "now" when given, else at the latest timestamp in the file.
/// Throws std::runtime_error naming the file, the list and the index of the first problem.
std::unique_ptr<Dataset> load_data_file(const std::string& path);

/// Applies {"accounts"?, "beneficiaries"?, "transactions"?, "balances"?} to a data set (upsert by
/// id), as the console's POST /sandbox/console/items does. Throws std::runtime_error on a
/// structural problem, before changing anything.
void apply_items(Dataset& data, const boost::json::value& doc, const std::string& origin);

}  // namespace cx::sandbox::generic
