// Each emulator registers itself under its provider name:
//   static cx::sandbox::Registration reg("powens", &run_powens);
// and `connectivity-sandbox powens --listen 127.0.0.1:PORT …` runs it with the remaining args.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace cx::sandbox {

using Main = int (*)(int argc, char** argv);  ///< argv[0] is the provider name

inline std::map<std::string, Main>& registry() {
  static std::map<std::string, Main> r;
  return r;
}

struct Registration {
  Registration(const char* name, Main fn) { registry()[name] = fn; }
};

struct ListenAddress {
  std::string host;  ///< brackets of an IPv6 literal removed
  int port = 0;      ///< 0 = pick a free port
};

/// Parses --listen HOST:PORT (PORT 0..65535); nullopt when malformed.
inline std::optional<ListenAddress> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = listen.substr(0, colon), digits = listen.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int port = std::stoi(digits);
  if (port > 65535) return std::nullopt;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return ListenAddress{host, port};
}

}  // namespace cx::sandbox
