// --help as a manual page (tools/cli/help_format.hpp): sections, their order, the full command name.
#include "tools/cli/context.hpp"
#include "tools/cli/help_format.hpp"

#include <catch2/catch.hpp>

using namespace cx::cli;

namespace {

size_t at(const std::string& text, const std::string& heading) {
  auto p = text.find("\n" + heading + "\n");
  if (p == std::string::npos && text.rfind(heading + "\n", 0) == 0) return 0;
  return p;
}

}  // namespace

TEST_CASE("a verb's --help is a manual page") {
  CLI::App root{"operate a daemon"};
  root.name("connectivity");
  root.formatter(man_formatter());
  auto* group = root.add_subcommand("pools", "payment pools");
  std::string pool, when;
  auto* cmd = verb(*group, "balances", "a pool's balances", "GET /pools/<id>/balances/latest.",
                   "  connectivity pools balances 5f0c…");
  cmd->add_option("pool", pool, "pool ID")->required();
  cmd->add_option("--at", when, "the instant");

  const std::string help = cmd->help();
  CHECK(help.rfind("NAME\n  connectivity pools balances - a pool's balances\n", 0) == 0);
  CHECK(help.find("SYNOPSIS\n  connectivity pools balances [OPTIONS] pool\n") != std::string::npos);
  CHECK(help.find("\nARGUMENTS\n  pool TEXT REQUIRED") != std::string::npos);
  CHECK(help.find("  --at TEXT") != std::string::npos);
  const char* order[] = {"NAME", "SYNOPSIS", "ARGUMENTS", "OPTIONS", "DESCRIPTION", "EXAMPLES", "ENVIRONMENT", "FILES", "EXIT STATUS"};
  size_t last = 0;
  for (const char* h : order) {
    INFO(h << " in\n" << help);
    size_t p = at(help, h);
    REQUIRE(p != std::string::npos);
    CHECK(p >= last);
    last = p;
  }
  CHECK(help.find("Usage:") == std::string::npos);
  CHECK(help.find("Options:") == std::string::npos);

  const std::string parent = group->help();
  CHECK(parent.rfind("NAME\n  connectivity pools - payment pools\n", 0) == 0);
  CHECK(parent.find("\nCOMMANDS\n  balances ") != std::string::npos);
  CHECK(parent.find("Subcommands:") == std::string::npos);
}
