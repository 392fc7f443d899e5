#include "host/engine/node.hpp"

#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <unistd.h>

namespace cx::engine {

std::string default_node_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || !*host) std::snprintf(host, sizeof host, "node");
  return std::string(host) + "-" + util::uuid_v4().substr(0, 8);
}

Node::Node(store::Database& db, NodeOptions options, std::function<void()> chores)
    : db_(db), options_(std::move(options)), chores_(std::move(chores)) {}

Node::~Node() { stop(); }

void Node::start() {
  started_at_ = db_.now();
  // SQLite: this is the database's only node, so rows of earlier runs go.
  if (!db_.shared()) db_.write([&](store::WriteTx& tx) { store::nodes::remove_others(tx, options_.id); });
  beat();
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void Node::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Node::beat() {
  int64_t at = db_.write([&](store::WriteTx& tx) {
    const int64_t now = tx.now();
    store::nodes::heartbeat(tx, store::NodeRecord{options_.id, options_.version, started_at_, now});
    store::nodes::remove_older_than(tx, now - options_.forget_after_ms);
    return now;
  });
  heartbeat_at_ = at;
}

void Node::loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms), [&] { return stopping_; })) return;
    }
    try {
      beat();
    } catch (const std::exception& e) {
      util::log().error("node {}: heartbeat failed: {}", options_.id, e.what());
    }
    if (!chores_) continue;
    try {
      chores_();
    } catch (const std::exception& e) {
      util::log().error("node {}: {}", options_.id, e.what());
    }
  }
}

std::vector<Node::Peer> Node::peers() const {
  auto rows = db_.read([](store::ReadTx& tx) { return store::nodes::list(tx); });
  const int64_t now = db_.now();
  std::vector<Peer> out;
  for (auto& r : rows) {
    bool live = now - r.heartbeat_at <= options_.live_window_ms;
    out.push_back(Peer{std::move(r), live});
  }
  return out;
}

}  // namespace cx::engine
