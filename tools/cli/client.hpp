// The v3 API over HTTP (cpp-httplib): one call = one request under <url>/api/payments/v3, the
// answer's status and raw body kept (`--json` prints it unchanged). Failures are typed so main
// can map them to exit codes (see exit_codes.hpp).
#pragma once

#include "tools/cli/settings.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace httplib {
class Client;
}

namespace cx::cli {

/// The daemon could not be reached (refused, DNS, TLS, timeout) or the URL is unusable.
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The API answered with an error status; code and message are its errorCode and errorMessage
/// (HTTP_<status> and the raw body when the body is not the v3 error shape).
struct ApiError : std::runtime_error {
  ApiError(int status, std::string code, std::string message)
      : std::runtime_error(code + ": " + message), status(status), code(std::move(code)), message(std::move(message)) {}
  int status;
  std::string code;
  std::string message;
};

/// The API answered 2xx with a body that is not what the command expects.
struct BadResponse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Response {
  int status = 0;
  std::string body;        ///< raw, as received
  boost::json::value json; ///< parsed body (null when empty)
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// One path segment percent-encoded (Boost.URL): an ID given on the command line can neither
/// add path segments ("../") nor a query ("?").
std::string seg(std::string_view id);

/// `path` ("/accounts") with `params` percent-encoded into its query string (Boost.URL).
std::string with_query(std::string_view path, const QueryParams& params);

class Client {
 public:
  /// Throws ConnectionError when settings.url is not an absolute http(s) URL.
  Client(const Settings& settings, int timeout_seconds = 30);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// METHOD /api/payments/v3<path_and_query> with an optional JSON body. Throws ConnectionError,
  /// ApiError (status >= 400) or BadResponse (a 2xx body that is not JSON).
  Response call(const std::string& method, const std::string& path_and_query,
                const std::optional<std::string>& json_body = std::nullopt);

  /// METHOD <url path>`api_path_and_query` ("/api/webhooks/configs") with an optional JSON body and
  /// extra headers (e.g. Idempotency-Key): the other services the daemon serves beside payments v3.
  /// GET, POST, PUT, PATCH or DELETE; same errors as call().
  Response request(const std::string& method, const std::string& api_path_and_query,
                   const std::optional<std::string>& json_body = std::nullopt,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});

  /// The API base, e.g. http://127.0.0.1:8080/api/payments/v3 (for messages).
  const std::string& base() const { return base_; }

 private:
  std::unique_ptr<httplib::Client> http_;
  std::string root_;    ///< the URL's path prefix (no trailing '/')
  std::string prefix_;  ///< root_ + /api/payments/v3
  std::string base_;
  std::string token_;
};

}  // namespace cx::cli
