#include "host/plugin/instance.hpp"

#include "host/util/encoding.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <thread>

namespace cx::plugin {

namespace {
constexpr size_t kMaxOutputBytes = 512u << 20;  // a runaway plugin cannot exhaust memory

struct BoundedSink {
  std::string* target;
  static int32_t write(void* ctx, const char* p, size_t n) {
    auto* s = static_cast<BoundedSink*>(ctx);
    if (s->target->size() + n > kMaxOutputBytes) return CX_ERR_INTERNAL;
    s->target->append(p, n);
    return CX_OK;
  }
};

CallObserver& observer() {
  static CallObserver o;
  return o;
}

boost::json::object err_object(const std::string& err) {
  boost::system::error_code ec;
  auto v = boost::json::parse(err, ec);
  return !ec && v.is_object() ? v.get_object() : boost::json::object{};
}

const char* code_name(int32_t code) {
  switch (code) {
    case CX_ERR_INVALID_ARGUMENT: return "invalid argument";
    case CX_ERR_UNSUPPORTED: return "unsupported";
    case CX_ERR_NOT_FOUND: return "not found";
    case CX_ERR_AUTH: return "authentication failed";
    case CX_ERR_RATE_LIMITED: return "rate limited";
    case CX_ERR_UPSTREAM: return "upstream error";
    case CX_ERR_TIMEOUT: return "timeout";
    default: return "internal error";
  }
}

CallResult error(int32_t code, const std::string& message) {
  return CallResult{code, {}, boost::json::serialize(boost::json::object{{"message", message}})};
}
}  // namespace

void set_call_observer(CallObserver o) { observer() = std::move(o); }

std::string CallResult::message() const {
  auto o = err_object(err);
  if (auto* m = o.if_contains("message"); m && m->is_string()) return std::string(m->get_string());
  return code_name(code);
}
std::string CallResult::field() const {
  auto o = err_object(err);
  if (auto* f = o.if_contains("field"); f && f->is_string()) return std::string(f->get_string());
  return {};
}
int64_t CallResult::retry_after_ms() const {
  auto o = err_object(err);
  if (auto* r = o.if_contains("retryAfterMs"); r && r->is_int64()) return r->get_int64();
  return 0;
}

std::shared_ptr<ConnectorInstance> ConnectorInstance::create(std::shared_ptr<const PluginLibrary> library,
                                                             std::unique_ptr<HostServices> services,
                                                             std::string_view config_json) {
  std::shared_ptr<ConnectorInstance> inst(new ConnectorInstance());
  inst->library_ = std::move(library);
  inst->services_ = std::move(services);
  std::string err;
  BoundedSink es{&err};
  cx_sink sink{&es, &BoundedSink::write};
  cx_bytes cfg{config_json.data(), config_json.size()};
  int32_t rc = inst->library_->descriptor().create(inst->services_->api(), cfg, &inst->self_, &sink);
  if (rc != CX_OK || !inst->self_) {
    CallResult r{rc == CX_OK ? CX_ERR_INTERNAL : rc, {}, err};
    inst->self_ = nullptr;
    throw CreateError(r.code, r.message(), r.field());
  }
  return inst;
}

ConnectorInstance::~ConnectorInstance() {
  if (self_) library_->descriptor().destroy(self_);
}

CallResult ConnectorInstance::call(Op op, std::string_view request_json, int64_t deadline_unix_ms) const {
  cx_op_fn fn = library_->descriptor().*info(op).slot;
  if (!fn) return error(CX_ERR_UNSUPPORTED, "connector " + id() + " does not support " + op_name(op));
  auto started = std::chrono::steady_clock::now();
  CallResult r;
  BoundedSink os{&r.out}, es{&r.err};
  cx_sink out{&os, &BoundedSink::write}, err{&es, &BoundedSink::write};
  cx_call c{};
  c.struct_size = sizeof(cx_call);
  c.request_json = cx_bytes{request_json.data(), request_json.size()};
  c.deadline_unix_ms = deadline_unix_ms;
  r.code = fn(self_, &c, &out, &err);
  if (observer())
    observer()(id(), op, r.code, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return r;
}

CallResult ConnectorInstance::call_within(Op op, std::string request_json, int64_t timeout_ms) const {
  auto self = shared_from_this();
  int64_t deadline = util::now_ms() + timeout_ms;
  auto task = std::make_shared<std::packaged_task<CallResult()>>(
      [self, op, req = std::move(request_json), deadline] { return self->call(op, req, deadline); });
  auto result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready)
    return error(CX_ERR_TIMEOUT, std::string(op_name(op)) + " on connector " + id() + " exceeded its deadline of " +
                                     std::to_string(timeout_ms) + " ms");
  return result.get();
}

CallResult ConnectorInstance::call_json(Op op, std::string_view request_json, boost::json::value& out,
                                        int64_t deadline_unix_ms) const {
  CallResult r = call(op, request_json, deadline_unix_ms);
  if (!r.ok()) return r;
  boost::system::error_code ec;
  out = boost::json::parse(r.out, ec);
  if (ec) return error(CX_ERR_INTERNAL, "connector " + id() + " returned invalid JSON from " + op_name(op));
  return r;
}

}  // namespace cx::plugin
