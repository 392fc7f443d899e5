// cx-conformance PLUGIN.so --config CFG.json [--fixtures DIR] [--junit FILE] [--xfail FILE]
//
// Loads a connector plugin as the daemon does and runs named checks against it: descriptor,
// symbols, config errors and, with --fixtures, every op of the fixture set against recorded
// provider answers (no network): outputs, pagination, error classes, deadlines, concurrency,
// secrets. Prints a table; --junit also writes JUnit XML. Exit 0 when every check passes (or is
// an expected failure listed in --xfail), 1 when one fails, 2 on a usage or load error.
#include "checks.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

namespace {

constexpr const char* kUsage =
    "usage: cx-conformance PLUGIN.so --config CFG.json [--fixtures DIR] [--junit FILE] [--xfail FILE]\n"
    "\n"
    "  PLUGIN.so        the connector plugin to check\n"
    "  --config FILE    a valid config for it (JSON object, as stored by the daemon)\n"
    "  --fixtures DIR   recorded provider answers: DIR/fixtures.json (format: the SDK's conformance/README.md)\n"
    "  --junit FILE     also write the results as JUnit XML\n"
    "  --xfail FILE     check names, one per line, expected to fail (a listed check that passes fails)\n"
    "  --help           this text\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  std::string plugin_path, config_path, fixtures_dir, junit_path, xfail_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= argc) {
        std::cerr << "cx-conformance: " << a << " needs a value\n" << kUsage;
        std::exit(2);
      }
      into = argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--config") {
      value(config_path);
    } else if (a == "--fixtures") {
      value(fixtures_dir);
    } else if (a == "--junit") {
      value(junit_path);
    } else if (a == "--xfail") {
      value(xfail_path);
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "cx-conformance: unknown option " << a << "\n" << kUsage;
      return 2;
    } else if (plugin_path.empty()) {
      plugin_path = a;
    } else {
      std::cerr << "cx-conformance: one plugin at a time (got " << plugin_path << " and " << a << ")\n";
      return 2;
    }
  }
  if (plugin_path.empty() || config_path.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    boost::system::error_code ec;
    auto config = boost::json::parse(read_file(config_path), ec);
    if (ec || !config.is_object()) {
      std::cerr << "cx-conformance: " << config_path << ": not a JSON object\n";
      return 2;
    }
    std::set<std::string> xfail;
    if (!xfail_path.empty()) {
      std::ifstream in(xfail_path);
      if (!in) throw std::runtime_error(xfail_path + ": cannot open");
      for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.erase(0, 1);
        if (!line.empty()) xfail.insert(line);
      }
    }
    cx::conformance::Plugin plugin(plugin_path);
    cx::conformance::Report report;
    cx::conformance::Context ctx{plugin, std::filesystem::path(plugin_path).stem().string(), config.get_object(),
                                 std::nullopt, report, {}};
    if (!fixtures_dir.empty()) ctx.fixtures = cx::conformance::load_fixtures(fixtures_dir);
    cx::conformance::check_descriptor(ctx);
    cx::conformance::check_symbols(ctx);
    cx::conformance::check_config(ctx);
    cx::conformance::check_ops(ctx);
    cx::conformance::check_secrets(ctx);
    report.apply_xfail(xfail);
    std::cout << "cx-conformance " << plugin_path << "\n";
    report.print_table(std::cout);
    if (!junit_path.empty()) {
      std::ofstream out(junit_path);
      if (!out) throw std::runtime_error(junit_path + ": cannot write");
      report.write_junit(out, ctx.stem);
    }
    return report.all_passed() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "cx-conformance: " << e.what() << "\n";
    return 2;
  }
}
