// The cx_sink the host hands a plugin for an op's output or error JSON: it appends into a
// std::string owned by the caller and refuses (CX_ERR_INTERNAL) past kMaxOutputBytes, so a
// runaway plugin cannot exhaust the memory of whoever calls it (the daemon, or its runner).
#pragma once

#include <connectivity/abi.h>

#include <cstddef>
#include <string>

namespace cx::plugin {

inline constexpr size_t kMaxOutputBytes = 512u << 20;

/// Owns nothing: `target` must outlive every write through the sink.
struct BoundedSink {
  std::string* target;
  static int32_t write(void* ctx, const char* p, size_t n) {
    auto* s = static_cast<BoundedSink*>(ctx);
    if (s->target->size() + n > kMaxOutputBytes) return CX_ERR_INTERNAL;
    s->target->append(p, n);
    return CX_OK;
  }
};

}  // namespace cx::plugin
