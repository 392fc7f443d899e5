#include "host/api/idle_connections.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace cx::api {
namespace {

int checked(int fd, const char* what) {
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  return fd;
}

// How often deadlines are checked while connections are parked; a parked connection outlives its
// keep-alive timeout by at most this much.
constexpr int kDeadlineCheckMs = 100;

}  // namespace

void close_connection(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

IdleConnections::IdleConnections()
    : epoll_fd_(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      wake_fd_(checked(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  thread_ = std::thread([this] { run(); });
}

IdleConnections::~IdleConnections() {
  stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void IdleConnections::set_resume(Resume resume) {
  std::lock_guard lock(mu_);
  resume_ = std::move(resume);
}

void IdleConnections::park(int fd, size_t remaining, Clock::time_point deadline) {
  std::lock_guard lock(mu_);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  if (stopped_ || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close_connection(fd);
    return;
  }
  // The watcher sleeps without a timeout while nothing is parked: wake it to watch the deadline.
  if (parked_.empty()) (void)::eventfd_write(wake_fd_, 1);
  parked_[fd] = Parked{remaining, deadline};
}

void IdleConnections::drop(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  parked_.erase(fd);
}

void IdleConnections::run() {
  std::vector<epoll_event> events(64);
  for (;;) {
    int timeout;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      timeout = parked_.empty() ? -1 : kDeadlineCheckMs;
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    std::lock_guard lock(mu_);
    if (stopped_) return;
    for (int i = 0; i < n; ++i) {
      int fd = events[static_cast<size_t>(i)].data.fd;
      if (fd == wake_fd_) {
        eventfd_t drained;
        (void)::eventfd_read(wake_fd_, &drained);
        continue;
      }
      auto it = parked_.find(fd);
      if (it == parked_.end()) continue;
      size_t remaining = it->second.remaining;
      drop(fd);
      if (resume_) resume_(fd, remaining);  // a peer that closed is read (EOF) and closed there
      else close_connection(fd);
    }
    const auto now = Clock::now();
    for (auto it = parked_.begin(); it != parked_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      int fd = it->first;
      ++it;
      drop(fd);
      close_connection(fd);
    }
  }
}

void IdleConnections::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    (void)::eventfd_write(wake_fd_, 1);
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (auto& [fd, parked] : parked_) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    close_connection(fd);
  }
  parked_.clear();
}

size_t IdleConnections::size() const {
  std::lock_guard lock(mu_);
  return parked_.size();
}

}  // namespace cx::api
