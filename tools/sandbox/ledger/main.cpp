// connectivity-sandbox ledger: an in-memory Formance Ledger v2 emulator.
//   connectivity-sandbox ledger --listen 127.0.0.1:PORT [--state FILE] [--token T]
//                               [--client-id ID --client-secret S [--token-ttl SECONDS]]
// See tools/sandbox/ledger/README.md.
#include "tools/sandbox/ledger/api.hpp"
#include "tools/sandbox/ledger/http.hpp"
#include "tools/sandbox/ledger/model.hpp"
#include "tools/sandbox/registry.hpp"

#include "host/util/json_bigint.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cx::sandbox::ledger {
namespace {

// Writes the state atomically (temporary file + rename) so a crash never leaves half a file.
void save_state(const World& world, const std::string& path) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << boost::json::serialize(world.dump());
    if (!f) {
      std::fprintf(stderr, "ledger sandbox: cannot write %s\n", tmp.c_str());
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::fprintf(stderr, "ledger sandbox: cannot replace %s: %s\n", path.c_str(), ec.message().c_str());
}

int run(int argc, char** argv) {
  CLI::App app{"Formance Ledger v2 emulator"};
  std::string listen = "127.0.0.1:0", state_file;
  AuthOptions auth;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = any free port, printed at start)");
  app.add_option("--state", state_file, "load the ledgers from this JSON file at start and save them after every change");
  app.add_option("--token", auth.token, "a bearer token every API request must carry");
  app.add_option("--client-id", auth.client_id, "OAuth2 client id accepted by POST /oauth/token (client credentials)");
  app.add_option("--client-secret", auth.client_secret, "its secret");
  app.add_option("--token-ttl", auth.token_ttl_s, "lifetime of issued access tokens, seconds")->check(CLI::Range(1, 86400));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto address = parse_listen(listen);
  if (!address) {
    std::fprintf(stderr, "ledger sandbox: --listen must be HOST:PORT\n");
    return 2;
  }
  if (!auth.client_id.empty() && auth.client_secret.empty()) {
    std::fprintf(stderr, "ledger sandbox: --client-id needs --client-secret\n");
    return 2;
  }

  World world;
  if (!state_file.empty() && std::filesystem::exists(state_file)) {
    std::ifstream f(state_file);
    std::stringstream text;
    text << f.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(text.str(), ec);
    auto err = ec ? std::optional<std::string>("invalid JSON: " + ec.message()) : world.load(v);
    if (err) {
      std::fprintf(stderr, "ledger sandbox: %s: %s\n", state_file.c_str(), err->c_str());
      return 2;
    }
  }
  Api api(world, auth);
  if (!state_file.empty()) api.on_change([&world, state_file] { save_state(world, state_file); });
  HttpServer server([&api](const HttpRequest& req) { return api.handle(req); });
  int port = 0;
  try {
    port = server.bind(address->host, address->port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ledger sandbox: %s\n", e.what());
    return 1;
  }
  std::printf("ledger sandbox listening on http://%s:%d (ledgers %zu%s)\n", address->host.c_str(), port,
              world.ledgers().size(), auth.enabled() ? ", auth on" : "");
  std::fflush(stdout);
  server.run();
  return 0;
}

const Registration registration("ledger", &run);

}  // namespace
}  // namespace cx::sandbox::ledger
