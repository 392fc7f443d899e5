// The daemons ("nodes") serving one database, each with its last heartbeat. On PostgreSQL several
// nodes share the database (docs/postgres.md); on SQLite the one node writes its row too, so
// /_info and /metrics read the same way on both. A node whose heartbeat is older than the
// liveness window is gone; its task leases expire on their own and another node takes them over.
#pragma once

#include "host/store/tx.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cx::store {

struct NodeRecord {
  std::string node_id;     ///< --node-id (unique per process in a cluster)
  std::string version;     ///< the node's connectivityd version
  int64_t started_at = 0;  ///< UTC ms
  int64_t heartbeat_at = 0;  ///< UTC ms, the node's last heartbeat
};

namespace nodes {
/// Inserts the node's row, or moves its heartbeat to n.heartbeat_at (version and start updated).
void heartbeat(WriteTx& tx, const NodeRecord& n);
/// Every node row, by node id.
std::vector<NodeRecord> list(Tx& tx);
/// Deletes rows whose heartbeat is older than cutoff (UTC ms); returns how many.
int remove_older_than(WriteTx& tx, int64_t cutoff);
/// Deletes every row but node_id's (a single-node database forgetting its earlier runs).
void remove_others(WriteTx& tx, std::string_view node_id);
}  // namespace nodes

namespace claims {
/// Takes the named claim for `holder` until `until` (UTC ms) when it is free (never taken, or its
/// last holder's time ran out by now); false when another holder's claim still runs. One atomic
/// statement, so of several nodes racing for the same name one wins: periodic work that must run
/// once per period cluster-wide (a policy's scheduled reconciliation) takes a claim first.
bool take(WriteTx& tx, std::string_view name, std::string_view holder, int64_t now, int64_t until);
}  // namespace claims

}  // namespace cx::store
