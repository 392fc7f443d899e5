// This daemon as one node of the database's cluster: its identity, a heartbeat row in the store
// (store/nodes.hpp) and the periodic chores a shared database needs. Every node runs the same loop;
// nothing is elected. With SQLite there is one node and the loop only beats.
#pragma once

#include "host/store/store.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cx::engine {

struct NodeOptions {
  std::string id;                 ///< --node-id; unique among the nodes sharing a database
  std::string version = "dev";    ///< connectivityd version, stored with the heartbeat
  int64_t heartbeat_ms = 2000;    ///< how often the node's row is refreshed
  /// A node whose heartbeat is older than this is reported gone (its leases expire on their own).
  int64_t live_window_ms = 10000;
  int64_t forget_after_ms = 24LL * 3600 * 1000;  ///< rows of nodes silent this long are deleted
};

/// `<hostname>-<8 hex digits>`: unique per process, readable in /_info and task leases.
std::string default_node_id();

class Node {
 public:
  /// chores run on the node's thread after each heartbeat (exceptions are logged, not thrown).
  Node(store::Database& db, NodeOptions options, std::function<void()> chores = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Writes the first heartbeat (throws when the database refuses it), then beats every
  /// heartbeat_ms on a thread of its own.
  void start();
  void stop();

  const std::string& id() const { return options_.id; }
  int64_t started_at() const { return started_at_; }
  /// UTC ms of the last heartbeat the database accepted (0 before start).
  int64_t heartbeat_at() const { return heartbeat_at_.load(); }
  const NodeOptions& options() const { return options_; }

  struct Peer {
    store::NodeRecord record;
    bool live = false;  ///< heartbeat within live_window_ms of now
  };
  /// Every node row of the database, this one included, by node id.
  std::vector<Peer> peers() const;

 private:
  void beat();
  void loop();

  store::Database& db_;
  NodeOptions options_;
  std::function<void()> chores_;
  int64_t started_at_ = 0;
  std::atomic<int64_t> heartbeat_at_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cx::engine
