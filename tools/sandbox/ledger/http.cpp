#include "tools/sandbox/ledger/http.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <list>
#include <stdexcept>

#include <sys/socket.h>

namespace cx::sandbox::ledger {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string> HttpRequest::param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::string HttpRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::mutex mu;
  struct Connection {
    std::shared_ptr<tcp::socket> socket;
    std::shared_ptr<std::atomic<bool>> done;
    std::thread thread;
  };
  std::list<Connection> connections;
  tcp::endpoint local;
  std::atomic<bool> stopping{false};
  std::thread background;

  void serve(std::shared_ptr<tcp::socket> socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(16u << 20);
      boost::system::error_code ec;
      http::read(*socket, buffer, parser, ec);
      if (ec) return;  // closed, malformed or too large: drop the connection
      auto& msg = parser.get();
      HttpRequest req;
      req.method = std::string(msg.method_string());
      std::string target(msg.target());
      auto url = boost::urls::parse_origin_form(target);
      HttpResponse res;
      if (!url) {
        res.status = 400;
        res.body = R"({"errorCode":"VALIDATION","errorMessage":"malformed request target"})";
      } else {
        req.path = std::string(url->path());
        for (auto p : url->params()) req.query[std::string(p.key)].push_back(std::string(p.value));
        for (auto& f : msg) {
          std::string name(f.name_string());
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
          req.headers[name] = std::string(f.value());
        }
        req.body = std::move(msg.body());
        try {
          res = handler(req);
        } catch (const std::exception&) {
          res = HttpResponse{500, std::string(R"({"errorCode":"INTERNAL","errorMessage":"internal error"})"), "application/json", {}};
        }
      }
      http::response<http::string_body> out{static_cast<http::status>(res.status), 11};
      if (res.status != 204) {
        out.set(http::field::content_type, res.content_type);
        out.body() = std::move(res.body);
      }
      for (auto& [k, v] : res.headers) out.set(k, v);
      out.keep_alive(msg.keep_alive());
      out.prepare_payload();
      http::write(*socket, out, ec);
      if (ec || !out.keep_alive()) {
        socket->shutdown(tcp::socket::shutdown_both, ec);
        return;
      }
    }
  }
};

HttpServer::HttpServer(HttpHandler handler) : impl_(std::make_unique<Impl>()) { impl_->handler = std::move(handler); }

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind(const std::string& host, int port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("invalid listen host " + host);
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl_->local = impl_->acceptor.local_endpoint();
  return impl_->local.port();
}

void HttpServer::run() {
  while (!impl_->stopping) {
    auto socket = std::make_shared<tcp::socket>(impl_->io);
    boost::system::error_code ec;
    impl_->acceptor.accept(*socket, ec);
    if (ec) {
      if (impl_->stopping || !impl_->acceptor.is_open()) return;
      continue;
    }
    if (impl_->stopping) return;
    std::lock_guard lock(impl_->mu);
    // Reap finished connections so a long run does not accumulate threads.
    for (auto it = impl_->connections.begin(); it != impl_->connections.end();) {
      if (*it->done) {
        it->thread.join();
        it = impl_->connections.erase(it);
      } else {
        ++it;
      }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto& slot = impl_->connections.emplace_back(Impl::Connection{socket, done, std::thread()});
    slot.thread = std::thread([impl = impl_.get(), socket, done] {
      impl->serve(socket);
      *done = true;
    });
  }
}

void HttpServer::start() {
  impl_->background = std::thread([this] { run(); });
}

void HttpServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  boost::system::error_code ec;
  if (impl_->background.joinable()) {
    // A blocking accept() is not woken by closing its socket from another thread: connect once.
    tcp::socket wake(impl_->io);
    wake.connect(impl_->local, ec);
    impl_->background.join();
  }
  impl_->acceptor.close(ec);
  std::lock_guard lock(impl_->mu);
  for (auto& c : impl_->connections) ::shutdown(c.socket->native_handle(), SHUT_RDWR);
  for (auto& c : impl_->connections)
    if (c.thread.joinable()) c.thread.join();
  impl_->connections.clear();
}

}  // namespace cx::sandbox::ledger
