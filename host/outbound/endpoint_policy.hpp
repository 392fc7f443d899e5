// Which webhook endpoints the daemon may POST to (docs/events.md "Endpoint safety"):
// * https, or http only to a loopback address and only with --webhooks-allow-insecure;
// * link-local (169.254.0.0/16, fe80::/10) and cloud-metadata addresses (169.254.169.254,
//   fd00:ec2::254, 100.100.100.200, 168.63.129.16) are always refused;
// * private, loopback, CGNAT, unique-local, unspecified and multicast addresses are refused unless
//   --webhooks-allow-private (loopback also with --webhooks-allow-insecure).
// Checked on every address the host name resolves to, when a config is saved and again before
// every attempt; the attempt then connects to the address that was checked (no DNS rebinding).
#pragma once

#include "host/net/url.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cx::outbound {

struct EndpointRules {
  bool allow_insecure = false;  ///< --webhooks-allow-insecure: http to loopback
  bool allow_private = false;   ///< --webhooks-allow-private
};

/// Why one IP address (text form) is refused, or empty when it is allowed.
std::string address_problem(std::string_view ip, const EndpointRules& rules);

/// A checked endpoint: its parsed URL and the address the attempt must connect to.
struct ResolvedEndpoint {
  net::Url url;
  std::string address;
};

/// Parses, resolves (getaddrinfo) and checks `endpoint`: the first address when every resolved
/// address is allowed, else the reason it is refused (a message naming the endpoint's problem).
std::variant<ResolvedEndpoint, std::string> check_endpoint(std::string_view endpoint, const EndpointRules& rules);

/// Only the syntax and scheme part of check_endpoint (no DNS): empty when acceptable.
std::string endpoint_syntax_problem(std::string_view endpoint, const EndpointRules& rules);

}  // namespace cx::outbound
