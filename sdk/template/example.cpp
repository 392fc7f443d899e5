// example: a connector for the (fictional) Example Bank API, to copy and adapt.
//
// Provider API (what fixtures in conformance/ record):
//   GET {baseUrl}/accounts?limit=N[&after=ID]  -> {"data": [{"id", "name", "currency", "createdAt"}]}
//   GET {baseUrl}/payments?limit=N[&after=ID]  -> {"data": [{"id", "amount", "currency", "status",
//                                                           "accountId", "createdAt"}]}
// Both lists are sorted by id; `after` returns the items after that id, so the state of a fetch is
// the last id seen ({"after": id}) and a later sync only sees newer items.
// Auth: "Authorization: Bearer <apiKey>". Errors: 401/403 bad key, 429 with Retry-After.
//
// The SDK helpers do the parts every connector needs: config::Bound checks the config against
// kConfigSchema (the host applies the same schema before create()), call_json maps every HTTP
// status as in the SDK README's "Errors and retries" (Retry-After included) and turns a 2xx that
// is not the expected JSON into CX_ERR_UPSTREAM (retried), with_query percent-encodes, the
// cx::json accessors throw cx::BadItem naming the field, and the typed pages write the response.
#include <connectivity/config.hpp>
#include <connectivity/http.hpp>
#include <connectivity/json.hpp>
#include <connectivity/model.hpp>
#include <connectivity/pages.hpp>

#include <string>
#include <vector>

class Example final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema = R"({"type": "object", "required": ["apiKey"],
    "properties": {"apiKey": {"type": "string", "description": "Example Bank API key"},
                   "baseUrl": {"type": "string", "format": "url", "default": "https://api.example.com",
                               "description": "API root"}},
    "x-cx-egress-hosts": ["api.example.com:443"]})";

  Example(cx::Host host, const boost::json::object& config) : Connector(std::move(host)) {
    cx::config::Bound cfg(kConfigSchema, config, "example config");  // INVALID_ARGUMENT naming the field
    key_ = cfg.string("apiKey");
    base_ = cfg.base_url("baseUrl");
  }

  boost::json::value fetch_accounts(const cx::Call& call) override {
    cx::AccountsPage page;
    fetch(call, "/accounts", page.new_state, page.has_more, [&](const boost::json::object& o) {
      cx::Account a;  // pushed only once every field is read: a BadItem leaves no half item
      a.reference = cx::json::required_string(o, "id");
      a.created_at = cx::json::required_string(o, "createdAt");
      a.name = cx::json::required_string(o, "name");
      a.default_asset = cx::json::required_string(o, "currency") + "/2";
      page.accounts.push_back(std::move(a));
    });
    return page;
  }

  boost::json::value fetch_payments(const cx::Call& call) override {
    cx::PaymentsPage page;
    fetch(call, "/payments", page.new_state, page.has_more, [&](const boost::json::object& o) {
      cx::Payment p;
      p.reference = cx::json::required_string(o, "id");
      p.created_at = cx::json::required_string(o, "createdAt");
      p.type = cx::payment_type::kPayIn;
      p.amount = cx::json::required_string(o, "amount");  // minor units, as the provider sends them
      p.asset = cx::json::required_string(o, "currency") + "/2";
      p.status = cx::json::required_string(o, "status") == "settled" ? cx::payment_status::kSucceeded
                                                                     : cx::payment_status::kPending;
      p.destination_account_reference = cx::json::required_string(o, "accountId");
      page.payments.push_back(std::move(p));
    });
    return page;
  }

 private:
  // One page after the state's last id: each item goes to `map` (an item it refuses with
  // cx::BadItem is logged and skipped), the new state is the last id of this page.
  template <class Map>
  void fetch(const cx::Call& call, const std::string& path, boost::json::value& new_state, bool& has_more, Map map) const {
    auto req = cx::FetchRequest::of(call, {.default_size = 100, .max_size = 500});
    std::string after;
    if (auto* s = req.state_object()) after = cx::json::text_or_none(*s, "after").value_or("");
    cx::Query query{{"limit", std::to_string(req.page_size)}};
    if (!after.empty()) query.emplace_back("after", after);
    cx::HttpRequest r;
    r.url = cx::with_query(base_ + path, query);
    r.headers = {{"Authorization", "Bearer " + key_}, {"Accept", "application/json"}};
    // &call: bounded by the op's deadline. Throws cx::Failure for any non-2xx or garbage 2xx.
    auto body = cx::call_json(host(), r, call, {.what = "example GET " + path, .shape = cx::Shape::object});
    auto* items = cx::json::array_or_null(body.get_object(), "data");
    if (!items) throw cx::Failure(CX_ERR_UPSTREAM, "example GET " + path + " answered no \"data\" array");
    for (const auto& v : *items) {
      try {
        if (!v.is_object()) throw cx::BadItem("item is not an object");
        map(v.get_object());
        after = cx::json::required_string(v.get_object(), "id");
      } catch (const cx::BadItem& e) {
        host().warn("example GET " + path + ": item skipped: " + e.what());
      }
    }
    new_state = after.empty() ? boost::json::value(nullptr) : boost::json::value({{"after", after}});
    has_more = items->size() == req.page_size;
  }

  std::string key_;
  std::string base_;
};

CX_CONNECTOR(Example, "example", "0.1.0", CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_PAYMENTS)
