// connectivity — the operator's command line for a Connectivity daemon. It speaks only the v3
// HTTP API (docs/api/formance-v3.md), so it works against any node, local or remote:
//   connectivity [--url URL] [--token-file FILE] [--json] [--wide] [--utc] <resource> <verb> …
// Exit status: tools/cli/exit_codes.hpp.
#include "tools/cli/commands.hpp"
#include "tools/cli/exit_codes.hpp"
#include "tools/cli/help_format.hpp"

#include <iostream>

using namespace cx::cli;

int main(int argc, char** argv) {
  Context ctx;
  CLI::App app{"connectivity: operate a Connectivity daemon (connectors, PSUs, accounts, payments) through its v3 HTTP API"};
  app.name("connectivity");
  app.fallthrough();  // global options are accepted after the verb too
  app.require_subcommand(1);
  app.footer(common_help_sections());
  app.formatter(man_formatter());
  app.get_formatter()->column_width(34);
  std::string url, token_file, config;
  app.add_option("--url", url, "daemon base URL (else CONNECTIVITY_URL, the config file, http://127.0.0.1:8080)");
  app.add_option("--token-file", token_file, "file holding the API token (else CONNECTIVITY_API_TOKEN, the config file)");
  app.add_option("--config", config, "config file (default ~/.config/connectivity/config.toml)");
  app.add_flag("--json", ctx.out.json, "print the API's JSON instead of tables");
  app.add_flag("--wide", ctx.out.wide, "show IDs whole");
  app.add_flag("--utc", ctx.out.utc, "show times in UTC (default: local time)");
  app.set_version_flag("--version", std::string("connectivity ") + CX_VERSION);
  for (AddCommands add : kCommandModules) add(app, ctx);
  add_completion_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
  }
  if (!url.empty()) ctx.settings.url = url;
  if (!token_file.empty()) ctx.settings.token_file = token_file;
  if (!config.empty()) ctx.settings.config_file = config;
  if (!ctx.action) {
    std::cerr << app.help();
    return exit_code::kUsage;
  }
  try {
    ctx.action();
    return exit_code::kOk;
  } catch (const UsageError& e) {
    std::cerr << "connectivity: " << e.what() << "\n";
    return exit_code::kUsage;
  } catch (const ApiError& e) {
    std::cerr << "connectivity: " << e.code << " (HTTP " << e.status << "): " << e.message << "\n";
    return exit_code::kApi;
  } catch (const ConnectionError& e) {
    std::cerr << "connectivity: " << e.what() << "\n";
    return exit_code::kConnection;
  } catch (const std::exception& e) {
    std::cerr << "connectivity: " << e.what() << "\n";
    return exit_code::kFailure;
  }
}
