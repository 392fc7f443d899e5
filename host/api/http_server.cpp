#include "host/api/http_server.hpp"

#include "host/api/errors.hpp"
#include "host/api/http_request.hpp"
#include "host/util/log.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cx::api {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;

namespace {

// After an answer that closes the connection, what the client may still be sending is read and
// dropped for a while (a "lingering close"), so that closing a socket with unread bytes does not
// reset the connection before the client has read the answer (a 413 sent mid-upload, a 400).
constexpr milliseconds kLinger{1000};
constexpr size_t kMaxLingerBytes = 2 * kMaxWebhookBodyBytes;
// Refused connections in their short farewell at once; past it, new ones are just closed.
constexpr int kMaxRefusing = 64;

// The methods the API routes; any other gets 501 (RFC 9110 §9.1), which also keeps the request
// metrics' method label to a fixed set.
bool supported_method(http::verb v) {
  switch (v) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::post:
    case http::verb::put:
    case http::verb::patch:
    case http::verb::delete_:
    case http::verb::options:
      return true;
    default:
      return false;
  }
}

bool is_framing_error(const beast::error_code& ec) { return ec.category() == http::make_error_code(http::error::bad_method).category(); }

}  // namespace

class Session;

class HttpServer::Impl {
 public:
  Impl(const Api& api, ServerOptions o)
      : api_(api),
        o_(std::move(o)),
        workers_(static_cast<size_t>(
            o_.threads > 0 ? o_.threads : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency())))),
        guard_(net::make_work_guard(io_)) {}

  ~Impl() { workers_.join(); }

  int bind() {
    tcp::resolver resolver(io_);
    beast::error_code ec;
    auto results = resolver.resolve(o_.host, std::to_string(o_.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) throw std::runtime_error("cannot listen on " + o_.host + ":" + std::to_string(o_.port) + ": " + ec.message());
    tcp::endpoint ep = results.begin()->endpoint();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("cannot listen on " + o_.host + ":" + std::to_string(o_.port) + ": " + ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void run() {
    net::post(io_, [this] { accept(); });
    io_.run();
  }

  void stop() {
    net::post(io_, [this] { shut_down(); });
    guard_.reset();
  }

  int open_connections() const { return open_.load(); }

 private:
  friend class Session;

  void accept();
  void admit(tcp::socket socket);
  void shut_down();
  // Called by a counted Session's destructor.
  void forget(Session* s, const std::string& peer) {
    std::lock_guard lock(mu_);
    sessions_.erase(s);
    if (--per_peer_[peer] <= 0) per_peer_.erase(peer);
    --open_;
  }

  // Declared in this order so that sessions still held by the I/O context or the pool when they
  // are destroyed find the bookkeeping alive.
  const Api& api_;
  const ServerOptions o_;
  std::mutex mu_;  // sessions_, per_peer_ (a session may end on a worker at shutdown)
  std::unordered_set<Session*> sessions_;
  std::unordered_map<std::string, int> per_peer_;
  std::atomic<int> open_{0};
  std::atomic<int> refusing_{0};
  net::io_context io_{1};
  net::thread_pool workers_;
  tcp::acceptor acceptor_{io_};
  net::steady_timer accept_retry_{io_};
  net::executor_work_guard<net::io_context::executor_type> guard_;
  bool stopping_ = false;  // I/O thread only
};

// One connection: a chain of asynchronous operations on the I/O thread, except while its
// request is with a worker. Owned by the shared_ptrs its pending operations hold.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket, std::string peer, bool counted)
      : server_(server), stream_(std::move(socket)), deadline_(stream_.get_executor()), peer_(std::move(peer)), counted_(counted) {}

  ~Session() {
    if (counted_) server_.forget(this, peer_);
    else --server_.refusing_;
  }

  void start() { await_request(); }

  /// Refuses the connection with 503 before reading anything of it.
  void refuse(std::string message) { fail({503, code::kTooManyConnections, std::move(message)}); }

  /// Server shutdown (I/O thread): a connection that is not inside a request closes now; one
  /// whose request is being handled closes after its answer.
  void stop() {
    stop_requested_ = true;
    if (state_ != State::Handling && state_ != State::Writing) close();
  }

 private:
  enum class State { Idle, Reading, Handling, Writing, Closed };

  // Waits for the first byte of the next request, at most keep_alive_ms; a pipelined request
  // already read is parsed at once.
  void await_request() {
    state_ = State::Idle;
    if (stop_requested_) return close();
    if (buffer_.size() > 0) return read_head();
    stream_.expires_after(milliseconds(server_.o_.keep_alive_ms));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->close();  // idle timeout, the client left, or shutdown
      self->buffer_.commit(n);
      self->read_head();
    });
  }

  // A total deadline for the reads of a request's head or body (not one per read: a client
  // trickling a header line every few seconds is cut off all the same). Unlike the stream's own
  // timeout, which closes the socket, it cancels the read and leaves the socket open for the 408.
  void arm_deadline(int ms) {
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(milliseconds(ms));
    // A deadline that expired just as its read completed may still run after the next arm.
    deadline_.async_wait([weak = weak_from_this(), armed = ++deadline_armed_](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || armed != self->deadline_armed_ || self->state_ != State::Reading) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void disarm() {
    ++deadline_armed_;
    deadline_.cancel();
  }

  // The head must be complete within head_timeout_ms of its first byte.
  void read_head() {
    state_ = State::Reading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.o_.max_head_bytes));
    parser_->body_limit(kMaxWebhookBodyBytes);
    arm_deadline(server_.o_.head_timeout_ms);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return read_failed(ec, "head");
    disarm();
    const auto& head = parser_->get();
    method_ = std::string(head.method_string());
    if (!supported_method(head.method()))
      return fail({501, code::kValidation, "method " + method_.substr(0, 32) + " is not supported"});
    if (auto e = check_head(head)) return fail(std::move(*e));
    std::string_view target = head.target();
    std::string_view path = target.substr(0, target.find('?'));
    // Authentication before the body is read: without a valid token a client makes the server
    // buffer nothing, and learns nothing of the routes under /api.
    std::vector<std::string_view> authorization;
    for (const auto& f : head)
      if (f.name() == http::field::authorization) authorization.push_back(f.value());
    if (auto refused = server_.api_.check_access(method_, path, authorization)) return refuse_request(std::move(*refused));
    size_t limit = server_.api_.body_limit(method_, path);
    if (auto length = parser_->content_length(); length && *length > limit)
      return fail({413, code::kMissingOrInvalidBody, "request body exceeds " + std::to_string(limit) + " bytes"});
    parser_->body_limit(limit);  // a chunked body is cut off there
    if (beast::iequals(head[http::field::expect], "100-continue") && !parser_->is_done()) {
      // RFC 9110 §10.1.1: the client waits for this before sending the body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(milliseconds(server_.o_.body_timeout_ms));
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    arm_deadline(server_.o_.body_timeout_ms);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->read_failed(ec, "body");
      self->on_request();
    });
  }

  // A read that ended without a complete request: answered when the client is still there and
  // the fault is its own, closed quietly otherwise.
  void read_failed(beast::error_code ec, const char* part) {
    disarm();
    if (timed_out_) {
      return fail({408, code::kRequestTimeout,
                   std::string("request ") + part + " not received within " +
                       std::to_string(std::string_view(part) == "head" ? server_.o_.head_timeout_ms
                                                                       : server_.o_.body_timeout_ms) +
                       " ms"});
    }
    if (ec == http::error::header_limit)
      return fail({431, code::kValidation, "request head exceeds " + std::to_string(server_.o_.max_head_bytes) + " bytes"});
    if (ec == http::error::body_limit)
      return fail({413, code::kMissingOrInvalidBody,
                   "request body exceeds " + std::to_string(parser_->is_header_done() ? limit_of_request() : kMaxWebhookBodyBytes) + " bytes"});
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || !is_framing_error(ec)) return close();
    fail({400, code::kValidation, "malformed HTTP request: " + ec.message()});
  }

  size_t limit_of_request() {
    std::string_view target = parser_->get().target();
    return server_.api_.body_limit(parser_->get().method_string(), target.substr(0, target.find('?')));
  }

  void on_request() {
    disarm();
    bool keep_alive = parser_->keep_alive();
    bool head_only = parser_->get().method() == http::verb::head;
    ApiRequest req;
    if (auto e = to_api_request(parser_->release(), peer_, req)) return fail(std::move(*e));
    parser_.reset();
    state_ = State::Handling;
    stream_.expires_never();  // the handler's time is not the client's
    // The work guard keeps the I/O thread running until the answer is posted back.
    net::post(server_.workers_, [self = shared_from_this(), req = std::move(req), keep_alive, head_only,
                                 work = net::make_work_guard(server_.io_)]() mutable {
      ApiResponse res = self->server_.api_.handle(req);
      net::post(self->server_.io_, [self, res = std::move(res), keep_alive, head_only]() mutable {
        self->answer(std::move(res), keep_alive, head_only);
      });
    });
  }

  void answer(ApiResponse res, bool keep_alive, bool head_only) {
    if (state_ == State::Closed) return;
    keep_alive = keep_alive && !stop_requested_ && ++served_ < server_.o_.keep_alive_max_requests;
    auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
    for (auto& [k, v] : res.headers) msg->insert(k, v);
    bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
    if (!bodiless) {
      msg->set(http::field::content_type, res.content_type);
      msg->content_length(res.body.size());
      if (!head_only) msg->body() = std::move(res.body);
    }
    msg->keep_alive(keep_alive);
    write(std::move(msg), keep_alive);
  }

  // Answers a request the transport refuses, then closes the connection.
  void fail(TransportError e) { refuse_request(transport_error_response(e)); }

  void refuse_request(ApiResponse res) {
    std::string method = parser_ && parser_->is_header_done() && supported_method(parser_->get().method()) ? method_ : "OTHER";
    if (counted_) server_.api_.metrics().record_request("unmatched", method, res.status, 0);
    auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
    for (auto& [k, v] : res.headers) msg->insert(k, v);
    msg->set(http::field::content_type, res.content_type);
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    msg->keep_alive(false);
    write(std::move(msg), false);
  }

  void write(std::shared_ptr<http::response<http::string_body>> msg, bool keep_alive) {
    state_ = State::Writing;
    stream_.expires_after(milliseconds(counted_ ? server_.o_.body_timeout_ms : 1000));
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, keep_alive](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (keep_alive) return self->await_request();
      self->linger();
    });
  }

  // Sends FIN, then reads and drops what the client still sends, until it closes or kLinger.
  void linger() {
    state_ = State::Closed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    buffer_.clear();
    stream_.expires_after(kLinger);
    drain();
  }

  void drain() {
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kMaxLingerBytes) return self->close();
      self->drain();
    });
  }

  void close() {
    state_ = State::Closed;
    disarm();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  net::steady_timer deadline_;
  bool timed_out_ = false;
  uint64_t deadline_armed_ = 0;  // which arm_deadline() the pending wait belongs to
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string peer_;
  std::string method_;
  bool counted_;
  State state_ = State::Idle;
  bool stop_requested_ = false;
  int served_ = 0;
  size_t lingered_ = 0;

  friend class HttpServer::Impl;
};

void HttpServer::Impl::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors, most likely: try again shortly rather than spin.
      util::log().warn("HTTP accept failed: {}", ec.message());
      accept_retry_.expires_after(milliseconds(50));
      accept_retry_.async_wait([this](beast::error_code e) {
        if (!e && !stopping_) accept();
      });
      return;
    }
    admit(std::move(socket));
    accept();
  });
}

void HttpServer::Impl::admit(tcp::socket socket) {
  beast::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return;
  // Headers and body may go out in separate segments: without TCP_NODELAY, Nagle + delayed ACK
  // add ~40 ms to every keep-alive request.
  socket.set_option(tcp::no_delay(true), ec);
  std::string peer = remote.address().to_string();
  std::string refusal;
  {
    std::lock_guard lock(mu_);
    if (open_ >= o_.max_connections) {
      refusal = "the server holds its maximum of " + std::to_string(o_.max_connections) + " connections; retry later";
    } else if (per_peer_[peer] >= o_.max_connections_per_peer) {
      refusal = "this address holds its maximum of " + std::to_string(o_.max_connections_per_peer) +
                " connections; retry later";
      if (per_peer_[peer] == 0) per_peer_.erase(peer);
    } else {
      ++open_;
      ++per_peer_[peer];
    }
  }
  if (!refusal.empty()) {
    if (++refusing_ > kMaxRefusing) {
      --refusing_;
      socket.close(ec);
      return;
    }
    std::make_shared<Session>(*this, std::move(socket), std::move(peer), false)->refuse(std::move(refusal));
    return;
  }
  auto session = std::make_shared<Session>(*this, std::move(socket), std::move(peer), true);
  {
    std::lock_guard lock(mu_);
    sessions_.insert(session.get());
  }
  session->start();
}

void HttpServer::Impl::shut_down() {
  stopping_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  accept_retry_.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    for (Session* s : sessions_)
      if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
  }
  for (auto& s : live) s->stop();
}

HttpServer::HttpServer(const Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::bind() {
  if (port_ == 0) port_ = impl_->bind();
}

void HttpServer::start() {
  bind();
  thread_ = std::thread([this] { impl_->run(); });
}

void HttpServer::run() {
  bind();
  impl_->run();
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->stop();
  if (thread_.joinable()) thread_.join();
}

int HttpServer::open_connections() const { return impl_->open_connections(); }

}  // namespace cx::api
