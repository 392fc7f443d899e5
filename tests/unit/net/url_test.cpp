#include "host/net/http_client.hpp"

#include <catch2/catch.hpp>

using cx::net::parse_url;

TEST_CASE("URLs split into origin, authority and target") {
  auto u = parse_url("https://Sandbox.Plaid.com/transactions/sync?x=1#frag");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "sandbox.plaid.com");
  CHECK(u->port == 443);
  CHECK(u->authority() == "sandbox.plaid.com:443");
  CHECK(u->target == "/transactions/sync?x=1");
  auto v = parse_url("http://127.0.0.1:8080?q=2");
  REQUIRE(v);
  CHECK(v->authority() == "127.0.0.1:8080");
  CHECK(v->target == "/?q=2");
}

TEST_CASE("malformed or non-http URLs are refused") {
  CHECK_FALSE(parse_url("ftp://x/y"));
  CHECK_FALSE(parse_url("http://user:pw@host/"));
  CHECK_FALSE(parse_url("http://:80/"));
  CHECK_FALSE(parse_url("http://host:99999/"));
  CHECK_FALSE(parse_url("no scheme"));
}

TEST_CASE("the allowlist comes from URL-valued config fields and the schema's fixed hosts") {
  auto a = cx::net::allowlist_from_config(R"({"endpoint":"http://127.0.0.1:9000/api","name":"x","n":3})",
                                          R"({"x-cx-egress-hosts":["sandbox.plaid.com:443"]})");
  CHECK(a == std::set<std::string>{"127.0.0.1:9000", "sandbox.plaid.com:443"});
}
