// The compile-time capability check accepts a connector whose bits and ops agree
// (capability_mismatch.cpp is the refused counterpart).
#include <connectivity/connector.hpp>

#include <catch2/catch.hpp>

namespace {
class Agrees final : public cx::Connector {
 public:
  Agrees(cx::Host host, const boost::json::object&) : Connector(std::move(host)) {}
  boost::json::value fetch_accounts(const cx::Call&) override { return boost::json::object{}; }
  boost::json::value verify_webhook(const cx::Call&) override { return boost::json::object{}; }
  boost::json::value translate_webhook(const cx::Call&) override { return boost::json::object{}; }
};
}  // namespace

TEST_CASE("capabilities_match accepts bits that match the overridden ops") {
  STATIC_REQUIRE(cx::detail::capabilities_match<Agrees, CX_CAP_FETCH_ACCOUNTS | CX_CAP_TRANSLATE_WEBHOOKS |
                                                            CX_CAP_ALLOW_ACCOUNT_CREATION>());
  constexpr cx_connector d =
      cx::detail::describe<Agrees>("agrees", "1", CX_CAP_FETCH_ACCOUNTS | CX_CAP_TRANSLATE_WEBHOOKS);
  STATIC_REQUIRE(d.fetch_accounts != nullptr);
  STATIC_REQUIRE(d.fetch_balances == nullptr);
}
