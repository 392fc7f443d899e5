#include "host/outbound/client_pool.hpp"

#include <httplib.h>

namespace cx::outbound {

namespace {
// Bounds the sockets one sender keeps open; past it every idle connection is closed at once
// (simple, and only reached with that many distinct endpoints).
constexpr size_t kMaxClients = 64;

std::string key_of(const ResolvedEndpoint& ep) { return ep.url.origin() + "|" + ep.address; }
}  // namespace

std::unique_ptr<httplib::Client> make_client(const ResolvedEndpoint& ep, int64_t timeout_ms, bool keep_alive) {
  auto cli = std::make_unique<httplib::Client>(ep.url.origin());
  cli->set_hostname_addr_map({{ep.url.host, ep.address}});  // connect to the address that was checked
  cli->set_follow_location(false);
  cli->set_keep_alive(keep_alive);
  // Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm holds the
  // body until the peer's delayed ACK (~40 ms per delivery on a kept-alive connection).
  cli->set_tcp_nodelay(true);
  const auto sec = static_cast<time_t>(timeout_ms / 1000), usec = static_cast<time_t>((timeout_ms % 1000) * 1000);
  cli->set_connection_timeout(sec, usec);
  cli->set_read_timeout(sec, usec);
  cli->set_write_timeout(sec, usec);
  return cli;
}

ClientPool::ClientPool() = default;
ClientPool::~ClientPool() = default;

httplib::Client& ClientPool::get(const ResolvedEndpoint& ep, int64_t timeout_ms, bool& reused) {
  const std::string key = key_of(ep);
  auto it = clients_.find(key);
  if (it == clients_.end()) {
    if (clients_.size() >= kMaxClients) clients_.clear();
    it = clients_.emplace(key, Entry{make_client(ep, timeout_ms, true), false}).first;
  }
  reused = it->second.used;
  it->second.used = true;
  return *it->second.client;
}

void ClientPool::drop(const ResolvedEndpoint& ep) { clients_.erase(key_of(ep)); }

}  // namespace cx::outbound
