// Keep-alive connections between two requests, watched by one thread instead of each holding an
// HTTP worker.
//
// cpp-httplib serves a connection on one pool thread for its whole keep-alive life, so with N
// workers, N idle clients (an SDK's connection pool, a browser) stall every other client until
// their keep-alive timeout runs out (5 s). The server parks a connection here as soon as other
// connections wait for a worker, or after a short linger, and this watcher hands it back to the
// pool when its next request arrives (epoll, Linux).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace cx::api {

class IdleConnections {
 public:
  using Clock = std::chrono::steady_clock;
  /// Called with a parked socket that became readable (or was closed by the peer) and the
  /// requests it may still make. Takes ownership of the socket. Runs on the watcher thread with
  /// the watcher's lock held: it must only queue work, never block or park.
  using Resume = std::function<void(int fd, size_t remaining)>;

  /// Starts the watcher thread. Throws std::system_error when epoll or eventfd cannot be created.
  IdleConnections();
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  /// Where readable connections go. Set while the worker pool lives; clear it (nullptr) before
  /// the pool stops: afterwards a readable connection is closed instead.
  void set_resume(Resume resume);

  /// Takes ownership of the connected socket `fd`: it is resumed when readable, or shut down and
  /// closed at `deadline` (the keep-alive timeout) or at stop(), whichever comes first.
  void park(int fd, size_t remaining, Clock::time_point deadline);

  /// Closes every parked socket and joins the watcher; park() then closes at once. Idempotent.
  void stop();

  /// Sockets parked right now.
  size_t size() const;

 private:
  struct Parked {
    size_t remaining;
    Clock::time_point deadline;
  };
  void run();
  void drop(int fd);  // with mu_ held: unwatch and forget

  const int epoll_fd_;
  const int wake_fd_;
  mutable std::mutex mu_;
  std::unordered_map<int, Parked> parked_;
  Resume resume_;
  bool stopped_ = false;
  std::thread thread_;
};

/// Shuts a connected socket down both ways and closes it.
void close_connection(int fd);

}  // namespace cx::api
