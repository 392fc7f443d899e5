// Must NOT compile: FETCH_BALANCES is promised but fetch_balances is not overridden
// (tests/sdk_helpers/CMakeLists.txt runs the compiler on it and expects a failure). With
// -DCX_AGREE the bits match the ops and it compiles: the failure is the check, not the setup.
#include <connectivity/connector.hpp>

class Mismatch final : public cx::Connector {
 public:
  Mismatch(cx::Host host, const boost::json::object&) : Connector(std::move(host)) {}
  boost::json::value fetch_accounts(const cx::Call&) override { return boost::json::object{}; }
};

#ifdef CX_AGREE
CX_CONNECTOR(Mismatch, "mismatch", "1.0.0", CX_CAP_FETCH_ACCOUNTS)
#else
CX_CONNECTOR(Mismatch, "mismatch", "1.0.0", CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES)
#endif
