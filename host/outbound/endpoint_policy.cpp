#include "host/outbound/endpoint_policy.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <netdb.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <array>
#include <memory>

namespace cx::outbound {
namespace ip = boost::asio::ip;

namespace {

bool in_v4(const ip::address_v4& a, const char* net) {
  auto n = ip::make_network_v4(net);
  return (a.to_uint() & n.netmask().to_uint()) == n.network().to_uint();
}

bool in_v6(const ip::address_v6& a, const char* net) {
  auto n = ip::make_network_v6(net);
  auto bytes = a.to_bytes();
  auto want = n.network().to_bytes();
  unsigned bits = n.prefix_length();
  for (unsigned i = 0; i < 16 && bits > 0; ++i) {
    unsigned take = bits >= 8 ? 8 : bits;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - take));
    if ((bytes[i] & mask) != (want[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::string v4_problem(const ip::address_v4& a, const EndpointRules& r) {
  static constexpr std::array kMetadata{"169.254.169.254", "100.100.100.200", "168.63.129.16"};
  for (auto m : kMetadata)
    if (a == ip::make_address_v4(m)) return "a cloud metadata address";
  if (in_v4(a, "169.254.0.0/16")) return "a link-local address";
  if (in_v4(a, "127.0.0.0/8")) return r.allow_insecure || r.allow_private ? "" : "a loopback address";
  static constexpr std::array kPrivate{"0.0.0.0/8",   "10.0.0.0/8",    "100.64.0.0/10", "172.16.0.0/12",
                                       "192.168.0.0/16", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4",
                                       "240.0.0.0/4"};
  for (auto n : kPrivate)
    if (in_v4(a, n)) return r.allow_private ? "" : "a private or reserved address";
  return "";
}

std::string v6_problem(const ip::address_v6& a, const EndpointRules& r) {
  if (a.is_v4_mapped()) return v4_problem(ip::make_address_v4(ip::v4_mapped, a), r);
  if (a == ip::make_address_v6("fd00:ec2::254")) return "a cloud metadata address";
  if (in_v6(a, "fe80::/10")) return "a link-local address";
  if (a.is_loopback()) return r.allow_insecure || r.allow_private ? "" : "a loopback address";
  if (a.is_unspecified() || a.is_multicast() || in_v6(a, "fc00::/7") || in_v6(a, "64:ff9b::/96"))
    return r.allow_private ? "" : "a private or reserved address";
  return "";
}

bool is_loopback(std::string_view ip_text) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(ip_text), ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6()).is_loopback();
  return a.is_loopback();
}

}  // namespace

std::string address_problem(std::string_view ip_text, const EndpointRules& rules) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(ip_text), ec);
  if (ec) return "not an IP address";
  return a.is_v4() ? v4_problem(a.to_v4(), rules) : v6_problem(a.to_v6(), rules);
}

std::string endpoint_syntax_problem(std::string_view endpoint, const EndpointRules& rules) {
  auto url = net::parse_url(endpoint);
  if (!url) return "endpoint should be a valid url";
  if (url->scheme == "http" && !rules.allow_insecure)
    return "endpoint should use https (http is accepted for loopback with --webhooks-allow-insecure)";
  return "";
}

std::variant<ResolvedEndpoint, std::string> check_endpoint(std::string_view endpoint, const EndpointRules& rules) {
  if (auto p = endpoint_syntax_problem(endpoint, rules); !p.empty()) return p;
  ResolvedEndpoint out{*net::parse_url(endpoint), {}};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(out.url.host.c_str(), nullptr, &hints, &res); rc != 0)
    return "endpoint host " + out.url.host + " does not resolve: " + gai_strerror(rc);
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
  std::vector<std::string> addresses;
  for (addrinfo* p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = p->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
    if ((p->ai_family == AF_INET || p->ai_family == AF_INET6) && inet_ntop(p->ai_family, src, buf, sizeof buf))
      addresses.emplace_back(buf);
  }
  if (addresses.empty()) return "endpoint host " + out.url.host + " has no address";
  for (const auto& a : addresses) {
    if (auto why = address_problem(a, rules); !why.empty())
      return "endpoint host " + out.url.host + " resolves to " + a + ", " + why + ", which is refused";
    if (out.url.scheme == "http" && !is_loopback(a))
      return "endpoint host " + out.url.host + " resolves to " + a + ": http is only accepted for loopback";
  }
  out.address = addresses.front();
  return out;
}

}  // namespace cx::outbound
