// connectivity-plugin-host — runs one connector plugin (.so) out of the daemon's process.
//   connectivity-plugin-host --plugin FILE --parent PID [--memory-limit BYTES]
// connectivityd starts it with its channel on descriptor 3 (stdin/stdout/stderr on /dev/null, no
// other descriptor) in a process group of its own. It loads the plugin with the daemon's loader
// and validation, creates the instance on the Create frame, and serves each attached socket's
// calls on a thread of its own (ops are thread-safe by the ABI). Host services called on an op's
// thread go back to the daemon over that op's socket. It exits when the daemon closes the channel
// and is killed with it (PR_SET_PDEATHSIG). Exit codes: 0 channel closed, 2 usage, 3 protocol.
#include "host/plugin/bounded_sink.hpp"
#include "host/plugin/channel.hpp"
#include "host/plugin/library.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using namespace cx::plugin;
namespace ch = cx::plugin::channel;

constexpr int kControlFd = 3;

std::shared_ptr<const PluginLibrary> g_lib;
cx_instance* g_self = nullptr;
thread_local int t_conn = -1;  // the socket of the op (or create) running on this thread

std::string_view view(cx_bytes b) { return b.len ? std::string_view(b.ptr, b.len) : std::string_view{}; }
int32_t put(cx_sink* s, std::string_view v) { return s && s->write ? s->write(s->ctx, v.data(), v.size()) : CX_OK; }


/// One host-service round trip on this thread's socket; false when no daemon answers.
bool service(ch::Kind kind, ch::Frame& reply, std::string_view a = {}, std::string_view b = {}, int64_t num = 0,
             int32_t code = 0) {
  if (t_conn < 0) return false;
  ch::Header h;
  h.kind = kind;
  h.num = num;
  h.code = code;
  if (!ch::send(t_conn, h, a, b)) return false;
  return ch::recv(t_conn, reply) == ch::ReadStatus::Ok && reply.h.kind == ch::Kind::ServiceReply;
}

int32_t no_daemon(cx_sink* err) {
  put(err, R"({"message":"host services are only available on the thread running an op"})");
  return CX_ERR_INTERNAL;
}

void svc_log(cx_host_ctx*, int32_t level, cx_bytes msg) {
  if (t_conn < 0) return;
  ch::Header h;
  h.kind = ch::Kind::Log;
  h.code = level;
  ch::send(t_conn, h, view(msg));
}
int64_t svc_now(cx_host_ctx*) {
  ch::Frame r;
  if (service(ch::Kind::Now, r)) return r.h.num;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
int32_t svc_random(cx_host_ctx*, uint8_t* out, size_t n) {
  ch::Frame r;
  if (n > (1u << 20) || !service(ch::Kind::Random, r, {}, {}, static_cast<int64_t>(n))) return CX_ERR_INTERNAL;
  if (r.h.code != CX_OK || r.a.size() != n) return CX_ERR_INTERNAL;
  std::memcpy(out, r.a.data(), n);
  return CX_OK;
}
int32_t svc_http(cx_host_ctx*, const cx_call* call, cx_bytes head, cx_bytes body, cx_sink* resp_head,
                 cx_sink* resp_body, cx_sink* err) {
  int64_t deadline = call && call->struct_size >= CX_CALL_SIZE_1_0 ? call->deadline_unix_ms : 0;
  ch::Frame r;
  if (!service(ch::Kind::Http, r, view(head), view(body), deadline)) return no_daemon(err);
  if (r.h.code != CX_OK) {
    put(err, r.a);
    return r.h.code;
  }
  if (int32_t rc = put(resp_head, r.a); rc != CX_OK) return rc;
  return put(resp_body, r.b);
}
int32_t svc_state_get(cx_host_ctx*, cx_bytes key, cx_sink* value) {
  ch::Frame r;
  if (!service(ch::Kind::StateGet, r, view(key))) return CX_ERR_INTERNAL;
  if (r.h.code != CX_OK) return r.h.code;
  return put(value, r.a);
}
int32_t svc_state_put(cx_host_ctx*, cx_bytes key, cx_bytes value) {
  ch::Frame r;
  if (!service(ch::Kind::StatePut, r, view(key), view(value))) return CX_ERR_INTERNAL;
  return r.h.code;
}
int32_t svc_state_delete(cx_host_ctx*, cx_bytes key) {
  ch::Frame r;
  if (!service(ch::Kind::StateDelete, r, view(key))) return CX_ERR_INTERNAL;
  return r.h.code;
}

cx_host_api make_api() {
  cx_host_api api{};
  api.struct_size = sizeof(cx_host_api);
  api.abi_version = CX_ABI_VERSION;
  api.ctx = nullptr;
  api.log = &svc_log;
  api.now_unix_ms = &svc_now;
  api.random = &svc_random;
  api.http = &svc_http;
  api.state_get = &svc_state_get;
  api.state_put = &svc_state_put;
  api.state_delete = &svc_state_delete;
  return api;
}
const cx_host_api g_api = make_api();

std::string err_json(const std::string& message) {
  return boost::json::serialize(boost::json::object{{"message", message}});
}

/// Serves calls on one attached socket until the daemon closes it.
void serve(int fd) {
  t_conn = fd;
  ch::Frame f;
  for (;;) {
    auto s = ch::recv(fd, f);
    if (s != ch::ReadStatus::Ok) break;
    if (f.h.kind != ch::Kind::Call) _exit(3);
    ch::Header res;
    res.kind = ch::Kind::Result;
    std::string out, err;
    constexpr size_t kOpCount = sizeof(kOps) / sizeof(kOps[0]);
    cx_op_fn fn = f.h.op < kOpCount && g_self ? g_lib->descriptor().*kOps[f.h.op].slot : nullptr;
    if (!fn) {
      res.code = CX_ERR_UNSUPPORTED;
      err = err_json("op not supported by this plugin");
    } else {
      BoundedSink os{&out}, es{&err};
      cx_sink o{&os, &BoundedSink::write}, e{&es, &BoundedSink::write};
      cx_call c{};
      c.struct_size = sizeof(cx_call);
      c.request_json = cx_bytes{f.a.data(), f.a.size()};
      c.deadline_unix_ms = f.h.num;
      res.code = fn(g_self, &c, &o, &e);
    }
    if (!ch::send(fd, res, out, err)) break;
  }
  ::close(fd);
}

int32_t create(const std::string& config, std::string& err) {
  if (!g_lib) return CX_ERR_INTERNAL;
  if (g_self) {
    err = err_json("instance already created");
    return CX_ERR_INTERNAL;
  }
  BoundedSink es{&err};
  cx_sink sink{&es, &BoundedSink::write};
  t_conn = kControlFd;
  int32_t rc = g_lib->descriptor().create(&g_api, cx_bytes{config.data(), config.size()}, &g_self, &sink);
  t_conn = -1;
  if (rc == CX_OK && !g_self) rc = CX_ERR_INTERNAL;
  if (rc != CX_OK) g_self = nullptr;
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plugin;
  long long parent = 0, memory_limit = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--plugin") plugin = argv[i + 1];
    else if (k == "--parent") parent = std::atoll(argv[i + 1]);
    else if (k == "--memory-limit") memory_limit = std::atoll(argv[i + 1]);
    else return 2;
  }
  if (plugin.empty() || parent <= 0) return 2;
  // Die with the daemon; if it is already gone, the parent is no longer the one named.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != static_cast<pid_t>(parent)) return 0;
  std::signal(SIGPIPE, SIG_IGN);
  if (memory_limit > 0) {
    rlimit rl{static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    ::setrlimit(RLIMIT_AS, &rl);
  }

  std::string load_error;
  try {
    g_lib = PluginLibrary::load(plugin);
  } catch (const std::exception& e) {
    load_error = e.what();
  }

  ch::Frame f;
  for (;;) {
    int passed = -1;
    auto s = ch::recv(kControlFd, f, -1, &passed);
    if (s != ch::ReadStatus::Ok) _exit(s == ch::ReadStatus::Closed ? 0 : 3);
    switch (f.h.kind) {
      case ch::Kind::Create: {
        ch::Header h;
        h.kind = ch::Kind::Created;
        std::string err = load_error.empty() ? std::string() : err_json(load_error);
        h.code = load_error.empty() ? create(f.a, err) : CX_ERR_INTERNAL;
        if (!ch::send(kControlFd, h, {}, err)) _exit(0);
        break;
      }
      case ch::Kind::Attach:
        if (passed < 0) _exit(3);
        std::thread(serve, passed).detach();
        break;
      default: _exit(3);
    }
  }
}
