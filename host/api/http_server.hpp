// The HTTP transport: cpp-httplib's server (Debian 0.11.4) with a thread pool, answering every
// method and path through Api::handle.
//
// cpp-httplib 0.11 never reads the body of a GET, but the v3 list routes take their filter from
// it. The server therefore runs its own keep-alive loop (process_and_close_socket, a virtual of
// httplib::Server) around httplib's request processing and, in the pre-routing setup hook, reads
// a GET/HEAD body of Content-Length bytes from the same stream. A GET body over 1 MiB gets 413 (it
// is drained up to 16 MiB so the client reads the answer; beyond that the connection closes) and
// a chunked GET body 400 with the connection closed.
// That loop also parks a connection idle between two requests off its worker (idle_connections.hpp)
// as soon as another connection waits for one, so idle keep-alive clients never stall the rest.
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
  /// Worker threads: requests served at once (connections idle between requests hold none).
  /// <= 0: twice the cores, at least 4; more only time-slice the cores between pages in progress
  /// and stretch every one of them (tools/bench/README.md, API under load).
  int threads = 0;
  int read_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  int keep_alive_max_requests = 1000;  ///< requests served on one connection before it closes
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
  /// Stops accepting, finishes in-flight requests, joins the background thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  ServerOptions options_;
  int port_ = 0;
  bool bound_ = false;
  std::thread thread_;
};

}  // namespace cx::api
