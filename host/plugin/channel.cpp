#include "host/plugin/channel.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace cx::plugin::channel {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool send(int fd, const Header& h, std::string_view a, std::string_view b) {
  Header hh = h;
  hh.a_len = static_cast<uint32_t>(a.size());
  hh.b_len = static_cast<uint32_t>(b.size());
  iovec iov[3] = {{&hh, sizeof hh}, {const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
  int idx = 0;
  while (idx < 3) {
    msghdr m{};
    m.msg_iov = iov + idx;
    m.msg_iovlen = 3 - idx;
    ssize_t n = ::sendmsg(fd, &m, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t left = static_cast<size_t>(n);
    while (idx < 3 && left >= iov[idx].iov_len) left -= iov[idx++].iov_len;
    if (idx < 3) {
      iov[idx].iov_base = static_cast<char*>(iov[idx].iov_base) + left;
      iov[idx].iov_len -= left;
    }
  }
  return true;
}

bool send_fd(int fd, int passed) {
  Header h;
  h.kind = Kind::Attach;
  iovec iov{&h, sizeof h};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &passed, sizeof(int));
  for (;;) {
    ssize_t n = ::sendmsg(fd, &m, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof h)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // a 24-byte frame is never split on a stream socket with room; treat as gone
  }
}

namespace {
/// Waits until fd is readable or the deadline passes.
ReadStatus wait_readable(int fd, int64_t deadline) {
  if (deadline < 0) return ReadStatus::Ok;
  for (;;) {
    int64_t left = deadline - steady_ms();
    if (left <= 0) return ReadStatus::TimedOut;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60000)));
    if (r > 0) return ReadStatus::Ok;
    if (r < 0 && errno != EINTR) return ReadStatus::Closed;
  }
}

ReadStatus read_exact(int fd, char* p, size_t n, int64_t deadline, int* passed_fd) {
  // With a deadline, read without blocking first and poll only when nothing is there: bulk
  // payloads then cost one system call per chunk instead of two.
  const int flags = deadline >= 0 ? MSG_DONTWAIT : 0;
  while (n > 0) {
    ssize_t got;
    if (passed_fd) {
      iovec iov{p, n};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
      msghdr m{};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      got = ::recvmsg(fd, &m, MSG_CMSG_CLOEXEC | flags);
      if (got > 0)
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
            int fdv;
            std::memcpy(&fdv, CMSG_DATA(c), sizeof(int));
            if (*passed_fd >= 0) ::close(*passed_fd);
            *passed_fd = fdv;
          }
    } else {
      got = ::recv(fd, p, n, flags);
    }
    if (got == 0) return ReadStatus::Closed;
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (auto w = wait_readable(fd, deadline); w != ReadStatus::Ok) return w;
        continue;
      }
      return ReadStatus::Closed;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return ReadStatus::Ok;
}
}  // namespace

ReadStatus recv(int fd, Frame& out, int64_t deadline, int* passed_fd) {
  if (passed_fd) *passed_fd = -1;
  if (auto s = read_exact(fd, reinterpret_cast<char*>(&out.h), sizeof out.h, deadline, passed_fd); s != ReadStatus::Ok)
    return s;
  if (static_cast<uint64_t>(out.h.a_len) + out.h.b_len > kMaxPayload) return ReadStatus::Invalid;
  out.a.resize(out.h.a_len);
  out.b.resize(out.h.b_len);
  if (auto s = read_exact(fd, out.a.data(), out.a.size(), deadline, nullptr); s != ReadStatus::Ok) return s;
  return read_exact(fd, out.b.data(), out.b.size(), deadline, nullptr);
}

}  // namespace cx::plugin::channel
