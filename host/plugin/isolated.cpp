#include "host/plugin/isolated.hpp"

#include "host/plugin/channel.hpp"
#include "host/plugin/instance.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <future>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace cx::plugin {

namespace ch = channel;

namespace {
IsolationSettings& settings() {
  static IsolationSettings s;
  return s;
}

std::string err_json(const std::string& message) {
  return boost::json::serialize(boost::json::object{{"message", message}});
}

/// "signal 11 (SIGSEGV)" / "exit code 3" from a waitpid status.
std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return "signal " + std::to_string(sig) + " (SIG" + (abbrev ? abbrev : "?") + ")";
  }
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  return "unknown status " + std::to_string(status);
}

/// Runners are spawned from one long-lived thread: PR_SET_PDEATHSIG fires when the *thread*
/// that forked the runner ends, and request threads come and go.
class Launcher {
 public:
  static Launcher& get() {
    static Launcher* l = new Launcher();  // never destroyed: runners must outlive static teardown
    return *l;
  }
  pid_t spawn(std::function<pid_t()> fn) {
    std::packaged_task<pid_t()> task(std::move(fn));
    auto f = task.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return f.get();
  }

 private:
  Launcher() {
    std::thread([this] {
      for (;;) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        auto task = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
      }
    }).detach();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<pid_t()>> queue_;
};
}  // namespace

bool serve_until(const HostServices& services, int fd, ch::Kind until, int64_t kill_at, RemoteResult& result);

void set_isolation(IsolationSettings s) { settings() = std::move(s); }
const IsolationSettings& isolation() { return settings(); }

/// One runner process: its control socket and the idle call sockets.
class Runner {
 public:
  pid_t pid = 0;
  int control = -1;

  ~Runner() { kill("stopped"); }

  /// A socket to run one call on: an idle one, or a fresh pair whose far end goes to the runner.
  int take() {
    {
      std::lock_guard lock(mu_);
      if (dead_) return -1;
      if (!idle_.empty()) {
        int fd = idle_.back();
        idle_.pop_back();
        return fd;
      }
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -1;
    bool sent;
    {
      std::lock_guard lock(control_mu_);
      sent = ch::send_fd(control, sv[1]);
    }
    ::close(sv[1]);
    if (!sent) {
      ::close(sv[0]);
      return -1;
    }
    return sv[0];
  }

  void give_back(int fd) {
    std::lock_guard lock(mu_);
    if (dead_ || idle_.size() >= 64) ::close(fd);
    else idle_.push_back(fd);
  }

  /// Kills the runner (if still alive) and reaps it. Returns true when this call ended it.
  bool kill(const std::string& reason) {
    std::lock_guard lock(mu_);
    if (dead_) return false;
    dead_ = true;
    death_ = reason;
    if (pid > 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    close_all();
    return true;
  }

  /// The runner closed a call socket: collect how it ended. first is set for the caller that
  /// saw the death first (the one that reports it).
  std::string reap(bool& first) {
    std::lock_guard lock(mu_);
    first = !dead_;
    if (dead_) return death_;
    dead_ = true;
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 200 && (r = ::waitpid(pid, &status, WNOHANG)) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (r == 0) {  // alive but closed our socket: not a runner we can trust
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      death_ = "broke its channel and was killed";
    } else {
      death_ = describe(status);
    }
    close_all();
    return death_;
  }

  bool dead() const {
    std::lock_guard lock(mu_);
    return dead_;
  }

 private:
  void close_all() {
    for (int fd : idle_) ::close(fd);
    idle_.clear();
    if (control >= 0) ::close(control);
    control = -1;
  }
  mutable std::mutex mu_;
  std::mutex control_mu_;
  std::vector<int> idle_;
  bool dead_ = false;
  std::string death_;
};

IsolatedPlugin::IsolatedPlugin(std::shared_ptr<const PluginLibrary> library, const HostServices& services,
                               std::string config_json, FaultSink on_fault)
    : library_(std::move(library)), services_(services), config_(std::move(config_json)), on_fault_(std::move(on_fault)) {
  std::string error;
  int32_t code = CX_OK;
  runner_ = start(error, code);
  if (!runner_) {
    CallResult r{code, {}, error};
    throw CreateError(code, r.message(), r.field());
  }
}

IsolatedPlugin::~IsolatedPlugin() = default;

int IsolatedPlugin::pid() const {
  std::lock_guard lock(mu_);
  return runner_ && !runner_->dead() ? runner_->pid : 0;
}

std::shared_ptr<Runner> IsolatedPlugin::start(std::string& error, int32_t& code) const {
  const auto& s = settings();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    code = CX_ERR_INTERNAL;
    error = err_json("cannot create the plugin channel: " + std::string(std::strerror(errno)));
    return nullptr;
  }
  const std::string runner = s.runner.string(), plugin = library_->path().string();
  const std::string parent = std::to_string(::getpid()), limit = std::to_string(s.memory_limit_bytes);
  int child_end = sv[1];
  pid_t pid = Launcher::get().spawn([&]() -> pid_t {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, child_end, 3);
    posix_spawn_file_actions_addclosefrom_np(&fa, 4);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> argv = {const_cast<char*>(runner.c_str()), const_cast<char*>("--plugin"),
                               const_cast<char*>(plugin.c_str()), const_cast<char*>("--parent"),
                               const_cast<char*>(parent.c_str()), const_cast<char*>("--memory-limit"),
                               const_cast<char*>(limit.c_str()), nullptr};
    char* envp[] = {nullptr};
    pid_t p = 0;
    int rc = posix_spawn(&p, runner.c_str(), &fa, &attr, argv.data(), envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? p : -rc;
  });
  ::close(sv[1]);
  if (pid <= 0) {
    ::close(sv[0]);
    code = CX_ERR_INTERNAL;
    error = err_json("cannot start " + runner + ": " + std::strerror(-pid));
    return nullptr;
  }
  auto r = std::make_shared<Runner>();
  r->pid = pid;
  r->control = sv[0];

  // Create the instance; the plugin may use host services (log, state) while it does.
  ch::Header h;
  h.kind = ch::Kind::Create;
  int64_t kill_at = ch::steady_ms() + 30000;
  if (!ch::send(r->control, h, config_)) {
    bool first;
    code = CX_ERR_INTERNAL;
    error = err_json("plugin runner for " + library_->id() + " ended at start: " + r->reap(first));
    return nullptr;
  }
  RemoteResult created;
  // The control socket speaks like a call socket until Created.
  if (!serve_until(services_, r->control, ch::Kind::Created, kill_at, created)) {
    bool first;
    std::string why = r->reap(first);
    code = CX_ERR_INTERNAL;
    error = err_json("plugin runner for " + library_->id() + " failed while creating the instance: " + why);
    return nullptr;
  }
  if (created.code != CX_OK) {
    code = created.code;
    error = created.err;
    r->kill("instance refused");
    return nullptr;
  }
  return r;
}

/// Reads frames on fd, serving host-service requests, until a frame of kind `until` arrives
/// (true, its code and payloads in result) or the channel fails or kill_at passes (false,
/// result.fault "timeout" for the latter).
bool serve_until(const HostServices& services, int fd, ch::Kind until, int64_t kill_at, RemoteResult& result) {
  const cx_host_api* api = services.api();
  ch::Frame f;
  for (;;) {
    auto s = ch::recv(fd, f, kill_at);
    if (s == ch::ReadStatus::TimedOut) {
      result.fault = "timeout";
      return false;
    }
    if (s != ch::ReadStatus::Ok) return false;
    if (f.h.kind == until) {
      result.code = f.h.code;
      result.out = std::move(f.a);
      result.err = std::move(f.b);
      return true;
    }
    ch::Header reply;
    reply.kind = ch::Kind::ServiceReply;
    std::string a, b;
    auto sink_into = [](std::string& target) {
      return cx_sink{&target, [](void* ctx, const char* p, size_t n) -> int32_t {
                       static_cast<std::string*>(ctx)->append(p, n);
                       return CX_OK;
                     }};
    };
    cx_bytes fa{f.a.data(), f.a.size()}, fb{f.b.data(), f.b.size()};
    switch (f.h.kind) {
      case ch::Kind::Log: api->log(api->ctx, f.h.code, fa); continue;  // no answer
      case ch::Kind::Now: reply.num = api->now_unix_ms(api->ctx); break;
      case ch::Kind::Random:
        if (f.h.num < 0 || f.h.num > (1 << 20)) return false;
        a.resize(static_cast<size_t>(f.h.num));
        reply.code = api->random(api->ctx, reinterpret_cast<uint8_t*>(a.data()), a.size());
        break;
      case ch::Kind::Http: {
        cx_call c{};
        c.struct_size = sizeof c;
        c.deadline_unix_ms = f.h.num;
        std::string err;
        cx_sink sh = sink_into(a), sb = sink_into(b), se = sink_into(err);
        reply.code = api->http(api->ctx, &c, fa, fb, &sh, &sb, &se);
        if (reply.code != CX_OK) {
          a = std::move(err);
          b.clear();
        }
        break;
      }
      case ch::Kind::StateGet: {
        cx_sink sv = sink_into(a);
        reply.code = api->state_get(api->ctx, fa, &sv);
        break;
      }
      case ch::Kind::StatePut: reply.code = api->state_put(api->ctx, fa, fb); break;
      case ch::Kind::StateDelete: reply.code = api->state_delete(api->ctx, fa); break;
      default: return false;  // protocol violation: the caller ends the runner
    }
    if (!ch::send(fd, reply, a, b)) return false;
  }
}

std::shared_ptr<Runner> IsolatedPlugin::current(std::string& error) const {
  std::lock_guard lock(mu_);
  if (runner_ && !runner_->dead()) return runner_;
  int32_t code = CX_OK;
  runner_ = start(error, code);
  return runner_;
}

RemoteResult IsolatedPlugin::call(Op op, std::string_view request_json, int64_t deadline_unix_ms,
                                  int64_t kill_at) const {
  RemoteResult res;
  std::string error;
  auto runner = current(error);
  if (!runner) {
    CallResult c{CX_ERR_UPSTREAM, {}, error};
    res.code = CX_ERR_UPSTREAM;
    res.err = err_json("plugin runner of " + services_.who() + " could not start: " + c.message());
    return res;
  }
  int fd = runner->take();
  bool ok = false;
  if (fd >= 0) {
    ch::Header h;
    h.kind = ch::Kind::Call;
    h.op = static_cast<uint8_t>(op);
    h.num = deadline_unix_ms;
    ok = ch::send(fd, h, request_json) && serve_until(services_, fd, ch::Kind::Result, kill_at, res);
  }
  if (ok) {
    runner->give_back(fd);
    return res;
  }
  if (fd >= 0) ::close(fd);
  const std::string name = op_name(op);
  if (res.fault == "timeout") {
    std::string what = "killed after " + name + " ran past its deadline and grace";
    if (runner->kill(what) && on_fault_) on_fault_(what);
    res = RemoteResult{CX_ERR_TIMEOUT, {}, err_json(name + " exceeded its deadline; the plugin runner was killed"), what};
    return res;
  }
  bool first = false;
  std::string why = runner->reap(first);
  if (first && on_fault_) on_fault_("ended (" + why + ") during " + name);
  res = RemoteResult{CX_ERR_UPSTREAM, {},
                     err_json("plugin runner ended (" + why + ") during " + name + "; it is restarted on the next call"),
                     why};
  return res;
}

}  // namespace cx::plugin
