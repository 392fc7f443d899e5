// Connectors: one row per installed connector. The whole config JSON is sealed under the
// connector's data key (it holds clientSecret, apiKey, …); name and provider stay clear for lookups.
#pragma once

#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct ConnectorRecord {
  std::string id;          ///< encoded ConnectorID (base64url of canonical JSON), from the caller
  std::string reference;   ///< uuid
  std::string name;        ///< unique across connectors
  std::string provider;    ///< lower-case plugin id ("powens")
  boost::json::object config;  ///< plugin fields + name + pollingPeriod (sealed at rest)
  bool scheduled_for_deletion = false;
  int64_t created_at = 0;  ///< UTC ms
  int64_t updated_at = 0;  ///< UTC ms
};

namespace connectors {
/// Inserts and creates the connector's data key. Conflict on a taken id or name.
void insert(WriteTx& tx, const ConnectorRecord& c);
std::optional<ConnectorRecord> get(Tx& tx, std::string_view id);
/// Replaces the config (PATCH …/config); sets updated_at = now. NotFound.
void update_config(WriteTx& tx, std::string_view id, const boost::json::object& config);
/// Flags the connector during uninstall. NotFound.
void set_scheduled_for_deletion(WriteTx& tx, std::string_view id, bool value);
/// Deletes the connector and everything that cascades from it (accounts, payments, balances,
/// states, webhooks, schedules, forwarded users, connections…), then destroys its data key.
/// Tasks are kept (their status outlives the connector). False when it did not exist.
bool remove(WriteTx& tx, std::string_view id);
/// Filter keys: id, name, provider ($match, $in; provider compared lower-cased).
Page<ConnectorRecord> list(Tx& tx, const PageQuery& q);
/// Every connector, oldest first (daemon start: load the plugins).
std::vector<ConnectorRecord> all(Tx& tx);
/// Every connector's id → updated_at (UTC ms), without opening any config: what a node compares
/// with the connectors it runs to notice installs, changes and removals made by other nodes.
std::map<std::string, int64_t> versions(Tx& tx);
}  // namespace connectors

}  // namespace cx::store
