// The generic connector: polls a team's own service speaking the generic-connector API
// (docs/providers/generic.md; reference behaviour docs/api/formance-v3.md §3.3),
// with a composite watermark so no item sharing a timestamp is lost or duplicated.
#include "client.hpp"
#include "config.hpp"
#include "mapping.hpp"
#include "watermark.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/model.hpp>
#include <connectivity/time.hpp>

#include <algorithm>
#include <string>

namespace cx::generic {
namespace {

/// One timestamp-sorted list of the API (docs/providers/generic.md §2).
struct ListSpec {
  const char* path;        ///< "/transactions"
  const char* sort;        ///< sent as `sort`
  const char* from_param;  ///< watermark query parameter
  const char* ts_field;    ///< the timestamp the list is sorted and filtered by
  const char* noun;        ///< for log lines
  const char* out_key;     ///< response key (OPS.md "Polling")
};

constexpr ListSpec kAccounts{"/accounts", "createdAt:asc", "createdAtFrom", "createdAt", "account", "accounts"};
constexpr ListSpec kBeneficiaries{"/beneficiaries", "createdAt:asc", "createdAtFrom", "createdAt", "beneficiary",
                                  "externalAccounts"};
constexpr ListSpec kTransactions{"/transactions", "updatedAt:asc", "updatedAtFrom", "updatedAt", "transaction",
                                 "payments"};

constexpr int64_t kDefaultPageSize = 100;  // the API's default (OpenAPI `PageSize`)
constexpr int64_t kMaxPageSize = 1000;

const boost::json::value& member(const boost::json::object& o, const char* key) {
  static const boost::json::value null;
  auto* v = o.if_contains(key);
  return v ? *v : null;
}

/// The request's pageSize, clamped to [1, kMaxPageSize]; kDefaultPageSize when absent.
size_t page_size_of(const boost::json::object& request) {
  const auto& v = member(request, "pageSize");
  if (!v.is_number()) return kDefaultPageSize;
  boost::system::error_code ec;
  int64_t n = v.to_number<int64_t>(ec);
  if (ec || n < 1) return kDefaultPageSize;
  return static_cast<size_t>(std::min(n, kMaxPageSize));
}

boost::json::object task(const char* type, const char* name, boost::json::array next = {}) {
  return {{"taskType", type}, {"name", name}, {"periodically", true}, {"nextTasks", std::move(next)}};
}

}  // namespace

class GenericConnector final : public Connector {
 public:
  static constexpr const char* kConfigSchema = generic::kConfigSchema;

  GenericConnector(Host host, const boost::json::object& config)
      : Connector(std::move(host)), client_(Connector::host(), parse_config(config)) {}

  /// The reference task tree: accounts → balances per account, external accounts, payments;
  /// all periodic (docs/api/formance-v3.md §3.3).
  boost::json::value install(const Call&) override {
    boost::json::array workflow{
        task("FETCH_ACCOUNTS", "fetch_accounts", {task("FETCH_BALANCES", "fetch_balances")}),
        task("FETCH_EXTERNAL_ACCOUNTS", "fetch_external_accounts"),
        task("FETCH_PAYMENTS", "fetch_payments")};
    return boost::json::object{{"workflow", std::move(workflow)}};
  }

  boost::json::value fetch_accounts(const Call& call) override {
    return fetch_list(call, kAccounts, [](const boost::json::object& o) { return boost::json::value_from(map_account(o)); });
  }

  boost::json::value fetch_external_accounts(const Call& call) override {
    return fetch_list(call, kBeneficiaries,
                      [](const boost::json::object& o) { return boost::json::value_from(map_beneficiary(o)); });
  }

  boost::json::value fetch_payments(const Call& call) override {
    boost::json::object out = fetch_list(
        call, kTransactions, [](const boost::json::object& o) { return boost::json::value_from(map_transaction(o)); });
    out["paymentsToDelete"] = boost::json::array{};
    return out;
  }

  /// GET /accounts/{reference}/balances for the account in fromPayload; one page, no state.
  boost::json::value fetch_balances(const Call& call) override {
    const auto& req = call.object();
    const auto& payload = member(req, "fromPayload");
    const auto* ref = payload.is_object() ? payload.get_object().if_contains("reference") : nullptr;
    if (!ref || !ref->is_string() || ref->get_string().empty())
      throw invalid("fromPayload", "fetch_balances needs fromPayload = the account (with its reference)");
    const std::string account(ref->get_string());
    const std::string path = "/accounts/" + percent_encode(account) + "/balances";

    boost::json::value body = client_.get(path, {}, call);
    if (!body.is_object())
      throw Failure(CX_ERR_UPSTREAM, "generic service answered GET " + path + " with " +
                                         std::string(body.is_array() ? "an array" : "a non-object") +
                                         " instead of a Balances object");
    const auto& o = body.get_object();
    boost::json::array balances;
    auto respond = [&] {
      return boost::json::object{{"balances", std::move(balances)},
                                 {"newState", member(req, "state").is_null() ? boost::json::value(boost::json::object{})
                                                                             : member(req, "state")},
                                 {"hasMore", false}};
    };
    if (auto* id = o.if_contains("accountID"); id && id->is_string() && id->get_string() != account)
      host().warn("generic: GET " + path + " answered for accountID \"" + std::string(id->get_string()) +
                  "\"; balances are stored under the requested account \"" + account + "\"");
    std::string at;
    try {
      at = time::format_rfc3339(timestamp_ms(o, "at"));
    } catch (const BadItem& e) {
      host().warn("generic: rejected the balances of account \"" + account + "\": " + e.what());
      return respond();
    }
    const auto& list = member(o, "balances");
    if (!list.is_array()) {
      host().warn("generic: rejected the balances of account \"" + account + "\": balances is not an array");
      return respond();
    }
    for (const auto& entry : list.get_array()) {
      try {
        if (!entry.is_object()) throw BadItem("the entry is not an object");
        balances.push_back(boost::json::value_from(map_balance(entry.get_object(), account, at)));
      } catch (const BadItem& e) {
        host().warn("generic: rejected a balance of account \"" + account + "\": " + e.what());
      }
    }
    return respond();
  }

 private:
  /// One page of a list: fetch, decide what is new (watermark.hpp), map what is delivered.
  template <class MapFn>
  boost::json::object fetch_list(const Call& call, const ListSpec& spec, MapFn map) const {
    const auto& req = call.object();
    const size_t page_size = page_size_of(req);
    const Cursor cursor = Cursor::from_json(member(req, "state"));

    Query query{{"page", std::to_string(cursor.page)},
                {"pageSize", std::to_string(page_size)},
                {"sort", spec.sort}};
    if (cursor.from) query.emplace_back(spec.from_param, *cursor.from);
    boost::json::value body = client_.get(spec.path, query, call);
    if (body.is_null()) body = boost::json::array{};
    if (!body.is_array())
      throw Failure(CX_ERR_UPSTREAM, std::string("generic service answered GET ") + spec.path +
                                         " with a non-array body; the API returns a bare JSON array");
    const auto& items = body.get_array();

    auto reject = [&](const boost::json::value& item, const std::string& why) {
      host().warn(std::string("generic: rejected ") + spec.noun + " \"" + id_for_log(item) + "\" (GET " + spec.path +
                  " page " + std::to_string(cursor.page) + "): " + why);
    };

    std::vector<Row> rows;
    rows.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      try {
        if (!items[i].is_object()) throw BadItem("the item is not an object");
        const auto& o = items[i].get_object();
        const auto* id = o.if_contains("id");
        if (!id || !id->is_string() || id->get_string().empty()) throw BadItem("id is missing or not a string");
        rows.push_back(Row{std::string(id->get_string()), timestamp_ms(o, spec.ts_field), i});
      } catch (const BadItem& e) {
        reject(items[i], e.what());
      }
    }

    Step next = step(cursor, std::move(rows), items.size(), page_size);
    boost::json::array out;
    for (size_t index : next.deliver) {
      try {
        out.push_back(map(items[index].get_object()));
      } catch (const BadItem& e) {
        reject(items[index], e.what());
      }
    }
    return boost::json::object{{spec.out_key, std::move(out)}, {"newState", next.next.to_json()},
                               {"hasMore", next.has_more}};
  }

  Client client_;
};

}  // namespace cx::generic

CX_CONNECTOR(cx::generic::GenericConnector, "generic", "1.0.0",
             CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS | CX_CAP_FETCH_PAYMENTS |
                 CX_CAP_ALLOW_ACCOUNT_CREATION | CX_CAP_ALLOW_PAYMENT_CREATION)
