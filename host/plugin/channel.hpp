// The private channel between connectivityd and one plugin runner (connectivity-plugin-host):
// a Unix stream socket carrying length-prefixed frames. Each frame is a fixed 24-byte header and
// two payloads (a, b) sent with one writev. Payloads are the ABI's JSON/bytes unchanged, so the
// channel adds no parsing of its own. Both sides treat what they read as hostile: sizes are
// bounded and an unknown kind ends the channel.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cx::plugin::channel {

/// What a frame carries. Daemon -> runner: Create, Call, Attach, ServiceReply.
/// Runner -> daemon: Created, Result, and the host-service requests (Log .. StateDelete).
enum class Kind : uint8_t {
  Create = 1,        ///< a = config JSON; answered by Created (code, b = err JSON)
  Call = 2,          ///< op = op index, num = deadline (UTC ms, 0 none), a = request JSON
  Attach = 3,        ///< carries one socket (SCM_RIGHTS) to serve calls on; no answer
  Created = 4,       ///< code; b = err JSON when code != CX_OK
  Result = 5,        ///< code; a = out JSON, b = err JSON
  Log = 10,          ///< code = level, a = message; no answer
  Now = 11,          ///< answered with num = UTC ms
  Random = 12,       ///< num = byte count (<= 1 MiB); answered with code, a = bytes
  Http = 13,         ///< num = call deadline, a = head JSON, b = body; answer: code, a = head or err, b = body
  StateGet = 14,     ///< a = key; answer: code, a = value
  StatePut = 15,     ///< a = key, b = value; answer: code
  StateDelete = 16,  ///< a = key; answer: code
  ServiceReply = 20,
};

struct Header {
  uint32_t a_len = 0;
  uint32_t b_len = 0;
  Kind kind{};
  uint8_t op = 0;
  uint16_t reserved = 0;
  int32_t code = 0;
  int64_t num = 0;
};
static_assert(sizeof(Header) == 24);

/// Largest a + b a reader accepts (the op output bound of the in-process path, plus headroom).
inline constexpr uint64_t kMaxPayload = (512ull << 20) + (1u << 20);

struct Frame {
  Header h;
  std::string a, b;
};

/// Writes one frame (retries on EINTR and short writes). False when the peer is gone.
bool send(int fd, const Header& h, std::string_view a = {}, std::string_view b = {});
/// Sends an Attach frame passing `passed` over fd. False when the peer is gone.
bool send_fd(int fd, int passed);

enum class ReadStatus { Ok, Closed, TimedOut, Invalid };
/// Reads one frame. deadline_steady_ms: a std::chrono::steady_clock time in ms past which it
/// gives up (TimedOut), or -1 to wait without bound. passed_fd receives a descriptor sent with
/// the frame (Attach), else -1.
ReadStatus recv(int fd, Frame& out, int64_t deadline_steady_ms = -1, int* passed_fd = nullptr);

/// std::chrono::steady_clock now in ms.
int64_t steady_ms();

}  // namespace cx::plugin::channel
