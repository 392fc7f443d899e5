// Splits an absolute http(s) URL into the parts cpp-httplib's client wants.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cx::net {

struct Url {
  std::string scheme;  ///< "http" | "https"
  std::string host;    ///< lower-case, without brackets
  int port = 0;        ///< explicit or the scheme's default
  std::string target;  ///< path + query, at least "/"
  /// "host:port", the allowlist's unit.
  std::string authority() const { return host + ":" + std::to_string(port); }
  /// "scheme://host:port" for httplib::Client.
  std::string origin() const { return scheme + "://" + host + ":" + std::to_string(port); }
};

/// Parses "http[s]://host[:port][/path][?query]"; nullopt for anything else (userinfo refused).
std::optional<Url> parse_url(std::string_view url);

}  // namespace cx::net
