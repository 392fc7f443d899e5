// connectivity-sandbox generic: a reference integration service for the generic connector.
//   connectivity-sandbox generic --listen 127.0.0.1:PORT --api-key K --seed N
//                                [--transactions N] [--accounts N] [--data FILE.json]
// See tools/sandbox/generic/README.md.
#include "tools/sandbox/generic/api.hpp"
#include "tools/sandbox/generic/console.hpp"
#include "tools/sandbox/generic/datafile.hpp"
#include "tools/sandbox/generic/seed.hpp"
#include "tools/sandbox/registry.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

namespace cx::sandbox::generic {
namespace {

int run(int argc, char** argv) {
  CLI::App app{"Reference generic-connector integration service"};
  std::string listen = "127.0.0.1:0";
  std::string api_key = "generic-sandbox-key";
  uint64_t seed = 1;
  size_t transactions = 2500;
  size_t accounts = Generator::kDefaultAccounts;
  std::string data_file;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = any free port, printed at start)");
  app.add_option("--api-key", api_key, "the key clients must send as Authorization: Bearer <key>");
  app.add_option("--seed", seed, "seed of the generated data set");
  app.add_option("--transactions", transactions, "transactions in the generated history")->check(CLI::Range(1, 1'000'000));
  app.add_option("--accounts", accounts, "accounts in the generated data set (6 kinds, repeated)")->check(CLI::Range(6, 50));
  app.add_option("--data", data_file, "serve this JSON file's data instead of generated data")->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto address = cx::sandbox::parse_listen(listen);
  if (!address || api_key.empty()) {
    std::fprintf(stderr, "generic sandbox: --listen must be HOST:PORT and --api-key non-empty\n");
    return 2;
  }
  std::string host = address->host;
  int port = address->port;

  std::unique_ptr<Dataset> data;
  std::unique_ptr<Generator> generator;
  try {
    if (!data_file.empty()) {
      data = load_data_file(data_file);
    } else {
      data = std::make_unique<Dataset>(kSeedClockMs);
      generator = std::make_unique<Generator>(seed, transactions, accounts);
      generator->populate(*data);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "generic sandbox: %s\n", e.what());
    return 2;
  }

  Faults faults(seed);
  Api api(*data, faults, api_key);
  Console console(*data, faults, generator.get());
  httplib::Server server;
  api.mount(server);
  console.mount(server);
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty())
      send_error(res, res.status, res.status == 404 ? "Not Found" : "Error", "no route for " + req.method + " " + req.path);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(res, 500, "Internal Server Error", what);
  });

  int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "generic sandbox: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("generic sandbox listening on http://%s:%d (accounts %zu, beneficiaries %zu, transactions %zu, %s)\n",
              host.c_str(), bound, data->size(List::Accounts), data->size(List::Beneficiaries),
              data->size(List::Transactions), data_file.empty() ? ("seed " + std::to_string(seed)).c_str() : data_file.c_str());
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}

const Registration registration("generic", &run);

}  // namespace
}  // namespace cx::sandbox::generic
