// Where the CLI finds the daemon and its token (tools/cli/settings.hpp): flags > environment >
// config file > default.
#include "tools/cli/settings.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace cx::cli;
namespace fs = std::filesystem;

namespace {
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("cx_cli_settings_" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(dir);
    fs::create_directories(dir / "connectivity");
    ::unsetenv("CONNECTIVITY_URL");
    ::unsetenv("CONNECTIVITY_API_TOKEN");
    ::setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  }
  ~Scratch() {
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("CONNECTIVITY_URL");
    ::unsetenv("CONNECTIVITY_API_TOKEN");
    fs::remove_all(dir);
  }
  void write(const fs::path& p, const std::string& text) const { std::ofstream(p) << text; }
};
}  // namespace

TEST_CASE("settings: default, config file, environment, flags, in that order of strength") {
  Scratch s;
  CHECK(default_config_file() == s.dir / "connectivity" / "config.toml");
  Settings none = resolve_settings({});
  CHECK(none.url == "http://127.0.0.1:8080");
  CHECK(none.token.empty());

  s.write(s.dir / "file-token", "  from-token-file \n second line ignored\n");
  s.write(s.dir / "connectivity" / "config.toml",
          "url = \"https://file.example\"\ntoken_file = \"" + (s.dir / "file-token").string() + "\"\ntoken = \"inline\"\n");
  Settings file = resolve_settings({});
  CHECK(file.url == "https://file.example");
  CHECK(file.token == "from-token-file");  // token_file wins over token

  ::setenv("CONNECTIVITY_URL", "http://env.example:9000", 1);
  ::setenv("CONNECTIVITY_API_TOKEN", "env-token", 1);
  Settings env = resolve_settings({});
  CHECK(env.url == "http://env.example:9000");
  CHECK(env.token == "env-token");

  s.write(s.dir / "flag-token", "flag-token\n");
  SettingsInput flags;
  flags.url = "http://flag.example";
  flags.token_file = s.dir / "flag-token";
  Settings f = resolve_settings(flags);
  CHECK(f.url == "http://flag.example");
  CHECK(f.token == "flag-token");
}

TEST_CASE("settings: errors name the file") {
  Scratch s;
  SettingsInput missing;
  missing.config_file = s.dir / "nope.toml";
  CHECK_THROWS_WITH(resolve_settings(missing), Catch::Contains("nope.toml"));
  s.write(s.dir / "connectivity" / "config.toml", "url = [unterminated\n");
  CHECK_THROWS_WITH(resolve_settings({}), Catch::Contains("config.toml"));
  s.write(s.dir / "connectivity" / "config.toml", "");
  s.write(s.dir / "empty", "\n");
  SettingsInput empty;
  empty.token_file = s.dir / "empty";
  CHECK_THROWS_WITH(resolve_settings(empty), Catch::Contains("empty"));
  SettingsInput absent;
  absent.token_file = s.dir / "absent";
  CHECK_THROWS_WITH(resolve_settings(absent), Catch::Contains("absent"));
}
