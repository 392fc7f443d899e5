// `connectivity-sandbox powens --listen 127.0.0.1:PORT --seed N [--transactions-per-account N]
// [--accounts-per-connection N] [--webhook-max-transactions K] [--webhook-senders N]`:
// a local Powens (API, webview, signed webhooks, console). See README.md in this folder.
#include "clock.hpp"
#include "sandbox.hpp"
#include "tools/sandbox/registry.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

namespace cx::sandbox::powens {
namespace {

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

int run(int argc, char** argv) {
  CLI::App app{"Local Powens emulator: API /2.0, webview, signed webhooks and /sandbox/console"};
  std::string listen = "127.0.0.1:8091", start_date, faults_json_text;
  uint64_t seed = 1;
  int per_account = -1;
  Credentials creds;
  std::vector<std::string> hooks;
  ScaleOptions scale;
  app.add_option("--listen", listen, "HOST:PORT to serve on")->capture_default_str();
  app.add_option("--seed", seed, "seed of the generated data")->capture_default_str();
  app.add_option("--transactions-per-account", per_account, "history rows per account (default: per account type)");
  app.add_option("--accounts-per-connection", scale.accounts_per_connection,
                 "accounts per new connection (default: the bank's own list)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--webhook-max-transactions", scale.webhook_max_transactions,
                 "split a sync into CONNECTION_SYNCED deliveries of at most K rows (default: one delivery)")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--webhook-senders", scale.webhook_senders, "webhook sender threads (default 1: in order)")
      ->check(CLI::Range(1, 64));
  app.add_option("--start-date", start_date, "emulated today, YYYY-MM-DD (default: the real date)");
  app.add_option("--client-id", creds.client_id, "accepted client_id")->capture_default_str();
  app.add_option("--client-secret", creds.client_secret, "accepted client_secret")->capture_default_str();
  app.add_option("--configuration-token", creds.configuration_token, "accepted configuration token")->capture_default_str();
  app.add_option("--faults", faults_json_text, "initial faults as JSON, e.g. {\"rate429\":0.1}");
  app.add_option("--webhook", hooks, "EVENT=URL webhook registration (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto address = cx::sandbox::parse_listen(listen);
  if (!address) {
    std::cerr << "powens sandbox: --listen must be HOST:PORT\n";
    return 2;
  }
  const std::string host = address->host;
  const int port = address->port;

  use_paris_time();
  int64_t start = wall_now();
  if (!start_date.empty()) {
    auto t = parse_paris(start_date + " 10:00:00");
    if (!t) {
      std::cerr << "powens sandbox: --start-date must be YYYY-MM-DD\n";
      return 2;
    }
    start = *t;
  }

  Sandbox sb(seed, per_account, start, creds, scale);
  if (!faults_json_text.empty()) {
    try {
      auto v = boost::json::parse(faults_json_text);
      sb.faults.set(parse_faults(v.as_object()));
    } catch (const std::exception& e) {
      std::cerr << "powens sandbox: --faults: " << e.what() << "\n";
      return 2;
    }
  }
  for (auto& h : hooks) {
    size_t eq = h.find('=');
    if (eq == std::string::npos) {
      std::cerr << "powens sandbox: --webhook takes EVENT=URL\n";
      return 2;
    }
    sb.world.webhook_urls[h.substr(0, eq)] = h.substr(eq + 1);
  }

  httplib::Server server;
  server.set_error_handler(httplib::Server::HandlerWithResponse([&sb](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) powens_error(sb, res, 404, "notFound", "No such endpoint");
    else if (res.status == 405) powens_error(sb, res, 405, "methodNotAllowed", "Method not allowed");
    else if (res.status >= 400) powens_error(sb, res, res.status, "badRequest", "The request could not be read (a POST needs a Content-Length)");
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([&sb](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    powens_error(sb, res, 500, "bug", what);
  });
  register_api(server, sb);
  register_webview(server, sb);
  register_console(server, sb);

  if (!server.bind_to_port(host, port)) {
    std::cerr << "powens sandbox: cannot listen on " << listen << "\n";
    return 1;
  }
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "powens sandbox listening on http://" << listen << " (seed " << seed << ", today "
            << paris_date(start) << ", client_id " << creds.client_id << ")" << std::endl;
  server.listen_after_bind();
  g_server = nullptr;
  return 0;
}

Registration reg("powens", &run);

}  // namespace
}  // namespace cx::sandbox::powens
