// example: a connector for the (fictional) Example Bank API, to copy and adapt.
//
// Provider API (what fixtures in conformance/ record):
//   GET {baseUrl}/accounts?limit=N[&after=ID]  -> {"data": [{"id", "name", "currency", "createdAt"}]}
//   GET {baseUrl}/payments?limit=N[&after=ID]  -> {"data": [{"id", "amount", "currency", "status",
//                                                           "accountId", "createdAt"}]}
// Both lists are sorted by id; `after` returns the items after that id, so the state of a fetch is
// the last id seen ({"after": id}) and a later sync only sees newer items.
// Auth: "Authorization: Bearer <apiKey>". Errors: 401/403 bad key, 429 with Retry-After (seconds).
#include <connectivity/model.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace {

// Status → CX_ERR_* as in the SDK README's "Errors and retries" table. Throws unless 2xx.
void check_status(const cx::HttpResponse& r, const std::string& what) {
  if (r.ok()) return;
  std::string msg = "example: " + what + " answered HTTP " + std::to_string(r.status);
  if (r.status == 401 || r.status == 403) throw cx::Failure(CX_ERR_AUTH, msg);
  if (r.status == 404) throw cx::Failure(CX_ERR_NOT_FOUND, msg);
  if (r.status == 429) {
    // Retry-After in delay-seconds (RFC 9110 section 10.2.3); the host waits at least that long.
    int64_t seconds = 0;
    std::string ra = r.header("retry-after");
    if (!ra.empty() && ra.size() < 9 && ra.find_first_not_of("0123456789") == std::string::npos) seconds = std::stoll(ra);
    throw cx::Failure(CX_ERR_RATE_LIMITED, msg, "", seconds * 1000);
  }
  if (r.status == 408 || r.status >= 500) throw cx::Failure(CX_ERR_UPSTREAM, msg);
  throw cx::Failure(CX_ERR_INVALID_ARGUMENT, msg);
}

// The "data" array of a 2xx body; anything else is the provider's fault (UPSTREAM, retried).
boost::json::array data_of(const cx::HttpResponse& r, const std::string& what) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(r.body, ec);
  auto* data = !ec && body.is_object() ? body.get_object().if_contains("data") : nullptr;
  if (!data || !data->is_array()) throw cx::Failure(CX_ERR_UPSTREAM, "example: " + what + " answered no \"data\" array");
  return data->get_array();
}

std::string str(const boost::json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) throw cx::Failure(CX_ERR_UPSTREAM, std::string("example: item without string \"") + key + "\"");
  return std::string(v->get_string());
}

}  // namespace

class Example final : public cx::Connector {
 public:
  static constexpr const char* kConfigSchema = R"({"type": "object", "required": ["apiKey"],
    "properties": {"apiKey": {"type": "string", "description": "Example Bank API key"},
                   "baseUrl": {"type": "string", "default": "https://api.example.com"}},
    "x-cx-egress-hosts": ["api.example.com:443"]})";

  Example(cx::Host host, const boost::json::object& config) : Connector(std::move(host)) {
    auto* key = config.if_contains("apiKey");
    if (!key || !key->is_string() || key->get_string().empty()) throw cx::invalid("apiKey", "apiKey is required (a string)");
    key_ = key->get_string();
    if (auto* base = config.if_contains("baseUrl")) {
      if (!base->is_string() || !base->get_string().starts_with("http")) throw cx::invalid("baseUrl", "baseUrl must be an http(s) URL");
      base_ = base->get_string();
    }
  }

  boost::json::value fetch_accounts(const cx::Call& call) override {
    auto [items, state, more] = page(call, "/accounts");
    std::vector<cx::Account> out;
    for (auto& v : items) {
      if (!v.is_object()) continue;  // the host would skip it anyway
      const auto& o = v.get_object();
      cx::Account& a = out.emplace_back();
      a.reference = str(o, "id");
      a.created_at = str(o, "createdAt");
      a.name = str(o, "name");
      a.default_asset = str(o, "currency") + "/2";
    }
    return {{"accounts", boost::json::value_from(out)}, {"newState", state}, {"hasMore", more}};
  }

  boost::json::value fetch_payments(const cx::Call& call) override {
    auto [items, state, more] = page(call, "/payments");
    std::vector<cx::Payment> out;
    for (auto& v : items) {
      if (!v.is_object()) continue;
      const auto& o = v.get_object();
      cx::Payment& p = out.emplace_back();
      p.reference = str(o, "id");
      p.created_at = str(o, "createdAt");
      p.type = cx::payment_type::kPayIn;
      p.amount = str(o, "amount");  // minor units, as the provider sends them
      p.asset = str(o, "currency") + "/2";
      p.status = str(o, "status") == "settled" ? cx::payment_status::kSucceeded : cx::payment_status::kPending;
      p.destination_account_reference = str(o, "accountId");
    }
    return {{"payments", boost::json::value_from(out)}, {"paymentsToDelete", boost::json::array{}},
            {"newState", state}, {"hasMore", more}};
  }

 private:
  struct Page {
    boost::json::array items;
    boost::json::value new_state;
    bool has_more;
  };

  // One page after the state's last id; the new state is the last id of this page.
  Page page(const cx::Call& call, const std::string& path) const {
    const auto& req = call.object();
    int64_t limit = 100;
    if (auto* n = req.if_contains("pageSize"); n && n->is_int64()) limit = std::clamp<int64_t>(n->get_int64(), 1, 500);
    std::string after;
    if (auto* s = req.if_contains("state"); s && s->is_object())
      if (auto* a = s->get_object().if_contains("after"); a && a->is_string()) after = a->get_string();
    cx::HttpRequest r;
    r.url = base_ + path + "?limit=" + std::to_string(limit);
    if (!after.empty()) r.url += "&after=" + after;  // ids are [A-Za-z0-9_-]: nothing to encode
    r.headers = {{"Authorization", "Bearer " + key_}, {"Accept", "application/json"}};
    cx::HttpResponse resp = host().http(r, &call);  // &call: bounded by the op's deadline
    check_status(resp, "GET " + path);
    boost::json::array items = data_of(resp, "GET " + path);
    if (!items.empty() && items.back().is_object()) after = str(items.back().get_object(), "id");
    boost::json::value state = after.empty() ? boost::json::value(nullptr) : boost::json::value({{"after", after}});
    bool more = static_cast<int64_t>(items.size()) == limit;
    return {std::move(items), std::move(state), more};
  }

  std::string key_;
  std::string base_ = "https://api.example.com";
};

CX_CONNECTOR(Example, "example", "0.1.0", CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_PAYMENTS)
