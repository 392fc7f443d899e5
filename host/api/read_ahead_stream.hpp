// The request stream of one turn of a keep-alive connection, with a read-ahead buffer we can see.
//
// cpp-httplib reads a request head byte by byte, so its socket stream reads ahead 4 KiB at a time
// into a buffer it keeps private. Bytes read ahead belong to the next request of a client that
// pipelines (RFC 9112 §9.3.2); a connection parked or queued again between two requests starts
// its next turn on a fresh stream, and those bytes would be lost. This stream does the reading
// ahead itself, asking the socket stream for reads of at least 4 KiB, which it passes straight to
// the socket, and tells through buffered() whether a request already waits in memory.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace cx::api {

class ReadAheadStream final : public httplib::Stream {
 public:
  /// Reads and writes through `socket_stream` (its timeouts, its socket); not owned.
  explicit ReadAheadStream(httplib::Stream& socket_stream) : inner_(socket_stream), buffer_(kChunk) {}

  /// Bytes received and not yet consumed: the start of a pipelined request.
  size_t buffered() const { return end_ - begin_; }

  bool is_readable() const override { return buffered() > 0 || inner_.is_readable(); }
  bool is_writable() const override { return inner_.is_writable(); }

  ssize_t read(char* ptr, size_t size) override {
    if (buffered() == 0) {
      if (size >= kChunk) return inner_.read(ptr, size);  // a large body: no detour through the buffer
      ssize_t n = inner_.read(buffer_.data(), kChunk);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, buffered());
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override { return inner_.write(ptr, size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { inner_.get_remote_ip_and_port(ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { inner_.get_local_ip_and_port(ip, port); }
  socket_t socket() const override { return inner_.socket(); }

 private:
  // At least cpp-httplib's own read-ahead size (4 KiB), so its stream reads the socket directly.
  static constexpr size_t kChunk = 16 * 1024;
  httplib::Stream& inner_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;
};

}  // namespace cx::api
