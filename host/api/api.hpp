// The API dispatcher: route table + authentication + error rendering + request metrics, as a
// pure function from ApiRequest to ApiResponse (the HTTP adapter and the tests both call it).
// Error mapping, so that a client mistake is never a 500:
//   ApiError → its status/code; QuerySyntaxError, PageRequestError, store::QueryError,
//   store::InvalidReference → 400 VALIDATION; store::NotFound → 404 NOT_FOUND; store::Conflict →
//   400 CONFLICT; anything else → 500 INTERNAL with the fixed message (details logged).
#pragma once

#include "host/api/auth.hpp"
#include "host/api/http_types.hpp"
#include "host/api/metrics.hpp"
#include "host/api/router.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace cx::api {

/// Base path of every v3 route.
inline constexpr std::string_view kBasePath = "/api/payments/v3";

class Api {
 public:
  Api(Authenticator auth, std::shared_ptr<Metrics> metrics);

  /// Adds a route under the absolute pattern (callers prefix kBasePath themselves), accepting
  /// bodies up to `max_body` bytes.
  void add(std::string method, std::string pattern, Access access, Handler handler, size_t max_body = kMaxBodyBytes);

  /// The largest body the route for method + raw path accepts (kMaxBodyBytes when none matches).
  size_t body_limit(std::string_view method, std::string_view raw_path) const;

  /// Authentication, before routing and before the body is read: 400 for more than one
  /// Authorization header; 401 when the route is private, or unknown under /api, and the
  /// token is missing or invalid. nullopt: the request may proceed.
  std::optional<ApiResponse> check_access(std::string_view method, std::string_view raw_path,
                                          std::span<const std::string_view> authorization) const;

  /// Answers one request (check_access first); never throws.
  ApiResponse handle(const ApiRequest& req) const;

  /// Replaces the accepted tokens (SIGHUP re-reads the tokens file); thread-safe: a request
  /// being checked uses either the old set or the new one, whole.
  void set_authenticator(Authenticator auth);

  Metrics& metrics() const { return *metrics_; }
  const Router& router() const { return router_; }

 private:
  ApiResponse dispatch(const ApiRequest& req, std::string& route_label) const;

  Router router_;
  std::atomic<std::shared_ptr<const Authenticator>> auth_;
  std::shared_ptr<Metrics> metrics_;
};

/// Renders the current exception (call inside a catch block) as an error response.
ApiResponse error_response_from_current_exception(const ApiRequest& req);

/// An error response with that status, code and message.
ApiResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace cx::api
