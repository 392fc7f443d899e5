#include "script_host.hpp"

#include <chrono>
#include <thread>

namespace cx::conformance {

using cx::detail::view_of;
using cx::detail::write_all;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ScriptHost::ScriptHost(const Fixtures& fixtures) : fixtures_(fixtures) {
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

void ScriptHost::set_fault(Fault f) {
  std::lock_guard lock(mu_);
  fault_ = std::move(f);
}

std::vector<SeenRequest> ScriptHost::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}
std::vector<std::string> ScriptHost::logs() const {
  std::lock_guard lock(mu_);
  return logs_;
}
std::vector<std::string> ScriptHost::unmatched() const {
  std::lock_guard lock(mu_);
  return unmatched_;
}
void ScriptHost::clear_records() {
  std::lock_guard lock(mu_);
  requests_.clear();
  unmatched_.clear();
}

void ScriptHost::log_(cx_host_ctx* c, int32_t, cx_bytes msg) {
  std::lock_guard lock(self(c).mu_);
  self(c).logs_.emplace_back(view_of(msg));
}

int64_t ScriptHost::now_(cx_host_ctx* c) {
  return self(c).fixtures_.now_ms ? *self(c).fixtures_.now_ms : wall_ms();
}

int32_t ScriptHost::random_(cx_host_ctx* c, uint8_t* out, size_t n) {
  std::lock_guard lock(self(c).mu_);
  for (size_t i = 0; i < n; ++i) out[i] = self(c).next_random_++;
  return CX_OK;
}

int32_t ScriptHost::http_(cx_host_ctx* c, const cx_call* call, cx_bytes head, cx_bytes body, cx_sink* resp_head,
                          cx_sink* resp_body, cx_sink* err) {
  ScriptHost& h = self(c);
  SeenRequest seen;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(view_of(head), ec);
  const boost::json::object* o = !ec && parsed.is_object() ? &parsed.get_object() : nullptr;
  auto* method = o ? o->if_contains("method") : nullptr;
  auto* url = o ? o->if_contains("url") : nullptr;
  if (!method || !method->is_string() || !url || !url->is_string()) {
    write_all(err, R"({"message":"malformed http head: needs string method and url"})");
    return CX_ERR_INVALID_ARGUMENT;
  }
  seen.request.method = std::string(method->get_string());
  seen.request.url = std::string(url->get_string());
  if (auto* hs = o->if_contains("headers"); hs && hs->is_object())
    for (auto& [k, v] : hs->get_object())
      if (v.is_string()) seen.request.headers.emplace_back(std::string(k), std::string(v.get_string()));
  seen.request.body = std::string(view_of(body));
  seen.with_call = call != nullptr;
  seen.deadline_ms = call ? call->deadline_unix_ms : 0;

  Fault fault;
  {
    std::lock_guard lock(h.mu_);
    h.requests_.push_back(seen);
    fault = h.fault_;
  }
  HttpResponse resp;
  switch (fault.kind) {
    case Fault::Kind::transport:
      write_all(err, R"x({"message":"cx-conformance: scripted transport failure (connection reset)"})x");
      return fault.code;
    case Fault::Kind::stall: {
      // As the daemon's client does: the exchange never outlives the op's deadline. Without a
      // call there is no deadline to honour: the exchange runs to the client's own timeout,
      // shortened here to a bound that still overshoots any deadline check.
      int64_t until = seen.deadline_ms > 0 ? seen.deadline_ms : wall_ms() + 3000;
      until = std::min(until, wall_ms() + 5000);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, until - wall_ms())));
      write_all(err, R"({"message":"cx-conformance: the provider did not answer before the deadline"})");
      return CX_ERR_TIMEOUT;
    }
    case Fault::Kind::response:
      resp = fault.response;
      break;
    case Fault::Kind::none: {
      const Exchange* x = match(h.fixtures_.http, seen.request);
      if (!x) {
        std::lock_guard lock(h.mu_);
        h.unmatched_.push_back(seen.request.method + " " + seen.request.url);
        write_all(err, R"({"message":"cx-conformance: no recorded answer for this request"})");
        return CX_ERR_UPSTREAM;
      }
      resp = x->response;
      break;
    }
  }
  boost::json::object hdrs;
  for (auto& [k, v] : resp.headers) hdrs[k] = v;
  write_all(resp_head, boost::json::serialize(boost::json::object{{"status", resp.status}, {"headers", hdrs}}));
  write_all(resp_body, resp.body);
  return CX_OK;
}

int32_t ScriptHost::state_get_(cx_host_ctx* c, cx_bytes key, cx_sink* value) {
  std::lock_guard lock(self(c).mu_);
  auto it = self(c).state_.find(std::string(view_of(key)));
  if (it == self(c).state_.end()) return CX_ERR_NOT_FOUND;
  return write_all(value, it->second);
}
int32_t ScriptHost::state_put_(cx_host_ctx* c, cx_bytes key, cx_bytes value) {
  std::lock_guard lock(self(c).mu_);
  self(c).state_[std::string(view_of(key))] = std::string(view_of(value));
  return CX_OK;
}
int32_t ScriptHost::state_delete_(cx_host_ctx* c, cx_bytes key) {
  std::lock_guard lock(self(c).mu_);
  self(c).state_.erase(std::string(view_of(key)));
  return CX_OK;
}

}  // namespace cx::conformance
