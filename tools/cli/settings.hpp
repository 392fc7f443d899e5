// Where the CLI finds the daemon and its API token, first match wins:
//   URL:   --url, CONNECTIVITY_URL, `url` in the config file, http://127.0.0.1:8080
//   token: --token-file, CONNECTIVITY_API_TOKEN, `token_file` then `token` in the config file
// The config file is --config, else $XDG_CONFIG_HOME/connectivity/config.toml, else
// ~/.config/connectivity/config.toml (TOML, read with toml++); a missing default file is fine.
// There is no flag taking the token itself: a token on a command line lands in shell history
// and in every user's `ps`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace cx::cli {

/// What the command line said (unset: look further).
struct SettingsInput {
  std::optional<std::string> url;
  std::optional<std::filesystem::path> token_file;
  std::optional<std::filesystem::path> config_file;
};

struct Settings {
  std::string url;    ///< daemon base URL, e.g. http://127.0.0.1:8080 (the API is under /api/payments/v3)
  std::string token;  ///< bearer token; empty: send none
};

/// The default config file path (see above); empty when neither XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path default_config_file();

/// Resolves the settings in the order above. Throws std::runtime_error naming the file when the
/// config file given by --config is missing, a config file is not valid TOML, or a token file
/// cannot be read.
Settings resolve_settings(const SettingsInput& in);

/// The first line of a token file, surrounding blanks trimmed; throws std::runtime_error.
std::string read_token_file(const std::filesystem::path& file);

}  // namespace cx::cli
