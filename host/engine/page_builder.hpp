// Turns plugin items (the SDK's Account / Balance / Payment JSON, sdk/OPS.md) into one
// store::FetchedPage: encoded ids, UTC ms timestamps, PSU and connection set. An item that
// breaks the contract (bad amount, asset, type or timestamp) is logged with its reference and
// skipped; the rest of the page is kept.
#pragma once

#include "host/store/store.hpp"
#include "host/util/ids.hpp"

#include <boost/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cx::engine {

/// Who the items belong to. psu_id / connection_id apply to every item that does not name its
/// own provider user / connection.
struct ItemOwner {
  std::string connector_id;  ///< encoded ConnectorID
  ids::ConnectorID connector;
  std::optional<std::string> psu_id;
  std::optional<std::string> connection_id;
  /// Key of the references that would carry personal data (store/references.hpp); null = kept as sent.
  const crypto::BlindIndex* references = nullptr;
};

/// providerUserID → PSU id (open-banking webhooks), nullopt when unknown.
using PsuResolver = std::function<std::optional<std::string>(const std::string& provider_user_id)>;

class PageBuilder {
 public:
  PageBuilder(ItemOwner owner, PsuResolver resolve = nullptr);

  /// account_type: store::account_type::kInternal or kExternal.
  void add_accounts(const boost::json::value& items, const char* account_type);
  void add_balances(const boost::json::value& items);
  void add_payments(const boost::json::value& items);
  /// [{reference}] → every payment id that reference can have (the type is part of the id).
  void add_payments_to_delete(const boost::json::value& items);

  store::FetchedPage& page() { return page_; }
  /// The account JSON items added (a child task runs once per parent item).
  const std::vector<boost::json::object>& account_items() const { return account_items_; }
  int rejected() const { return rejected_; }

  /// The account ID of a provider reference (pseudonymous when it is an IBAN).
  std::string account_id(const std::string& reference) const;
  /// The reference as stored and put into IDs: `provider_ref`, or its keyed hash when it is an IBAN.
  std::string reference(const std::string& provider_ref) const;

 private:
  struct Owner {
    std::optional<std::string> psu_id, connection_id;
  };
  Owner owner_of(const boost::json::object& item);
  void reject(const char* kind, const boost::json::object& item, const std::string& why);

  ItemOwner owner_;
  PsuResolver resolve_;
  std::map<std::string, std::optional<std::string>> resolved_;
  store::FetchedPage page_;
  std::vector<boost::json::object> account_items_;
  int rejected_ = 0;
};

}  // namespace cx::engine
