#include "host/plugin/instance.hpp"

#include "host/plugin/call_cap.hpp"
#include "host/plugin/bounded_sink.hpp"
#include "host/plugin/channel.hpp"
#include "host/plugin/output_check.hpp"
#include "host/plugin/status.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <thread>

namespace cx::plugin {

namespace {
// Isolated call_within: a plugin whose host calls end at the deadline answers a few ms after
// it, so the runner is killed (and the caller answered) this long after the deadline.
constexpr int64_t kSyncGraceMs = 500;


CallObserver& observer() {
  static CallObserver o;
  return o;
}

boost::json::object err_object(const std::string& err) {
  boost::system::error_code ec;
  auto v = boost::json::parse(err, ec);
  return !ec && v.is_object() ? v.get_object() : boost::json::object{};
}

CallResult error(int32_t code, const std::string& message) {
  return CallResult{code, {}, boost::json::serialize(boost::json::object{{"message", message}})};
}
}  // namespace

void set_call_observer(CallObserver o) { observer() = std::move(o); }

std::string CallResult::message() const {
  auto o = err_object(err);
  if (auto* m = o.if_contains("message"); m && m->is_string()) return std::string(m->get_string());
  return std::string(status_info(code).text);
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
                                                             std::string_view config_json, std::string name) {
  std::shared_ptr<ConnectorInstance> inst(new ConnectorInstance());
  inst->name_ = std::move(name);
  inst->library_ = std::move(library);
  inst->services_ = std::move(services);
  if (isolation().process) {
    ConnectorLabel label = inst->label();
    inst->remote_ = std::make_unique<IsolatedPlugin>(inst->library_, *inst->services_, std::string(config_json),
                                                     [label](const std::string& what) { FaultBook::get().record(label, what); });
    return inst;
  }
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
  if (const auto& cid = inst->services_->deps().connector_id; !cid.empty())
    inst->journal_slot_ = InflightJournal::get().slot(cid);
  return inst;
}

ConnectorInstance::~ConnectorInstance() {
  remote_.reset();  // kills the runner
  if (self_) library_->descriptor().destroy(self_);
}

ConnectorLabel ConnectorInstance::label() const {
  const auto& d = services_->deps();
  return ConnectorLabel{d.connector_id, name_.empty() ? d.connector_id : name_, library_->id(), library_->path().string()};
}

namespace {
/// A quarantined connector's calls are refused before reaching the plugin. Retryable, so a task
/// resumes once the quarantine is lifted.
std::optional<CallResult> refused_if_quarantined(const std::string& connector_id, Op op) {
  if (connector_id.empty()) return std::nullopt;
  auto q = FaultBook::get().quarantined(connector_id);
  if (!q) return std::nullopt;
  return CallResult{CX_ERR_UPSTREAM, {},
                    boost::json::serialize(boost::json::object{
                        {"message", std::string(op_name(op)) + " refused: connector " + q->connector.name +
                                        " is quarantined (" + q->reason + ")"},
                        {"retryAfterMs", 60000}})};
}
}  // namespace

CallResult ConnectorInstance::call(Op op, std::string_view request_json, int64_t deadline_unix_ms) const {
  cx_op_fn fn = library_->descriptor().*info(op).slot;
  if (!fn) return error(CX_ERR_UNSUPPORTED, "connector " + id() + " does not support " + op_name(op));
  if (auto q = refused_if_quarantined(services_->deps().connector_id, op)) return *q;
  deadline_unix_ms = capped_deadline(deadline_unix_ms, util::now_ms());
  auto started = std::chrono::steady_clock::now();
  CallResult r;
  if (remote_) {
    const auto& s = isolation();
    int64_t now_steady = channel::steady_ms();
    int64_t kill_at = deadline_unix_ms > 0 ? now_steady + (deadline_unix_ms - util::now_ms()) + s.grace_ms
                                           : now_steady + s.unbounded_call_ms;
    auto rr = remote_->call(op, request_json, deadline_unix_ms, kill_at);
    r = CallResult{rr.code, std::move(rr.out), std::move(rr.err)};
  } else {
    BoundedSink os{&r.out}, es{&r.err};
    cx_sink out{&os, &BoundedSink::write}, err{&es, &BoundedSink::write};
    cx_call c{};
    c.struct_size = sizeof(cx_call);
    c.request_json = cx_bytes{request_json.data(), request_json.size()};
    c.deadline_unix_ms = deadline_unix_ms;
    InflightJournal::get().begin(journal_slot_, static_cast<int>(op));
    r.code = fn(self_, &c, &out, &err);
    InflightJournal::get().end(journal_slot_);
  }
  check_output(op, r, *this);
  if (observer())
    observer()(id(), op, r.code, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return r;
}

CallResult ConnectorInstance::call_within(Op op, std::string request_json, int64_t timeout_ms) const {
  const std::string exceeded = std::string(op_name(op)) + " on connector " + id() + " exceeded its deadline of " +
                               std::to_string(timeout_ms) + " ms";
  {
    std::unique_lock lock(sync_mu_);
    if (!sync_cv_.wait_for(lock, std::chrono::milliseconds(kSyncQueueMs), [&] { return sync_calls_ < kMaxSyncCalls; }))
      return error(CX_ERR_TIMEOUT, std::string(op_name(op)) + " on connector " + id() +
                                       " refused: its earlier calls are still running");
    ++sync_calls_;
  }
  struct Release {
    const ConnectorInstance* self;
    ~Release() {
      {
        std::lock_guard lock(self->sync_mu_);
        --self->sync_calls_;
      }
      self->sync_cv_.notify_one();
    }
  } release{this};
  timeout_ms = capped_deadline(util::now_ms() + timeout_ms, util::now_ms()) - util::now_ms();
  int64_t deadline = util::now_ms() + timeout_ms;
  if (remote_) {
    if (!library_->has(op)) return call(op, request_json, deadline);
    if (auto q = refused_if_quarantined(services_->deps().connector_id, op)) return *q;
    auto started = std::chrono::steady_clock::now();
    auto rr = remote_->call(op, request_json, deadline, channel::steady_ms() + timeout_ms + kSyncGraceMs);
    CallResult r{rr.code, std::move(rr.out), std::move(rr.err)};
    if (r.code == CX_ERR_TIMEOUT && !rr.fault.empty()) r = error(CX_ERR_TIMEOUT, exceeded);
    check_output(op, r, *this);
    if (observer())
      observer()(id(), op, r.code, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return r;
  }
  // In-process: a hung call keeps its thread; cap how many may be left behind.
  if (unanswered_->fetch_add(1) >= kMaxUnanswered) {
    unanswered_->fetch_sub(1);
    return error(CX_ERR_TIMEOUT, std::string(op_name(op)) + " on connector " + id() +
                                     " refused: earlier calls have not answered yet");
  }
  auto self = shared_from_this();
  auto counter = unanswered_;
  auto task = std::make_shared<std::packaged_task<CallResult()>>(
      [self, op, req = std::move(request_json), deadline] { return self->call(op, req, deadline); });
  auto result = task->get_future();
  std::thread([task, counter] {
    (*task)();
    counter->fetch_sub(1);
  }).detach();
  if (result.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) return error(CX_ERR_TIMEOUT, exceeded);
  return result.get();
}

CallResult ConnectorInstance::call_json(Op op, std::string_view request_json, boost::json::value& out,
                                        int64_t deadline_unix_ms) const {
  CallResult r = call(op, request_json, deadline_unix_ms);
  if (r.ok()) out = std::move(r.json);  // parsed and checked by call()
  return r;
}

}  // namespace cx::plugin
