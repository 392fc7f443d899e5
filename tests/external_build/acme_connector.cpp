// A sample third-party connector: one fixed account per fetch, built against the installed SDK.
#include <connectivity/model.hpp>

class Acme final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema =
      R"({"type":"object","required":["apiKey"],"properties":{"apiKey":{"type":"string"}}})";

  Acme(cx::Host host, const boost::json::object& config) : Connector(std::move(host)) {
    if (!config.contains("apiKey")) throw cx::invalid("apiKey", "apiKey is required");
  }

  boost::json::value fetch_accounts(const cx::Call&) override {
    cx::Account a;
    a.reference = "acme-acc-1";
    a.created_at = "2026-01-02T03:04:05Z";
    a.name = "Acme operating account";
    a.default_asset = "EUR/2";
    return boost::json::object{{"accounts", boost::json::value_from(std::vector<cx::Account>{a})},
                               {"newState", nullptr},
                               {"hasMore", false}};
  }
};

CX_CONNECTOR(Acme, "acme", "0.1.0", CX_CAP_FETCH_ACCOUNTS)
