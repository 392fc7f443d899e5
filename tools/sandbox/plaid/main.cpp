// `connectivity-sandbox plaid --listen 127.0.0.1:PORT --seed N`: a local Plaid (API, Hosted
// Link, signed webhooks, /sandbox/console). See README.md in this folder.
#include "render.hpp"
#include "sandbox.hpp"
#include "tools/sandbox/registry.hpp"

#include <CLI/CLI.hpp>
#include <connectivity/time.hpp>

#include <csignal>
#include <iostream>

namespace cx::sandbox::plaid {
namespace {

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

int run(int argc, char** argv) {
  CLI::App app{"Local Plaid emulator: API, Hosted Link, signed webhooks and /sandbox/console"};
  std::string listen = "127.0.0.1:8092", faults_text, start;
  Options opts;
  app.add_option("--listen", listen, "HOST:PORT to serve on")->capture_default_str();
  app.add_option("--seed", opts.seed, "seed of ids, keys and generated data")->capture_default_str();
  app.add_option("--public-url", opts.public_url, "base URL of hosted_link_url (default http://LISTEN)");
  app.add_option("--client-id", opts.client_id, "accepted client_id (default: any)");
  app.add_option("--secret", opts.secret, "accepted secret (default: any)");
  app.add_option("--history-days", opts.history_days, "days of history of a new Item")->capture_default_str();
  app.add_option("--webhook-delay-ms", opts.webhook_delay_ms, "delay of HISTORICAL_UPDATE after the exchange")->capture_default_str();
  app.add_option("--start", start, "emulated now, RFC 3339 (default: the real time)");
  app.add_option("--faults", faults_text, "initial faults as JSON, e.g. {\"rate429\":0.1}");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto address = cx::sandbox::parse_listen(listen);
  if (!address) {
    std::cerr << "plaid sandbox: --listen must be HOST:PORT\n";
    return 2;
  }
  const std::string host = address->host;
  const int port = address->port;
  if (opts.public_url.empty()) opts.public_url = "http://" + listen;
  while (!opts.public_url.empty() && opts.public_url.back() == '/') opts.public_url.pop_back();

  Sandbox sb(opts);
  if (!start.empty()) {
    auto ms = cx::time::parse_rfc3339(start);
    if (!ms) {
      std::cerr << "plaid sandbox: --start must be RFC 3339\n";
      return 2;
    }
    sb.clock.set(*ms);
  }
  if (!faults_text.empty()) {
    try {
      sb.faults.set(parse_faults(boost::json::parse(faults_text).as_object()));
    } catch (const std::exception& e) {
      std::cerr << "plaid sandbox: --faults: " << e.what() << "\n";
      return 2;
    }
  }

  httplib::Server server;
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status != 404 && res.status != 405) return httplib::Server::HandlerResponse::Unhandled;
    send_json(res, res.status, error_body(PlaidErr{res.status, "INVALID_REQUEST", "UNKNOWN_FIELDS",
                                                   "no such endpoint or method; Plaid endpoints are POST", std::nullopt}, ""));
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_json(res, 500, error_body(PlaidErr{500, "API_ERROR", "INTERNAL_SERVER_ERROR", what, std::nullopt}, ""));
  });
  register_api(server, sb);
  register_hosted_link(server, sb);
  register_console(server, sb);

  if (!server.bind_to_port(host, port)) {
    std::cerr << "plaid sandbox: cannot listen on " << listen << "\n";
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "plaid sandbox listening on http://" << listen << " (seed " << opts.seed << ", webhook key "
            << sb.signer.current_kid() << ")" << std::endl;
  server.listen_after_bind();
  g_server = nullptr;
  return 0;
}

Registration reg("plaid", &run);

}  // namespace
}  // namespace cx::sandbox::plaid
