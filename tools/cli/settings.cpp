#include "tools/cli/settings.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace cx::cli {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string trim(std::string s) {
  const char* blanks = " \t\r\n";
  s.erase(0, s.find_first_not_of(blanks));
  s.erase(s.find_last_not_of(blanks) + 1);
  return s;
}

}  // namespace

std::filesystem::path default_config_file() {
  if (auto xdg = env("XDG_CONFIG_HOME")) return std::filesystem::path(*xdg) / "connectivity" / "config.toml";
  if (auto home = env("HOME")) return std::filesystem::path(*home) / ".config" / "connectivity" / "config.toml";
  return {};
}

std::string read_token_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read token file " + file.string());
  std::string line;
  std::getline(in, line);
  std::string token = trim(line);
  if (token.empty()) throw std::runtime_error("token file " + file.string() + " is empty");
  return token;
}

Settings resolve_settings(const SettingsInput& in) {
  toml::table config;
  std::filesystem::path config_path = in.config_file.value_or(default_config_file());
  if (!config_path.empty()) {
    std::error_code ec;
    bool exists = std::filesystem::exists(config_path, ec);
    if (!exists && in.config_file) throw std::runtime_error("config file " + config_path.string() + " does not exist");
    if (exists) {
      try {
        config = toml::parse_file(config_path.string());
      } catch (const toml::parse_error& e) {
        throw std::runtime_error("config file " + config_path.string() + ": " + std::string(e.description()));
      }
    }
  }
  Settings s;
  if (in.url) s.url = *in.url;
  else if (auto u = env("CONNECTIVITY_URL")) s.url = *u;
  else if (auto c = config["url"].value<std::string>()) s.url = *c;
  else s.url = "http://127.0.0.1:8080";

  if (in.token_file) s.token = read_token_file(*in.token_file);
  else if (auto t = env("CONNECTIVITY_API_TOKEN")) s.token = trim(*t);
  else if (auto f = config["token_file"].value<std::string>()) s.token = read_token_file(*f);
  else if (auto c = config["token"].value<std::string>()) s.token = trim(*c);
  return s;
}

}  // namespace cx::cli
