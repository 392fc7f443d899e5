// Reused HTTP connections for webhook attempts (docs/events.md "Delivery"): one keep-alive
// cpp-httplib client per (origin, checked address), owned by one sender thread, so a busy endpoint
// costs one TCP connection per sender instead of one per delivery. The address is part of the
// key: when the endpoint's name resolves elsewhere, the next attempt opens a new connection to the
// newly checked address (no DNS rebinding through an old socket).
#pragma once

#include "host/outbound/endpoint_policy.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace httplib {
class Client;
}

namespace cx::outbound {

/// Not thread-safe: one per sender thread.
class ClientPool {
 public:
  ClientPool();
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  /// The client for `ep`, created on first use with the attempt timeout `timeout_ms`, redirects
  /// not followed and keep-alive on. `reused` tells whether it served an earlier attempt (its
  /// socket may have been closed by the peer meanwhile).
  httplib::Client& get(const ResolvedEndpoint& ep, int64_t timeout_ms, bool& reused);
  /// Closes and forgets the client for `ep` (after a transport error).
  void drop(const ResolvedEndpoint& ep);
  size_t size() const { return clients_.size(); }

 private:
  struct Entry {
    std::unique_ptr<httplib::Client> client;
    bool used = false;
  };
  std::map<std::string, Entry> clients_;
};

/// A cpp-httplib client for the checked endpoint: connects to ep.address, never follows
/// redirects, each phase bounded by timeout_ms.
std::unique_ptr<httplib::Client> make_client(const ResolvedEndpoint& ep, int64_t timeout_ms, bool keep_alive);

}  // namespace cx::outbound
