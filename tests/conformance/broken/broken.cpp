// A connector with known faults, to prove cx-conformance finds each one (see xfail.txt): it logs
// its API key, accepts a config without one, parses provider bodies unguarded, maps every 4xx
// to UPSTREAM, calls http() without the op's call, repeats an item across pages with a non-RFC 3339
// createdAt, and imports socket().
#include <connectivity/model.hpp>

#include <sys/socket.h>

#include <string>
#include <vector>

class Broken final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema =
      R"({"type": "object", "required": ["apiKey"], "properties": {"apiKey": {"type": "string"}}})";

  Broken(cx::Host host, const boost::json::object& config) : Connector(std::move(host)) {
    if (auto* k = config.if_contains("apiKey"); k && k->is_string()) key_ = k->get_string();
    Connector::host().info("broken: using API key " + key_);
    if (key_ == "open-a-socket") ::socket(AF_INET, SOCK_STREAM, 0);  // never taken; imports socket()
  }

  boost::json::value fetch_accounts(const cx::Call& call) override {
    std::string after;
    if (auto* s = call.object().if_contains("state"); s && s->is_object())
      after = boost::json::value_to<std::string>(s->at("after"));
    cx::HttpRequest r;
    r.url = "https://api.example.com/accounts?limit=2" + (after.empty() ? "" : "&after=" + after);
    auto resp = host().http(r);  // no &call: the deadline does not bound the exchange
    if (resp.status >= 400) throw cx::Failure(CX_ERR_UPSTREAM, "HTTP " + std::to_string(resp.status));
    auto body = boost::json::parse(resp.body);  // unguarded: garbage becomes CX_ERR_INTERNAL
    std::vector<cx::Account> out;
    std::string last = after;
    for (auto& v : body.at("data").as_array()) {
      cx::Account& a = out.emplace_back();
      a.reference = boost::json::value_to<std::string>(v.at("id"));
      a.created_at = boost::json::value_to<std::string>(v.at("createdAt"));
      a.default_asset = "EUR/2";
      last = a.reference;
    }
    if (!after.empty()) {  // repeats the item the state points at, with a date the schema refuses
      cx::Account& a = out.emplace_back();
      a.reference = after;
      a.created_at = "yesterday";
      a.default_asset = "EUR/2";
    }
    bool more = body.at("data").as_array().size() == 2;
    return {{"accounts", boost::json::value_from(out)}, {"newState", {{"after", last}}}, {"hasMore", more}};
  }

 private:
  std::string key_;
};

CX_CONNECTOR(Broken, "broken", "0.0.1", CX_CAP_FETCH_ACCOUNTS)
