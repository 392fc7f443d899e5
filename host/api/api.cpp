#include "host/api/api.hpp"

#include "host/api/cursor.hpp"
#include "host/api/errors.hpp"
#include "host/api/query_parser.hpp"
#include "host/store/errors.hpp"
#include "host/util/log.hpp"

#include <strings.h>

#include <chrono>

namespace cx::api {

ApiResponse error_response(int status, std::string_view code, std::string_view message) {
  return json_response(status, error_body(code, message));
}

ApiResponse error_response_from_current_exception(const ApiRequest& req) {
  try {
    throw;
  } catch (const ApiError& e) {
    if (e.status >= 500) util::log().warn("{} {}: {} {}", req.method, req.path, e.status, e.what());
    return error_response(e.status, e.code, e.what());
  } catch (const QuerySyntaxError& e) {
    return error_response(400, code::kValidation, e.what());
  } catch (const PageRequestError& e) {
    return error_response(400, code::kValidation, e.what());
  } catch (const store::QueryError& e) {
    return error_response(400, code::kValidation, e.what());
  } catch (const store::NotFound& e) {
    return error_response(404, code::kNotFound, e.what());
  } catch (const store::Conflict& e) {
    return error_response(400, code::kConflict, e.what());
  } catch (const store::InvalidReference& e) {
    return error_response(400, code::kValidation, e.what());
  } catch (const std::exception& e) {
    util::log().error("{} {}: unhandled error: {}", req.method, req.path, e.what());
  } catch (...) {
    util::log().error("{} {}: unhandled non-standard exception", req.method, req.path);
  }
  return error_response(500, code::kInternal, kInternalMessage);
}

Api::Api(Authenticator auth, std::shared_ptr<Metrics> metrics)
    : auth_(std::make_shared<const Authenticator>(std::move(auth))),
      metrics_(metrics ? std::move(metrics) : std::make_shared<Metrics>()) {}

void Api::set_authenticator(Authenticator auth) { auth_.store(std::make_shared<const Authenticator>(std::move(auth))); }

void Api::add(std::string method, std::string pattern, Access access, Handler handler, size_t max_body) {
  router_.add(std::move(method), std::move(pattern), access, std::move(handler), max_body);
}

size_t Api::body_limit(std::string_view method, std::string_view raw_path) const {
  auto m = router_.match(method, raw_path);
  return m.outcome == Router::Outcome::Matched ? m.route->max_body : kMaxBodyBytes;
}

namespace {

bool under_api(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

}  // namespace

std::optional<ApiResponse> Api::check_access(std::string_view method, std::string_view raw_path,
                                             std::span<const std::string_view> authorization) const {
  // Two credentials leave it to chance which one is checked (RFC 9110 §5.3: a field that is not a
  // list must not repeat).
  if (authorization.size() > 1) return error_response(400, code::kValidation, "more than one Authorization header");
  auto m = router_.match(method, raw_path);
  bool matched = m.outcome == Router::Outcome::Matched;
  // Under /api only the public routes answer without a token, so a client without one learns
  // nothing of the routes (no 404/405/413 before the 401).
  bool needs_token = matched ? m.route->access == Access::Private : under_api(raw_path);
  auto token = authorization.empty() ? std::nullopt : std::optional<std::string_view>(authorization.front());
  if (needs_token && !auth_.load()->check(token)) {
    auto r = error_response(401, code::kUnauthorized, "missing or invalid bearer token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return std::nullopt;
}

ApiResponse Api::dispatch(const ApiRequest& req, std::string& route_label) const {
  std::vector<std::string_view> authorization;
  for (const auto& [k, v] : req.headers)
    if (k.size() == 13 && ::strncasecmp(k.data(), "Authorization", 13) == 0) authorization.push_back(v);
  if (auto refused = check_access(req.method, req.path, authorization)) return std::move(*refused);
  auto m = router_.match(req.method, req.path);
  bool matched = m.outcome == Router::Outcome::Matched;
  size_t limit = matched ? m.route->max_body : kMaxBodyBytes;
  if (req.body.size() > limit)
    return error_response(413, code::kMissingOrInvalidBody, "request body exceeds " + std::to_string(limit) + " bytes");
  if (m.outcome == Router::Outcome::NotFound)
    return error_response(404, code::kNotFound, "no route for " + req.method + " " + req.path);
  if (m.outcome == Router::Outcome::MethodNotAllowed)
    return error_response(405, code::kValidation, "method " + req.method + " is not allowed on " + req.path);
  route_label = m.route->pattern;
  RouteContext ctx{req, std::move(m.params), std::move(m.rest)};
  try {
    return m.route->handler(ctx);
  } catch (...) {
    return error_response_from_current_exception(req);
  }
}

ApiResponse Api::handle(const ApiRequest& req) const {
  auto t0 = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  ApiResponse res;
  try {
    res = dispatch(req, route);
  } catch (...) {
    res = error_response_from_current_exception(req);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_->record_request(route, req.method, res.status, seconds);
  return res;
}

}  // namespace cx::api
