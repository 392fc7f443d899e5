// The route table. Patterns are '/'-separated: literal segments, "{name}" parameters and a final
// "*" that takes the rest of the path. A request path is split on '/' first and each parameter is
// percent-decoded afterwards, so "%2F" inside an ID never splits it. When several routes match a
// path, the one whose earliest differing segment is literal wins ("/connectors/capabilities" over
// "/connectors/{connectorID}").
#pragma once

#include "host/api/http_types.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::api {

/// Private routes need the bearer token; public ones (webhooks, redirect) do not.
enum class Access { Private, Public };

/// What a handler receives: the request, its decoded path parameters, and for "*" routes the
/// raw remainder of the path (starting with '/' or empty).
struct RouteContext {
  const ApiRequest& request;
  std::map<std::string, std::string, std::less<>> params;
  std::string rest;

  /// The decoded parameter (the route guarantees it exists).
  const std::string& param(std::string_view name) const;
};

using Handler = std::function<ApiResponse(const RouteContext&)>;

struct Route {
  std::string method;   ///< "GET"…, or "*" for any method
  std::string pattern;  ///< also the route's metrics label
  Access access = Access::Private;
  Handler handler;
  std::vector<std::string> segments;  ///< pattern split on '/'
  size_t max_body = kMaxBodyBytes;    ///< larger request bodies are refused with 413
};

class Router {
 public:
  /// Registers a route accepting bodies up to `max_body` bytes. Throws std::invalid_argument for
  /// a malformed pattern.
  void add(std::string method, std::string pattern, Access access, Handler handler, size_t max_body = kMaxBodyBytes);

  enum class Outcome { Matched, NotFound, MethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::NotFound;
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    std::string rest;
  };
  /// Finds the route for method + raw path. GET routes also answer HEAD.
  Match match(std::string_view method, std::string_view raw_path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

/// Percent-decodes one path segment ("+" stays "+"; a malformed escape leaves it as received).
std::string decode_segment(std::string_view raw);

}  // namespace cx::api
