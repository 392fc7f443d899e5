#include "plugin.hpp"

#include <connectivity/connector.hpp>

#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace cx::conformance {

const std::vector<OpSlot>& op_slots() {
  static const std::vector<OpSlot> slots{
      {"install", &cx_connector::install, 0},
      {"uninstall", &cx_connector::uninstall, 0},
      {"create_webhooks", &cx_connector::create_webhooks, CX_CAP_CREATE_WEBHOOKS},
      {"verify_webhook", &cx_connector::verify_webhook, CX_CAP_TRANSLATE_WEBHOOKS},
      {"translate_webhook", &cx_connector::translate_webhook, CX_CAP_TRANSLATE_WEBHOOKS},
      {"fetch_accounts", &cx_connector::fetch_accounts, CX_CAP_FETCH_ACCOUNTS},
      {"fetch_balances", &cx_connector::fetch_balances, CX_CAP_FETCH_BALANCES},
      {"fetch_external_accounts", &cx_connector::fetch_external_accounts, CX_CAP_FETCH_EXTERNAL_ACCOUNTS},
      {"fetch_payments", &cx_connector::fetch_payments, CX_CAP_FETCH_PAYMENTS},
      {"create_user", &cx_connector::create_user, CX_CAP_OPEN_BANKING},
      {"create_user_link", &cx_connector::create_user_link, CX_CAP_OPEN_BANKING},
      {"update_user_link", &cx_connector::update_user_link, CX_CAP_OPEN_BANKING},
      {"complete_user_link", &cx_connector::complete_user_link, CX_CAP_OPEN_BANKING},
      {"delete_user", &cx_connector::delete_user, CX_CAP_OPEN_BANKING},
      {"delete_user_connection", &cx_connector::delete_user_connection, CX_CAP_OPEN_BANKING},
      {"create_bank_account", &cx_connector::create_bank_account, CX_CAP_CREATE_BANK_ACCOUNT},
      {"create_transfer", &cx_connector::create_transfer, CX_CAP_CREATE_TRANSFER},
      {"create_payout", &cx_connector::create_payout, CX_CAP_CREATE_PAYOUT},
  };
  return slots;
}

const OpSlot* find_op(const std::string& name) {
  for (const auto& s : op_slots())
    if (name == s.name) return &s;
  return nullptr;
}

Plugin::Plugin(const std::string& path) : path_(path) {
  // A path, never a bare name: dlopen() would search the library path for "acme.so".
  std::string abs = std::filesystem::absolute(path).string();
  handle_ = dlopen(abs.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* e = dlerror();
    throw std::runtime_error(e ? e : ("cannot load " + path));
  }
  auto entry = reinterpret_cast<cx_entry_fn>(dlsym(handle_, CX_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error(path + " does not export " CX_ENTRY_SYMBOL);
  const cx_connector* d = entry(CX_ABI_VERSION);
  if (!d) throw std::runtime_error(path + ": " CX_ENTRY_SYMBOL " refused this host (ABI " +
                                   std::to_string(CX_ABI_VERSION_MAJOR) + "." + std::to_string(CX_ABI_VERSION_MINOR) + ")");
  reported_size_ = d->struct_size;
  std::memcpy(&d_, d, std::min<size_t>(d->struct_size, sizeof(d_)));
}

Plugin::~Plugin() {
  if (handle_) dlclose(handle_);
}

boost::json::value Outcome::out_json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  return ec ? boost::json::value() : v;
}

namespace {
const boost::json::value* err_member(const std::string& err, const char* key, boost::json::value& holder) {
  boost::system::error_code ec;
  holder = boost::json::parse(err, ec);
  if (ec || !holder.is_object()) return nullptr;
  return holder.get_object().if_contains(key);
}
}  // namespace

std::string Outcome::message() const {
  boost::json::value h;
  auto* m = err_member(err, "message", h);
  return m && m->is_string() ? std::string(m->get_string()) : err;
}
std::string Outcome::field() const {
  boost::json::value h;
  auto* m = err_member(err, "field", h);
  return m && m->is_string() ? std::string(m->get_string()) : std::string{};
}
int64_t Outcome::retry_after_ms() const {
  boost::json::value h;
  auto* m = err_member(err, "retryAfterMs", h);
  return m && m->is_int64() ? m->get_int64() : 0;
}

std::string code_name(int32_t code) {
  switch (code) {
    case CX_OK: return "CX_OK";
    case CX_ERR_INVALID_ARGUMENT: return "CX_ERR_INVALID_ARGUMENT";
    case CX_ERR_UNSUPPORTED: return "CX_ERR_UNSUPPORTED";
    case CX_ERR_NOT_FOUND: return "CX_ERR_NOT_FOUND";
    case CX_ERR_AUTH: return "CX_ERR_AUTH";
    case CX_ERR_RATE_LIMITED: return "CX_ERR_RATE_LIMITED";
    case CX_ERR_UPSTREAM: return "CX_ERR_UPSTREAM";
    case CX_ERR_TIMEOUT: return "CX_ERR_TIMEOUT";
    case CX_ERR_INTERNAL: return "CX_ERR_INTERNAL";
  }
  return "status " + std::to_string(code);
}

Instance::Instance(const Plugin& plugin, ScriptHost& host, const std::string& config_json) : plugin_(plugin) {
  if (!plugin.descriptor().create) {
    created_.code = CX_ERR_INTERNAL;
    created_.err = R"x({"message":"descriptor has no create()"})x";
    return;
  }
  cx_sink err = cx::detail::sink_to(created_.err);
  created_.code = plugin.descriptor().create(host.api(), cx::detail::bytes_of(config_json), &self_, &err);
  if (created_.code != CX_OK && self_) {  // a failed create must not hand out an instance
    if (plugin.descriptor().destroy) plugin.descriptor().destroy(self_);
    self_ = nullptr;
  }
}

Instance::~Instance() {
  if (self_ && plugin_.descriptor().destroy) plugin_.descriptor().destroy(self_);
}

Outcome Instance::call(const std::string& op, const boost::json::object& request, int64_t deadline_ms) const {
  Outcome o;
  const OpSlot* s = find_op(op);
  cx_op_fn fn = s ? plugin_.descriptor().*(s->slot) : nullptr;
  if (!fn || !self_) {
    o.code = CX_ERR_UNSUPPORTED;
    o.err = R"({"message":"op not implemented by the plugin"})";
    return o;
  }
  std::string text = boost::json::serialize(request);
  cx_call call{};
  call.struct_size = sizeof(cx_call);
  call.request_json = cx::detail::bytes_of(text);
  call.request_id = cx::detail::bytes_of("cx-conformance");
  call.deadline_unix_ms = deadline_ms;
  cx_sink out = cx::detail::sink_to(o.out), err = cx::detail::sink_to(o.err);
  auto t0 = std::chrono::steady_clock::now();
  o.code = fn(self_, &call, &out, &err);
  o.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  return o;
}

}  // namespace cx::conformance
