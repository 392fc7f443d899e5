// Rewrites a draft 2020-12 op schema into the subset valijson 1.0 applies as 2020-12 does:
//  - "$ref" with sibling keywords: valijson follows the $ref and ignores its siblings (draft-7
//    rule), so {"$ref": R, k: v…} becomes {"allOf": [{"$ref": R}, {k: v…}]}, which 2020-12
//    defines as equivalent (Core §8.2.3.1, §10.2.1.1);
//  - "common.json#/$defs/X" becomes "#/$defs/X" with common.json's $defs merged into the op
//    schema, and "other.json#/p" becomes "#/$defs/other.json/p" with that file embedded: valijson resolves a relative document reference at the root against the current
//    document, and keys its schema cache by pointer without the document, so one self-contained
//    document per op avoids both;
//  - "format" is dropped: an annotation in 2020-12 unless a format-assertion vocabulary is
//    declared (Validation §7.2), and valijson would enforce it with a regex compiled per value;
//  - "pattern" applies only to strings of at most kMaxPatternInput characters and longer ones
//    fail: valijson 1.0 matches with std::regex, whose libstdc++ matcher recurses once per
//    character (GCC bug 86164) and overflows the stack on a long hostile string;
//  - keywords valijson 1.0 does not know ("prefixItems", "unevaluated*", "dependentSchemas",
//    "$dynamicRef", "$anchor", "$id", …) are refused instead of silently ignored.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace cx::schema {

/// Longest string a "pattern" is matched against; longer ones violate the schema. Every patterned
/// value of sdk/schemas (timestamps, assets, amounts, header names) is far shorter.
inline constexpr int64_t kMaxPatternInput = 1024;

/// The self-contained, rewritten form of documents[name]: common.json's $defs are merged into
/// its $defs, and every other file it references ("create_user_link.request.json#…") is embedded
/// as "$defs/<file>". Throws std::runtime_error naming the schema and the JSON pointer of what it
/// cannot express.
boost::json::value normalize(const std::map<std::string, boost::json::value>& documents, const std::string& name);

}  // namespace cx::schema
