// Api::set_authenticator: what SIGHUP (systemctl reload) does with a re-read tokens file.
#include "host/api/api.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;

TEST_CASE("set_authenticator replaces the accepted tokens of a running Api") {
  Api api(Authenticator({"old-token"}), nullptr);
  api.add("GET", "/api/payments/v3/ping", Access::Private, [](const RouteContext&) { return no_content(); });
  auto access = [&](std::string_view header) {
    std::string_view h[] = {header};
    return api.check_access("GET", "/api/payments/v3/ping", h);
  };
  CHECK_FALSE(access("Bearer old-token"));
  REQUIRE(access("Bearer new-token"));
  CHECK(access("Bearer new-token")->status == 401);

  api.set_authenticator(Authenticator({"new-token", "second"}));
  CHECK_FALSE(access("Bearer new-token"));
  CHECK_FALSE(access("Bearer second"));
  REQUIRE(access("Bearer old-token"));
  CHECK(access("Bearer old-token")->status == 401);
}
