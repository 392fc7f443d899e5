// The fixture set of one connector: the ops to drive and the recorded provider answers
// (format: sdk/conformance/README.md).
#pragma once

#include <connectivity/connector.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cx::conformance {

/// One recorded exchange: what request it answers, and the answer.
struct Exchange {
  std::string method;                       ///< empty = any
  std::string url;                          ///< scheme://host[:port]/path, without the query
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded pairs that must be present
  std::optional<boost::json::value> body_json;              ///< JSON the request body must contain
  std::string body_contains;                                ///< text the request body must contain
  HttpResponse response;
};

/// One op to drive: its first request, and where its parent's first item goes.
struct OpSpec {
  std::string op;                 ///< "fetch_accounts"
  boost::json::object request;    ///< {"state": null, "fromPayload": …, "pageSize": n}
  std::string parent;             ///< op whose first output item feeds this one ("" = none)
  std::string into = "fromPayload";  ///< dotted path in request that receives the parent item
};

struct Fixtures {
  std::vector<OpSpec> ops;
  std::vector<Exchange> http;
  std::optional<int64_t> now_ms;  ///< fixed clock; the real clock when absent
};

/// Loads DIR/fixtures.json. Throws std::runtime_error naming the file and the bad field.
Fixtures load_fixtures(const std::string& dir);

/// The first exchange answering req, or nullptr.
const Exchange* match(const std::vector<Exchange>& http, const HttpRequest& req);

/// True when `have` contains everything in `want` (objects by key, recursively; else equality).
bool json_contains(const boost::json::value& have, const boost::json::value& want);

}  // namespace cx::conformance
