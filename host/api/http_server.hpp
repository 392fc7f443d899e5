// The HTTP/1.1 transport: Boost.Beast on Asio, answering every method and path through
// Api::handle.
//
// One I/O thread runs every connection as a chain of asynchronous reads and writes: a connection
// reading a request head or body, or idle between two requests, holds no thread, so any number
// of slow or idle clients (up to the connection caps) never delays the others. A complete
// request goes to a pool of worker threads (handlers block on the store and on plugins); its
// answer is written back by the I/O thread, and the connection then reads its next request, so
// pipelined requests (RFC 9112 §9.3.2) are answered one by one, in order.
//
// Limits, each answered with the API's JSON error shape and the connection closed:
//   * the request head must arrive whole within head_timeout_ms of its first byte, and be at
//     most max_head_bytes (431); the body within body_timeout_ms after the head (408);
//   * the framing rules of http_request.hpp (400);
//   * a body over the route's limit (Api::body_limit) gets 413 without being buffered;
//   * past max_connections open connections, or max_connections_per_peer from one address, a
//     new connection gets 503 and is closed before anything of it is read.
// Every response is application/json except /metrics (Prometheus text).
#pragma once

#include "host/api/api.hpp"

#include <memory>
#include <string>
#include <thread>

namespace cx::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;   ///< 0 = an ephemeral port (see HttpServer::port())
  /// Worker threads: requests handled at once (connections reading or idle hold none).
  /// <= 0: twice the cores, at least 4; more only time-slice the cores between pages in progress
  /// and stretch every one of them (tools/bench/README.md, API under load).
  int threads = 0;
  int head_timeout_ms = 10'000;   ///< from a request's first byte to the end of its head
  int body_timeout_ms = 60'000;   ///< from the end of the head to the end of the body; also bounds writing an answer
  int keep_alive_ms = 5'000;      ///< an idle connection is closed after this long without a new request
  int keep_alive_max_requests = 1000;  ///< requests served on one connection before it closes
  int max_connections = 1000;          ///< open connections in total
  int max_connections_per_peer = 256;  ///< open connections from one IP address
  int max_head_bytes = 64 * 1024;      ///< request line + header fields
};

class HttpServer {
 public:
  HttpServer(const Api& api, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds the listening socket; throws std::runtime_error naming host:port on failure.
  void bind();
  /// The bound port (after bind()).
  int port() const { return port_; }
  /// Serves on a background thread (binds first if needed).
  void start();
  /// Serves on the calling thread until stop() (binds first if needed).
  void run();
  /// Stops accepting, closes connections that are not inside a request, lets the requests being
  /// handled finish and answer, then returns (joins the background thread).
  void stop();
  /// Connections open now (tests and metrics).
  int open_connections() const;

  class Impl;  ///< defined in http_server.cpp

 private:
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace cx::api
