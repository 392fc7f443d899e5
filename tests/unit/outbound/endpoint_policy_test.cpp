// Endpoint safety (docs/events.md "Endpoint safety").
#include "host/outbound/endpoint_policy.hpp"

#include <catch2/catch.hpp>

using namespace cx::outbound;

namespace {
bool refused(std::string_view ip, EndpointRules r = {}) { return !address_problem(ip, r).empty(); }
std::string problem(std::string_view url, EndpointRules r) {
  auto v = check_endpoint(url, r);
  auto* why = std::get_if<std::string>(&v);
  return why ? *why : "";
}
}  // namespace

TEST_CASE("link-local and cloud-metadata addresses are always refused") {
  const EndpointRules all{true, true};
  for (auto ip : {"169.254.169.254", "169.254.1.1", "100.100.100.200", "168.63.129.16", "fe80::1", "fd00:ec2::254",
                  "::ffff:169.254.169.254"}) {
    INFO(ip);
    CHECK(refused(ip, all));
  }
}

TEST_CASE("private and loopback ranges need their flag; public addresses pass") {
  for (auto ip : {"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fc00::1", "0.0.0.0", "::"}) {
    INFO(ip);
    CHECK(refused(ip));
    CHECK_FALSE(refused(ip, {false, true}));
  }
  CHECK(refused("127.0.0.1"));
  CHECK(refused("::1"));
  CHECK_FALSE(refused("127.0.0.1", {true, false}));
  CHECK_FALSE(refused("8.8.8.8"));
  CHECK_FALSE(refused("2001:4860:4860::8888"));
}

TEST_CASE("endpoints: https, or http to loopback with allow-insecure; checked after resolution") {
  CHECK(problem("http://127.0.0.1:9/hook", {}).find("https") != std::string::npos);
  CHECK(problem("http://127.0.0.1:9/hook", {true, false}).empty());
  CHECK(problem("http://localhost:9/hook", {true, false}).empty());
  CHECK(problem("https://127.0.0.1/hook", {}).find("loopback") != std::string::npos);
  CHECK(problem("http://169.254.169.254/latest/meta-data", {true, true}).find("metadata") != std::string::npos);
  CHECK(problem("http://10.0.0.1/hook", {true, true}).find("only accepted for loopback") != std::string::npos);
  CHECK(problem("ftp://example.com/", {true, true}) == "endpoint should be a valid url");
  CHECK(problem("https://user:pw@example.com/", {}) == "endpoint should be a valid url");
  auto ok = check_endpoint("http://127.0.0.1:9/p?q=1", {true, false});
  REQUIRE(std::holds_alternative<ResolvedEndpoint>(ok));
  CHECK(std::get<ResolvedEndpoint>(ok).address == "127.0.0.1");
  CHECK(std::get<ResolvedEndpoint>(ok).url.target == "/p?q=1");
}
