// The generic connector: polls a team's own service speaking the generic-connector API
// (docs/providers/generic.md; reference behaviour docs/api/formance-v3.md §3.3),
// with a composite watermark so no item sharing a timestamp is lost or duplicated.
#include "client.hpp"
#include "config.hpp"
#include "mapping.hpp"
#include "watermark.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/http.hpp>
#include <connectivity/json.hpp>
#include <connectivity/model.hpp>
#include <connectivity/pages.hpp>
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
};

constexpr ListSpec kAccounts{"/accounts", "createdAt:asc", "createdAtFrom", "createdAt", "account"};
constexpr ListSpec kBeneficiaries{"/beneficiaries", "createdAt:asc", "createdAtFrom", "createdAt", "beneficiary"};
constexpr ListSpec kTransactions{"/transactions", "updatedAt:asc", "updatedAtFrom", "updatedAt", "transaction"};

constexpr PageSizeLimits kPageSizes{100, 1000};  // the API's default (OpenAPI `PageSize`) and our cap

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
    AccountsPage page;
    fetch_list(call, kAccounts, page, page.accounts, map_account);
    return page;
  }

  boost::json::value fetch_external_accounts(const Call& call) override {
    ExternalAccountsPage page;
    fetch_list(call, kBeneficiaries, page, page.external_accounts, map_beneficiary);
    return page;
  }

  boost::json::value fetch_payments(const Call& call) override {
    PaymentsPage page;
    fetch_list(call, kTransactions, page, page.payments, map_transaction);
    return page;
  }

  /// GET /accounts/{reference}/balances for the account in fromPayload; one page, no state.
  boost::json::value fetch_balances(const Call& call) override {
    const auto req = FetchRequest::of(call, kPageSizes);
    const Account parent = req.parent<Account>();
    if (parent.reference.empty())
      throw invalid("fromPayload", "fetch_balances needs fromPayload = the account (with its reference)");
    const std::string& account = parent.reference;
    const std::string path = "/accounts/" + percent_encode(account) + "/balances";

    boost::json::value body = client_.get(path, {}, call);
    if (!body.is_object())
      throw Failure(CX_ERR_UPSTREAM, "generic service answered GET " + path + " with " +
                                         std::string(body.is_array() ? "an array" : "a non-object") +
                                         " instead of a Balances object");
    const auto& o = body.get_object();
    BalancesPage page;
    page.new_state = req.state.is_null() ? boost::json::value(boost::json::object{}) : req.state;
    if (auto* id = o.if_contains("accountID"); id && id->is_string() && id->get_string() != account)
      host().warn("generic: GET " + path + " answered for accountID \"" + std::string(id->get_string()) +
                  "\"; balances are stored under the requested account \"" + account + "\"");
    try {
      const std::string at = time::format_rfc3339(timestamp_ms(o, "at"));
      for (const auto& entry : json::required_array(o, "balances")) {
        try {
          if (!entry.is_object()) throw BadItem("the entry is not an object");
          page.balances.push_back(map_balance(entry.get_object(), account, at));
        } catch (const BadItem& e) {
          host().warn("generic: rejected a balance of account \"" + account + "\": " + e.what());
        }
      }
    } catch (const BadItem& e) {
      host().warn("generic: rejected the balances of account \"" + account + "\": " + e.what());
    }
    return page;
  }

 private:
  /// One page of a list: fetch, decide what is new (watermark.hpp), map what is delivered into
  /// `items`, and set the page's newState and hasMore.
  template <class Page, class Item, class MapFn>
  void fetch_list(const Call& call, const ListSpec& spec, Page& page, std::vector<Item>& items, MapFn map) const {
    const auto req = FetchRequest::of(call, kPageSizes);
    const size_t page_size = req.page_size;
    const Cursor cursor = Cursor::from_json(req.state);

    Query query{{"page", std::to_string(cursor.page)},
                {"pageSize", std::to_string(page_size)},
                {"sort", spec.sort}};
    if (cursor.from) query.emplace_back(spec.from_param, *cursor.from);
    boost::json::value body = client_.get(spec.path, query, call);
    if (body.is_null()) body = boost::json::array{};
    if (!body.is_array())
      throw Failure(CX_ERR_UPSTREAM, std::string("generic service answered GET ") + spec.path +
                                         " with a non-array body; the API returns a bare JSON array");
    const auto& received = body.get_array();

    auto reject = [&](const boost::json::value& item, const std::string& why) {
      host().warn(std::string("generic: rejected ") + spec.noun + " \"" + id_for_log(item) + "\" (GET " + spec.path +
                  " page " + std::to_string(cursor.page) + "): " + why);
    };

    std::vector<Row> rows;
    rows.reserve(received.size());
    for (size_t i = 0; i < received.size(); ++i) {
      try {
        if (!received[i].is_object()) throw BadItem("the item is not an object");
        const auto& o = received[i].get_object();
        rows.push_back(Row{json::required_string(o, "id"), timestamp_ms(o, spec.ts_field), i});
      } catch (const BadItem& e) {
        reject(received[i], e.what());
      }
    }

    Step next = step(cursor, std::move(rows), received.size(), page_size);
    for (size_t index : next.deliver) {
      try {
        items.push_back(map(received[index].get_object()));
      } catch (const BadItem& e) {
        reject(received[index], e.what());
      }
    }
    page.new_state = next.next.to_json();
    page.has_more = next.has_more;
  }

  Client client_;
};

}  // namespace cx::generic

CX_CONNECTOR(cx::generic::GenericConnector, "generic", "1.0.0",
             CX_CAP_FETCH_ACCOUNTS | CX_CAP_FETCH_BALANCES | CX_CAP_FETCH_EXTERNAL_ACCOUNTS | CX_CAP_FETCH_PAYMENTS |
                 CX_CAP_ALLOW_ACCOUNT_CREATION | CX_CAP_ALLOW_PAYMENT_CREATION)
