// Bearer-token authentication of the private routes.
// Tokens come from CONNECTIVITY_API_TOKEN (comma-separated) and/or a tokens file (one per line,
// '#' comments). With none configured on the embedded default, a random token is generated into
// DATA_DIR/api-token (mode 0600) and reused on later starts. Comparison is constant-time: the
// presented token and every configured one are hashed with SHA-256 and the digests compared with
// Botan's constant_time_compare, so neither content nor length leaks through timing.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cx::api {

/// Raised for an unusable auth configuration (unreadable file, --insecure-no-auth off loopback).
struct AuthConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The tokens of a file, one per line: blanks around each trimmed, empty lines and '#' comments
/// skipped. Throws AuthConfigError("cannot read <what> <path>") when the file cannot be read.
std::vector<std::string> read_tokens_file(const std::filesystem::path& path, std::string_view what);

class Authenticator {
 public:
  /// Accepts any of `tokens` (empty strings and surrounding blanks are dropped).
  explicit Authenticator(const std::vector<std::string>& tokens);
  /// An authenticator that lets every request through (--insecure-no-auth).
  static Authenticator allow_all();

  /// True when the Authorization header value is "Bearer <a configured token>" (scheme
  /// case-insensitive). Always true for allow_all().
  bool check(std::optional<std::string_view> authorization_header) const;
  bool enabled() const { return !allow_all_; }
  size_t token_count() const { return digests_.size(); }

 private:
  Authenticator() = default;
  std::vector<std::array<uint8_t, 32>> digests_;
  bool allow_all_ = false;
};

/// Where the tokens come from.
struct AuthSettings {
  std::optional<std::string> env_tokens;          ///< CONNECTIVITY_API_TOKEN value
  std::optional<std::filesystem::path> tokens_file;
  std::filesystem::path data_dir;                 ///< for the generated DATA_DIR/api-token
  bool generate_when_missing = true;              ///< the embedded default
  bool insecure_no_auth = false;
  std::string listen_host;                        ///< checked for --insecure-no-auth
};

/// The outcome of configure_auth: the authenticator, and the generated token file if one was
/// written or reused (so the daemon can print "read it with: cat <path>").
struct AuthSetup {
  Authenticator authenticator;
  std::optional<std::filesystem::path> generated_token_file;
};

/// Builds the authenticator from the settings. Throws AuthConfigError when insecure_no_auth is
/// asked for on a non-loopback host, when the tokens file cannot be read, or when no token is
/// configured and generation is off.
AuthSetup configure_auth(const AuthSettings& settings);

/// True for 127.0.0.0/8, ::1, [::1] and "localhost".
bool is_loopback_host(std::string_view host);

/// Splits "a, b ,c" into trimmed non-empty tokens.
std::vector<std::string> split_tokens(std::string_view text, char sep);

}  // namespace cx::api
