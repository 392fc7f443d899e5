// plaid/client.hpp — Plaid API calls through the host's HTTP service (docs/providers/plaid.md §1,
// §2.3): every endpoint is POST with a JSON body, credentials in PLAID-CLIENT-ID / PLAID-SECRET,
// version pinned by Plaid-Version: 2020-09-14; errors come back as a PlaidError body.
#pragma once

#include "config.hpp"

#include <connectivity/connector.hpp>

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace cx::plaid {

/// API version every request pins (plaid-openapi 2020-09-14.yml).
inline constexpr const char* kPlaidVersion = "2020-09-14";
/// Per-request timeout, ms (Formance's Plaid client uses 10 s).
inline constexpr int64_t kRequestTimeoutMs = 10000;

/// A non-2xx Plaid answer, classified by cx::classify (connectivity/http.hpp), and also
/// RATE_LIMIT_EXCEEDED -> RATE_LIMITED and INVALID_API_KEYS -> AUTH whatever the status. The
/// message carries Plaid's error_type/error_code and error_message.
class PlaidError : public cx::Failure {
 public:
  PlaidError(int32_t code, std::string message, int http_status, std::string error_type, std::string error_code,
             int64_t retry_after_ms)
      : cx::Failure(code, std::move(message), {}, retry_after_ms),
        http_status_(http_status),
        error_type_(std::move(error_type)),
        error_code_(std::move(error_code)) {}
  int http_status() const noexcept { return http_status_; }
  const std::string& error_type() const noexcept { return error_type_; }
  const std::string& error_code() const noexcept { return error_code_; }

 private:
  int http_status_;
  std::string error_type_;
  std::string error_code_;
};

/// Builds the PlaidError for one non-2xx response; now_ms (UTC) dates a Retry-After HTTP-date.
PlaidError classify_error(const cx::HttpResponse& resp, int64_t now_ms);

class Client {
 public:
  /// `host` must outlive the client (it is the connector's own host).
  Client(const cx::Host& host, Config config) : host_(host), config_(std::move(config)) {}

  /// POSTs `body` to {base_url}{path} and returns the 2xx JSON object.
  /// Throws PlaidError on a non-2xx status, cx::Failure(UPSTREAM) on an unreadable 2xx body, and
  /// the host's failure when no response arrived.
  boost::json::object post(std::string_view path, const boost::json::object& body,
                           const cx::Call* call = nullptr) const;

  const Config& config() const { return config_; }

 private:
  const cx::Host& host_;
  Config config_;
};

}  // namespace cx::plaid
