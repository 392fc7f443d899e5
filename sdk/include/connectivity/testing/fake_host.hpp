// connectivity/testing/fake_host.hpp — an in-memory cx_host_api for connector unit tests.
//
//   cx::testing::FakeHost host;
//   host.on_http([](const cx::HttpRequest& r) { return cx::HttpResponse{200, {}, R"({"ok":true})"}; });
//   cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), host, R"({"apiKey":"k"})");
//   auto out = d.call_ok(&cx_connector::fetch_accounts, R"({"state":null,"pageSize":10})");
//
// Scripted HTTP (a handler, or a FIFO of canned responses), a map for state, a fixed clock you
// can advance, and deterministic "random" bytes. Every request is recorded for assertions.
#pragma once

#include <connectivity/connector.hpp>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace cx::testing {

class FakeHost {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  FakeHost() {
    api_.struct_size = sizeof(cx_host_api);
    api_.abi_version = CX_ABI_VERSION;
    api_.ctx = reinterpret_cast<cx_host_ctx*>(this);
    api_.log = &log_;
    api_.now_unix_ms = &now_;
    api_.random = &random_;
    api_.http = &http_;
    api_.state_get = &state_get_;
    api_.state_put = &state_put_;
    api_.state_delete = &state_delete_;
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const cx_host_api* api() const { return &api_; }

  /// Every HTTP request goes to handler (replaces queued responses).
  void on_http(Handler handler) { handler_ = std::move(handler); }
  /// Queues one canned response; requests consume the queue first.
  void push_response(int status, std::string body, std::map<std::string, std::string> headers = {}) {
    queue_.push_back(HttpResponse{status, std::move(headers), std::move(body)});
  }
  /// Makes the next http call fail without a response (as an allowlist refusal or timeout would).
  void fail_next_http(int32_t code) { fail_next_ = code; }

  const std::vector<HttpRequest>& requests() const { return requests_; }
  const std::vector<std::pair<int32_t, std::string>>& logs() const { return logs_; }
  std::map<std::string, std::string>& state() { return state_; }

  int64_t now_ms = 1700000000000;  ///< fixed clock, UTC ms; tests may assign it
  uint8_t next_random = 1;         ///< random bytes count up from here

 private:
  static FakeHost& self(cx_host_ctx* c) { return *reinterpret_cast<FakeHost*>(c); }
  static void log_(cx_host_ctx* c, int32_t level, cx_bytes msg) {
    std::lock_guard lock(self(c).mu_);
    self(c).logs_.emplace_back(level, std::string(detail::view_of(msg)));
  }
  static int64_t now_(cx_host_ctx* c) { return self(c).now_ms; }
  static int32_t random_(cx_host_ctx* c, uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = self(c).next_random++;
    return CX_OK;
  }
  static int32_t http_(cx_host_ctx* c, const cx_call*, cx_bytes head, cx_bytes body, cx_sink* resp_head,
                       cx_sink* resp_body, cx_sink* err) {
    FakeHost& h = self(c);
    HttpRequest req;
    auto parsed = boost::json::parse(detail::view_of(head)).as_object();
    req.method = std::string(parsed.at("method").as_string());
    req.url = std::string(parsed.at("url").as_string());
    if (auto* hs = parsed.if_contains("headers"))
      for (auto& [k, v] : hs->as_object()) req.headers.emplace_back(std::string(k), std::string(v.as_string()));
    req.body = std::string(detail::view_of(body));
    HttpResponse resp;
    {
      std::lock_guard lock(h.mu_);
      h.requests_.push_back(req);
      if (h.fail_next_) {
        int32_t code = h.fail_next_;
        h.fail_next_ = 0;
        detail::write_all(err, R"({"message":"scripted transport failure"})");
        return code;
      }
      if (!h.queue_.empty()) {
        resp = std::move(h.queue_.front());
        h.queue_.pop_front();
      } else if (h.handler_) {
        resp = h.handler_(req);
      } else {
        detail::write_all(err, R"({"message":"FakeHost: no scripted response"})");
        return CX_ERR_UPSTREAM;
      }
    }
    boost::json::object hdrs;
    for (auto& [k, v] : resp.headers) hdrs[k] = v;
    detail::write_all(resp_head, boost::json::serialize(boost::json::object{{"status", resp.status}, {"headers", hdrs}}));
    detail::write_all(resp_body, resp.body);
    return CX_OK;
  }
  static int32_t state_get_(cx_host_ctx* c, cx_bytes key, cx_sink* value) {
    std::lock_guard lock(self(c).mu_);
    auto it = self(c).state_.find(std::string(detail::view_of(key)));
    if (it == self(c).state_.end()) return CX_ERR_NOT_FOUND;
    return detail::write_all(value, it->second);
  }
  static int32_t state_put_(cx_host_ctx* c, cx_bytes key, cx_bytes value) {
    std::lock_guard lock(self(c).mu_);
    self(c).state_[std::string(detail::view_of(key))] = std::string(detail::view_of(value));
    return CX_OK;
  }
  static int32_t state_delete_(cx_host_ctx* c, cx_bytes key) {
    std::lock_guard lock(self(c).mu_);
    self(c).state_.erase(std::string(detail::view_of(key)));
    return CX_OK;
  }

  cx_host_api api_{};
  std::mutex mu_;
  Handler handler_;
  std::deque<HttpResponse> queue_;
  int32_t fail_next_ = 0;
  std::vector<HttpRequest> requests_;
  std::vector<std::pair<int32_t, std::string>> logs_;
  std::map<std::string, std::string> state_;
};

/// Outcome of one op call through the C ABI.
struct Outcome {
  int32_t code = CX_OK;
  std::string out;  ///< response JSON on CX_OK
  std::string err;  ///< error JSON otherwise
  boost::json::value json() const { return boost::json::parse(out); }
  std::string message() const {
    if (err.empty()) return {};
    auto v = boost::json::parse(err);
    auto* m = v.as_object().if_contains("message");
    return m && m->is_string() ? std::string(m->get_string()) : err;
  }
};

/// Creates an instance of a descriptor with a FakeHost and calls its ops through the C ABI,
/// exactly as the daemon does.
class Driver {
 public:
  using Slot = cx_op_fn cx_connector::*;

  Driver(const cx_connector* descriptor, FakeHost& host, std::string_view config_json) : d_(descriptor) {
    std::string err;
    cx_sink s = detail::sink_to(err);
    create_code_ = d_->create(host.api(), detail::bytes_of(config_json), &self_, &s);
    create_error_ = err;
  }
  ~Driver() {
    if (self_) d_->destroy(self_);
  }
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  bool created() const { return self_ != nullptr; }
  int32_t create_code() const { return create_code_; }
  const std::string& create_error() const { return create_error_; }

  /// Calls one op; a NULL slot yields CX_ERR_UNSUPPORTED as the host would report it.
  Outcome call(Slot slot, std::string_view request_json, int64_t deadline_ms = 0) const {
    Outcome o;
    cx_op_fn fn = d_->*slot;
    if (!fn || !self_) {
      o.code = CX_ERR_UNSUPPORTED;
      o.err = R"({"message":"unsupported"})";
      return o;
    }
    cx_call call{};
    call.struct_size = sizeof(cx_call);
    call.request_json = detail::bytes_of(request_json);
    call.deadline_unix_ms = deadline_ms;
    cx_sink out = detail::sink_to(o.out), err = detail::sink_to(o.err);
    o.code = fn(self_, &call, &out, &err);
    return o;
  }
  Outcome call(Slot slot, const boost::json::value& request) const { return call(slot, boost::json::serialize(request)); }
  Outcome call(Slot slot, const char* request_json) const { return call(slot, std::string_view(request_json)); }

  /// Calls one op and throws std::runtime_error unless it returned CX_OK.
  boost::json::value call_ok(Slot slot, std::string_view request_json) const {
    Outcome o = call(slot, request_json);
    if (o.code != CX_OK) throw std::runtime_error("op failed (" + std::to_string(o.code) + "): " + o.err);
    return o.json();
  }
  boost::json::value call_ok(Slot slot, const boost::json::value& request) const {
    return call_ok(slot, boost::json::serialize(request));
  }
  boost::json::value call_ok(Slot slot, const char* request_json) const { return call_ok(slot, std::string_view(request_json)); }

 private:
  const cx_connector* d_;
  cx_instance* self_ = nullptr;
  int32_t create_code_ = CX_OK;
  std::string create_error_;
};

}  // namespace cx::testing
