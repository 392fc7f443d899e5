// The filter language of Formance Ledger v2 for accounts and aggregated balances
// (docs/ledger/ledger-v2-subset.md §4): a JSON object such as
//   {"$and": [{"$match": {"address": "users:"}}, {"$match": {"metadata[kind]": "psp"}}]}
#pragma once

#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cx::sandbox::ledger {

/// What a filter sees of an account: its address and its metadata (as of the query's pit).
struct AccountView {
  const std::string& address;
  const std::map<std::string, std::string>& metadata;
};

class Filter {
 public:
  /// Parses a filter; an empty object (or null) matches every account. On an unknown key or
  /// operator, or a value of the wrong type, returns the ledger's VALIDATION message.
  static std::variant<Filter, std::string> parse(const boost::json::value& query);

  bool matches(const AccountView& account) const;
  bool empty() const { return !node_; }

  struct Node;

 private:
  std::shared_ptr<const Node> node_;
};

/// Address pattern of `$match: {"address": …}`: an exact address, or a pattern where an empty
/// segment matches any one segment ("users:" = users:X, ":main" = X:main, both of exactly 2
/// segments) and a last segment "..." matches one or more trailing segments ("users:..." =
/// users:X, users:X:Y, …).
bool address_matches(const std::string& pattern, const std::string& address);

}  // namespace cx::sandbox::ledger
