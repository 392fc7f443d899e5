// A small blocking HTTP/1.1 server over Boost.Beast for the ledger emulator: one thread per
// connection, keep-alive. cpp-httplib (the other sandboxes' server) does not read the body of a
// GET, and Formance Ledger v2 takes the filter of GET …/aggregate/balances and GET …/accounts in
// the request body (docs/ledger/ledger-v2-subset.md §3), so this emulator needs a server that does.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cx::sandbox::ledger {

struct HttpRequest {
  std::string method;
  std::string path;                                      ///< percent-decoded, without the query
  std::map<std::string, std::vector<std::string>> query;  ///< decoded; a repeated name keeps every value
  std::map<std::string, std::string> headers;              ///< lower-case names
  std::string body;

  /// The first value of query parameter `name`, nullopt when absent.
  std::optional<std::string> param(const std::string& name) const;
  /// Header value by lower-case name, "" when absent.
  std::string header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;  ///< JSON unless content_type says otherwise; empty for 204
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  explicit HttpServer(HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds host:port (port 0: any free port); returns the bound port. Throws std::runtime_error.
  int bind(const std::string& host, int port);
  /// Accepts and serves connections on the calling thread until stop().
  void run();
  /// Serves on a background thread (tests).
  void start();
  /// Stops accepting, closes every connection, joins the threads.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cx::sandbox::ledger
