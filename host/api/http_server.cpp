#include "host/api/http_server.hpp"

#include "host/api/errors.hpp"
#include "host/api/idle_connections.hpp"
#include "host/api/read_ahead_stream.hpp"

#include <httplib.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace cx::api {
namespace {

// What the setup hook found about a request body (a GET/HEAD body it read, or a body over the
// route's limit it refused); read by the route handler on the same thread.
struct GetBodyState {
  int error_status = 0;  // 413 or 400 when the body could not be taken
  std::string error_message;
  bool must_close = false;
};
thread_local GetBodyState* t_body_state = nullptr;

// An oversized body up to this size is read and discarded (never kept); beyond it the
// connection closes.
constexpr uint64_t kMaxDrainBytes = 2 * kMaxWebhookBodyBytes;

bool is_pseudo_header(const std::string& k) {
  return k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT";
}

// Runs after the headers, before httplib reads a body. Refuses a declared body over the route's
// limit without buffering it (drained, then the request goes on with an empty body and the
// handler answers 413), reads GET/HEAD bodies, which httplib would ignore, and gives a request
// with no length and no chunking an empty body (httplib would answer 400).
void read_get_body(httplib::Stream& strm, httplib::Request& req, GetBodyState& st, const Api& api) {
  bool get = req.method == "GET" || req.method == "HEAD";
  if (get && req.has_header("Transfer-Encoding")) {
    st = {400, "chunked GET bodies are not supported; send Content-Length", true};
    return;
  }
  if (!req.has_header("Content-Length")) {
    // Neither Content-Length nor Transfer-Encoding: the request has no body (RFC 9112 §6.3).
    if (!get && !req.has_header("Transfer-Encoding")) req.headers.emplace("Content-Length", "0");
    return;
  }
  std::string text = req.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size()) {
    if (get) st = {400, "invalid Content-Length", true};
    return;  // other methods: httplib refuses it itself
  }
  size_t limit = api.body_limit(req.method, std::string_view(req.target).substr(0, req.target.find('?')));
  if (n > limit) {
    // Drain what a sane client may send so it reads the 413 instead of a reset connection.
    bool drained = n <= kMaxDrainBytes;
    char buf[16 * 1024];
    for (uint64_t left = n; drained && left > 0;) {
      auto r = strm.read(buf, static_cast<size_t>(std::min<uint64_t>(left, sizeof buf)));
      if (r <= 0) drained = false;
      else left -= static_cast<uint64_t>(r);
    }
    st = {413, "request body exceeds " + std::to_string(limit) + " bytes", !drained};
    req.headers.erase("Content-Length");  // nothing left for httplib to read
    req.headers.emplace("Content-Length", "0");
    return;
  }
  if (!get) return;
  req.body.resize(n);
  size_t got = 0;
  while (got < n) {
    auto r = strm.read(req.body.data() + got, n - got);
    if (r <= 0) {
      st = {400, "request body shorter than Content-Length", true};
      req.body.clear();
      return;
    }
    got += static_cast<size_t>(r);
  }
}

// httplib's thread pool, counting the jobs that wait for a worker (the signal to park an idle
// connection) and detaching the idle-connection watcher before its workers stop.
class CountingPool : public httplib::TaskQueue {
 public:
  CountingPool(size_t threads, std::atomic<int>& waiting, IdleConnections& idle)
      : pool_(threads), waiting_(waiting), idle_(idle) {}

  void enqueue(std::function<void()> fn) override {
    ++waiting_;
    pool_.enqueue([this, fn = std::move(fn)] {
      --waiting_;
      fn();
    });
  }
  void shutdown() override {
    idle_.set_resume(nullptr);  // a connection readable from now on is closed, not queued
    pool_.shutdown();
  }

 private:
  httplib::ThreadPool pool_;
  std::atomic<int>& waiting_;
  IdleConnections& idle_;
};

}  // namespace

class HttpServer::Impl : public httplib::Server {
 public:
  Impl(const ServerOptions& o, const Api& api) : keep_alive_seconds_(o.keep_alive_seconds), api_(api) {
    int threads = o.threads > 0 ? o.threads : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
    new_task_queue = [this, threads] {
      auto* pool = new CountingPool(static_cast<size_t>(threads), waiting_, idle_);
      requeue_ = [this, pool](int fd, size_t remaining) {
        pool->enqueue([this, fd, remaining] { serve(fd, remaining); });
      };
      idle_.set_resume(requeue_);
      return pool;
    };
  }

  /// Closes the parked connections (after the listener and its workers have stopped).
  void close_idle() { idle_.stop(); }

  /// cpp-httplib listens with a backlog of 5: 32 clients connecting at once overflow it, and the
  /// dropped handshakes cost the unlucky ones a TCP retransmission (~0.4 s). Linux lets listen()
  /// be called again on a listening socket to change the backlog (listen(2)).
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }

 private:
  enum class Next { kRequest, kYield, kPark, kClose };

  // How long a worker waits for a connection's next request while no other connection needs a
  // worker: clients that send requests back to back keep their worker without a detour through
  // the watcher.
  static constexpr std::chrono::milliseconds kLinger{2};

  // A connection's turn on a worker: once it has been served this long and other connections
  // wait, it gives way. Serving it on would let a few fast clients keep every worker while the
  // rest starve (p99 in seconds); giving way after every request would send each of a client's
  // tiny requests through the queue (a quarter fewer health checks per second).
  static constexpr std::chrono::microseconds kTurn{500};

  // Waits until the socket is readable (kRequest), others wait for a worker or the linger ends
  // (kPark), or the keep-alive deadline passes or the server stops (kClose). Once its turn is
  // over, a connection gives way when others wait: queued again behind them when its next
  // request is already there (kYield), parked otherwise.
  Next await_request(socket_t sock, std::chrono::steady_clock::time_point deadline, bool turn_over) const {
    const auto linger_end = std::chrono::steady_clock::now() + kLinger;
    if (turn_over && waiting_ > 0) {
      pollfd pfd{sock, POLLIN, 0};
      return ::poll(&pfd, 1, 0) > 0 ? Next::kYield : Next::kPark;
    }
    for (;;) {
      if (svr_sock_ == INVALID_SOCKET) return Next::kClose;
      pollfd pfd{sock, POLLIN, 0};
      int r = ::poll(&pfd, 1, waiting_ > 0 ? 0 : 1);
      if (r > 0) return Next::kRequest;
      if (r < 0 && errno != EINTR) return Next::kClose;
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return Next::kClose;
      if (waiting_ > 0 || now >= linger_end) return Next::kPark;
    }
  }

  // Serves requests on `sock` until it closes, has made its last allowed request, or goes idle
  // (then it is parked and resumed later, possibly on another worker).
  void serve(socket_t sock, size_t remaining) {
    bool parked = false;
    httplib::detail::process_client_socket(
        sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_,
        [&](httplib::Stream& socket_stream) {
          ReadAheadStream strm(socket_stream);
          bool ok = false;
          // The turn starts with the request that woke this job, which is always served.
          const auto turn_end = std::chrono::steady_clock::now() + kTurn;
          for (bool first = true; remaining > 0; first = false) {
            const auto now = std::chrono::steady_clock::now();
            auto deadline = now + std::chrono::seconds(keep_alive_seconds_);
            // A pipelined request already read is served now: a new stream would not see it.
            Next next = strm.buffered() > 0 ? Next::kRequest : await_request(sock, deadline, !first && now >= turn_end);
            if (next == Next::kPark || next == Next::kYield) {
              if (next == Next::kPark) idle_.park(sock, remaining, deadline);
              else requeue_(sock, remaining);
              parked = true;
              return true;
            }
            if (next == Next::kClose) break;
            bool connection_closed = false;
            GetBodyState state;
            t_body_state = &state;
            ok = process_request(strm, remaining == 1, connection_closed,
                                 [&](httplib::Request& req) { read_get_body(strm, req, state, api_); });
            t_body_state = nullptr;
            if (!ok || connection_closed || state.must_close) break;
            --remaining;
          }
          return ok;
        });
    if (!parked) close_connection(sock);
  }

  bool process_and_close_socket(socket_t sock) override {
    serve(sock, keep_alive_max_count_);
    return true;
  }

  int keep_alive_seconds_;
  const Api& api_;
  std::atomic<int> waiting_{0};  // jobs queued for a worker, not yet started
  std::function<void(int, size_t)> requeue_;  // serve(fd, remaining) as a new job at the queue's end
  IdleConnections idle_;
};

HttpServer::HttpServer(const Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(options, api)), options_(std::move(options)) {
  auto& s = *impl_;
  // The largest route limit; each route's own limit is applied before its body is read (and
  // again by Api::dispatch for chunked bodies, whose size is only known once read).
  s.set_payload_max_length(kMaxWebhookBodyBytes);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle + delayed ACK add
  // ~40 ms to every keep-alive request.
  s.set_tcp_nodelay(true);
  s.set_read_timeout(options_.read_timeout_seconds, 0);
  s.set_keep_alive_timeout(options_.keep_alive_seconds);
  s.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));

  auto handler = [&api](const httplib::Request& req, httplib::Response& res) {
    ApiResponse out;
    if (t_body_state && t_body_state->error_status) {
      out = error_response(t_body_state->error_status, code::kMissingOrInvalidBody, t_body_state->error_message);
      api.metrics().record_request("unmatched", req.method, out.status, 0);
    } else {
      ApiRequest in;
      in.method = req.method;
      in.path = req.target.substr(0, req.target.find('?'));
      in.query.insert(req.params.begin(), req.params.end());
      for (const auto& [k, v] : req.headers)
        if (!is_pseudo_header(k)) in.headers.emplace_back(k, v);
      in.body = req.body;
      in.remote_addr = req.remote_addr;
      out = api.handle(in);
    }
    res.status = out.status;
    for (auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_content(std::move(out.body), out.content_type);
  };
  for (const char* pattern : {".*"}) {
    s.Get(pattern, handler);
    s.Post(pattern, handler);
    s.Put(pattern, handler);
    s.Patch(pattern, handler);
    s.Delete(pattern, handler);
    s.Options(pattern, handler);
  }
  // Errors httplib produces itself (malformed request line, POST body over the limit, unknown
  // method): give them the JSON error shape.
  s.set_error_handler(httplib::Server::HandlerWithResponse([&api](const httplib::Request& req,
                                                                   httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string_view c = res.status == 413 || res.status == 400 ? code::kMissingOrInvalidBody : code::kInternal;
    std::string msg = res.status == 413 ? "request body exceeds " + std::to_string(kMaxWebhookBodyBytes) + " bytes"
                      : res.status == 400 ? std::string("malformed HTTP request")
                                          : std::string(kInternalMessage);
    if (res.status == 404 || res.status == 405) {
      c = code::kNotFound;
      msg = "no route for " + req.method + " " + req.path;
    }
    res.set_content(error_body(c, msg), "application/json");
    api.metrics().record_request("unmatched", req.method, res.status, 0);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::bind() {
  if (bound_) return;
  if (options_.port == 0) {
    port_ = impl_->bind_to_any_port(options_.host);
    if (port_ <= 0) throw std::runtime_error("cannot listen on " + options_.host + ":0");
  } else {
    if (!impl_->bind_to_port(options_.host, options_.port))
      throw std::runtime_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
    port_ = options_.port;
  }
  impl_->widen_backlog();
  bound_ = true;
}

void HttpServer::start() {
  bind();
  thread_ = std::thread([this] { impl_->listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::run() {
  bind();
  impl_->listen_after_bind();
}

void HttpServer::stop() {
  if (impl_ && bound_) impl_->stop();
  if (thread_.joinable()) thread_.join();
  if (impl_) impl_->close_idle();
}

}  // namespace cx::api
