// bench_api_static PORT BODY_FILE — the API's HTTP server (cx::api::HttpServer, default options:
// the daemon's transport, workers and limits) with one authenticated route, GET /static, that
// answers the bytes of BODY_FILE as pre-rendered JSON. tools/bench/api*/run serve a real page's
// bytes with it: the ratio of the real route to this one is what the route itself costs (store
// read, rendering), the transport's cost being the same on both sides. Token:
// CONNECTIVITY_API_TOKEN. Runs until SIGTERM/SIGINT.
#include "host/api/api.hpp"
#include "host/api/http_server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_api_static PORT BODY_FILE\n");
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const char* token = std::getenv("CONNECTIVITY_API_TOKEN");
  if (!in.good() && !in.eof()) return 1;
  cx::api::Api api(cx::api::Authenticator({token ? token : ""}), nullptr);
  api.add("GET", "/static", cx::api::Access::Private,
          [&body](const cx::api::RouteContext&) { return cx::api::json_response(200, body); });
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  cx::api::ServerOptions o;
  o.port = std::atoi(argv[1]);
  cx::api::HttpServer server(api, o);
  server.start();
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  return 0;
}
