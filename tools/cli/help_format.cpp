#include "tools/cli/help_format.hpp"

#include <algorithm>
#include <cctype>

namespace cx::cli {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

/// "connectivity webhooks configs create": the names from the root down.
std::string full_name(const CLI::App* app) {
  std::string out = app->get_name();
  for (const CLI::App* p = app->get_parent(); p; p = p->get_parent()) out = p->get_name() + " " + out;
  return out;
}

class ManFormatter : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App* app) const override {
    return "NAME\n  " + full_name(app) + " - " + app->get_description() + "\n\n";
  }

  // The full command path whatever `name` the caller passed (App::help() passes only its own).
  std::string make_usage(const CLI::App* app, std::string) const override {
    std::string line = CLI::Formatter::make_usage(app, full_name(app));
    const std::string prefix = get_label("Usage") + ":";
    if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
    return "SYNOPSIS\n " + line;
  }

  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    std::string out = "\n" + (is_positional ? std::string("ARGUMENTS") : upper(group)) + "\n";
    for (const CLI::Option* opt : opts) out += make_option(opt, is_positional);
    return out;
  }

  std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
    std::string out = CLI::Formatter::make_subcommands(app, mode);
    const std::string from = "\nSubcommands:\n";
    if (auto at = out.find(from); at != std::string::npos) out.replace(at, from.size(), "\nCOMMANDS\n");
    return out;
  }
};

}  // namespace

std::shared_ptr<CLI::Formatter> man_formatter() { return std::make_shared<ManFormatter>(); }

}  // namespace cx::cli
