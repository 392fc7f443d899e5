// connectivity/pages.hpp — typed fetch requests and pages (sdk/OPS.md "Polling").
//
//   boost::json::value fetch_accounts(const cx::Call& call) override {
//     auto req = cx::FetchRequest::of(call, {.default_size = 100, .max_size = 1000});
//     cx::AccountsPage page;
//     … page.accounts.push_back(…); page.new_state = …; page.has_more = …;
//     return page;  // {"accounts": […], "newState": …, "hasMore": …}
//   }
//
// The page structs name their fields, so a misspelt key ("hasmore", "new_state") does not compile.
#pragma once

#include <connectivity/json.hpp>
#include <connectivity/model.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx {

/// Page-size policy of one op: what to use when the host sends none, and the provider's cap.
struct PageSizeLimits {
  size_t default_size = 100;
  size_t max_size = 1000;
};

/// The request of fetch_accounts / fetch_balances / fetch_external_accounts / fetch_payments:
/// {"state", "fromPayload", "pageSize"}.
struct FetchRequest {
  /// The newState this task returned last time for this parent item; null on the first call.
  /// State is scoped per task and per parent item (sdk/README.md, "State").
  boost::json::value state;
  /// The parent item (an Account under FETCH_ACCOUNTS), or for open-banking connectors
  /// {"psuID", "forwardedUser", "connection", "fromPayload"}; null for a top-level task.
  boost::json::value from_payload;
  /// The host's pageSize clamped to [1, max_size]; default_size when absent or not a positive integer.
  size_t page_size = 100;

  static FetchRequest of(const Call& call, PageSizeLimits limits = {}) {
    const auto& o = call.object();
    FetchRequest r;
    if (auto* s = o.if_contains("state")) r.state = *s;
    if (auto* p = o.if_contains("fromPayload")) r.from_payload = *p;
    r.page_size = std::max<size_t>(1, std::min(limits.default_size, limits.max_size));
    if (auto* n = o.if_contains("pageSize"); n && n->is_number()) {
      boost::system::error_code ec;
      auto v = n->to_number<int64_t>(ec);
      if (!ec && v >= 1) r.page_size = std::min(static_cast<size_t>(v), std::max<size_t>(1, limits.max_size));
    }
    return r;
  }

  /// The parent item as T (e.g. cx::Account for FETCH_BALANCES). Throws Failure
  /// CX_ERR_INVALID_ARGUMENT (field "fromPayload") when there is none or it is not an object.
  template <class T>
  T parent() const {
    if (!from_payload.is_object())
      throw Failure(CX_ERR_INVALID_ARGUMENT, "this task needs a parent item in fromPayload", "fromPayload");
    return boost::json::value_to<T>(from_payload);
  }

  /// The state when the host sent one (an object), else nullopt.
  const boost::json::object* state_object() const { return state.is_object() ? &state.get_object() : nullptr; }
};

/// The connection an open-banking fetch runs for, read from the request's fromPayload
/// {"psuID", "forwardedUser": {providerUserID, accessToken: {token}}, "connection": {connectionID,
/// accessToken: {token}}, "fromPayload": <parent item or null>} (sdk/OPS.md "Polling"). A part
/// that is absent, null, empty or of another type is nullopt; the connector decides which it
/// needs (cx::invalid naming the field). Pointers point into the call's request (valid during the op).
struct OpenBankingScope {
  std::optional<std::string> psu_id;
  std::optional<std::string> provider_user_id;  ///< forwardedUser.providerUserID
  std::optional<std::string> user_token;        ///< forwardedUser.accessToken.token
  std::optional<std::string> connection_id;     ///< connection.connectionID
  std::optional<std::string> connection_token;  ///< connection.accessToken.token
  const boost::json::object* parent = nullptr;  ///< fromPayload.fromPayload when an object

  /// Throws Failure(CX_ERR_INVALID_ARGUMENT, field "fromPayload") when fromPayload is not an object.
  static OpenBankingScope of(const Call& call) {
    auto* from = json::object_or_null(call.object(), "fromPayload");
    if (!from) throw Failure(CX_ERR_INVALID_ARGUMENT, "this fetch needs fromPayload with the PSU connection", "fromPayload");
    auto token_of = [](const boost::json::object* o) -> std::optional<std::string> {
      auto* t = o ? json::object_or_null(*o, "accessToken") : nullptr;
      return t ? json::text_or_none(*t, "token") : std::nullopt;
    };
    OpenBankingScope s;
    s.psu_id = json::text_or_none(*from, "psuID");
    auto* user = json::object_or_null(*from, "forwardedUser");
    auto* connection = json::object_or_null(*from, "connection");
    if (user) s.provider_user_id = json::text_or_none(*user, "providerUserID");
    s.user_token = token_of(user);
    if (connection) s.connection_id = json::text_or_none(*connection, "connectionID");
    s.connection_token = token_of(connection);
    s.parent = json::object_or_null(*from, "fromPayload");
    return s;
  }
};

/// One page of a polling op; the host stores the items and new_state in one transaction and
/// calls again with new_state while has_more. has_more with new_state equal to the input state
/// fails the task (it would loop forever).
struct AccountsPage {
  operator boost::json::value() const;  ///< the op's response JSON
  std::vector<Account> accounts;
  boost::json::value new_state = nullptr;
  bool has_more = false;
};
struct ExternalAccountsPage {
  operator boost::json::value() const;  ///< the op's response JSON
  std::vector<Account> external_accounts;
  boost::json::value new_state = nullptr;
  bool has_more = false;
};
struct BalancesPage {
  operator boost::json::value() const;  ///< the op's response JSON
  std::vector<Balance> balances;
  boost::json::value new_state = nullptr;
  bool has_more = false;
};
struct PaymentsPage {
  operator boost::json::value() const;  ///< the op's response JSON
  std::vector<Payment> payments;
  std::vector<PaymentToDelete> payments_to_delete;
  boost::json::value new_state = nullptr;
  bool has_more = false;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const AccountsPage& p) {
  jv = {{"accounts", boost::json::value_from(p.accounts)}, {"newState", p.new_state}, {"hasMore", p.has_more}};
}
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const ExternalAccountsPage& p) {
  jv = {{"externalAccounts", boost::json::value_from(p.external_accounts)}, {"newState", p.new_state},
        {"hasMore", p.has_more}};
}
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const BalancesPage& p) {
  jv = {{"balances", boost::json::value_from(p.balances)}, {"newState", p.new_state}, {"hasMore", p.has_more}};
}
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const PaymentsPage& p) {
  // paymentsToDelete is always written (possibly []), so readers need no "absent" case.
  jv = {{"payments", boost::json::value_from(p.payments)},
        {"paymentsToDelete", boost::json::value_from(p.payments_to_delete)},
        {"newState", p.new_state},
        {"hasMore", p.has_more}};
}

inline AccountsPage::operator boost::json::value() const { return boost::json::value_from(*this); }
inline ExternalAccountsPage::operator boost::json::value() const { return boost::json::value_from(*this); }
inline BalancesPage::operator boost::json::value() const { return boost::json::value_from(*this); }
inline PaymentsPage::operator boost::json::value() const { return boost::json::value_from(*this); }

}  // namespace cx
