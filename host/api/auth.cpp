#include "host/api/auth.hpp"

#include "host/util/encoding.hpp"

#include <botan/hash.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace cx::api {
namespace {

std::array<uint8_t, 32> sha256(std::string_view s) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::array<uint8_t, 32> out{};
  h->final(out.data());
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Reads DATA_DIR/api-token, or creates it (0600, O_EXCL) with 32 random bytes in base64url.
std::string load_or_generate(const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) {
    auto tokens = read_tokens_file(file, "API token file");
    if (!tokens.empty()) return tokens.front();
  }
  std::filesystem::create_directories(file.parent_path());
  uint8_t raw[32];
  Botan::system_rng().randomize(raw, sizeof raw);
  std::string token = util::base64url_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw AuthConfigError("cannot create " + file.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) throw AuthConfigError("cannot write " + file.string());
  return token;
}

}  // namespace

std::vector<std::string> read_tokens_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) throw AuthConfigError("cannot read " + std::string(what) + " " + path.string());
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto t = trim(line);
    if (!t.empty() && t.front() != '#') out.emplace_back(t);
  }
  return out;
}

std::vector<std::string> split_tokens(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    auto t = trim(text.substr(start, end - start));
    if (!t.empty()) out.emplace_back(t);
    start = end + 1;
  }
  return out;
}

Authenticator::Authenticator(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    auto s = trim(t);
    if (!s.empty()) digests_.push_back(sha256(s));
  }
}

Authenticator Authenticator::allow_all() {
  Authenticator a;
  a.allow_all_ = true;
  return a;
}

bool Authenticator::check(std::optional<std::string_view> header) const {
  if (allow_all_) return true;
  if (!header || header->size() < 7) return false;
  std::string_view h = *header;
  static constexpr std::string_view kScheme = "bearer ";
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return false;
  auto presented = sha256(trim(h.substr(kScheme.size())));
  bool match = false;
  for (const auto& d : digests_)  // no early exit: every digest is compared
    match |= Botan::constant_time_compare(presented.data(), d.data(), d.size());
  return match;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr a{};
  std::string h(host);
  if (::inet_pton(AF_INET, h.c_str(), &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
  return false;
}

AuthSetup configure_auth(const AuthSettings& s) {
  if (s.insecure_no_auth) {
    if (!is_loopback_host(s.listen_host))
      throw AuthConfigError("--insecure-no-auth is only allowed on a loopback address, not " + s.listen_host);
    return AuthSetup{Authenticator::allow_all(), std::nullopt};
  }
  std::vector<std::string> tokens;
  if (s.env_tokens) tokens = split_tokens(*s.env_tokens, ',');
  if (s.tokens_file) {
    auto more = read_tokens_file(*s.tokens_file, "API tokens file");
    tokens.insert(tokens.end(), more.begin(), more.end());
  }
  if (!tokens.empty()) return AuthSetup{Authenticator(tokens), std::nullopt};
  if (!s.generate_when_missing)
    throw AuthConfigError("no API token configured: set CONNECTIVITY_API_TOKEN or a tokens file");
  auto file = s.data_dir / "api-token";
  std::string token = load_or_generate(file);
  return AuthSetup{Authenticator({token}), file};
}

}  // namespace cx::api
