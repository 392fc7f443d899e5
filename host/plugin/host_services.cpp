#include "host/plugin/host_services.hpp"

#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <boost/json.hpp>
#include <botan/system_rng.h>

namespace cx::plugin {

std::optional<std::string> MemoryStateStore::get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}
void MemoryStateStore::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  values_[key] = value;
}
void MemoryStateStore::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  values_.erase(key);
}

namespace {
std::string_view view(cx_bytes b) { return b.len ? std::string_view(b.ptr, b.len) : std::string_view{}; }
int32_t write(cx_sink* s, std::string_view v) { return s && s->write ? s->write(s->ctx, v.data(), v.size()) : CX_OK; }
int32_t fail(cx_sink* err, int32_t code, const std::string& message) {
  write(err, boost::json::serialize(boost::json::object{{"message", message}}));
  return code;
}
}  // namespace

HostServices::HostServices(ServiceDeps deps) : deps_(std::move(deps)) {
  if (!deps_.state) deps_.state = std::make_shared<MemoryStateStore>();
  if (!deps_.clock) deps_.clock = &util::now_ms;
  std::erase_if(deps_.secrets, [](const std::string& s) { return s.size() < 4; });
  api_.struct_size = sizeof(cx_host_api);
  api_.abi_version = CX_ABI_VERSION;
  api_.ctx = reinterpret_cast<cx_host_ctx*>(this);
  api_.log = &HostServices::log;
  api_.now_unix_ms = &HostServices::now;
  api_.random = &HostServices::random;
  api_.http = &HostServices::http;
  api_.state_get = &HostServices::state_get;
  api_.state_put = &HostServices::state_put;
  api_.state_delete = &HostServices::state_delete;
}

std::string HostServices::redact(std::string msg) const {
  for (const auto& secret : deps_.secrets)
    for (size_t pos = msg.find(secret); pos != std::string::npos; pos = msg.find(secret, pos))
      msg.replace(pos, secret.size(), "[REDACTED]");
  return msg;
}

void HostServices::log(cx_host_ctx* ctx, int32_t level, cx_bytes msg) noexcept {
  try {
    auto& s = self(ctx);
    std::string text = s.redact(std::string(view(msg)));
    auto lvl = level <= CX_LOG_DEBUG ? spdlog::level::debug
               : level == CX_LOG_INFO ? spdlog::level::info
               : level == CX_LOG_WARN ? spdlog::level::warn
                                      : spdlog::level::err;
    util::log().log(lvl, "{}: {}", s.who(), text);
  } catch (...) {
  }
}

int64_t HostServices::now(cx_host_ctx* ctx) noexcept {
  try {
    return self(ctx).deps_.clock();
  } catch (...) {
    return util::now_ms();
  }
}

int32_t HostServices::random(cx_host_ctx*, uint8_t* out, size_t n) noexcept {
  try {
    Botan::system_rng().randomize(out, n);
    return CX_OK;
  } catch (...) {
    return CX_ERR_INTERNAL;
  }
}

int32_t HostServices::http(cx_host_ctx* ctx, const cx_call* call, cx_bytes head, cx_bytes body, cx_sink* resp_head,
                           cx_sink* resp_body, cx_sink* err) noexcept {
  try {
    auto& s = self(ctx);
    boost::system::error_code ec;
    auto parsed = boost::json::parse(view(head), ec);
    if (ec || !parsed.is_object()) return fail(err, CX_ERR_INVALID_ARGUMENT, "http head is not a JSON object");
    const auto& o = parsed.get_object();
    net::HttpRequest req;
    auto* method = o.if_contains("method");
    auto* url = o.if_contains("url");
    if (!url || !url->is_string()) return fail(err, CX_ERR_INVALID_ARGUMENT, "http head needs a string \"url\"");
    req.url = std::string(url->get_string());
    if (method && method->is_string()) req.method = std::string(method->get_string());
    if (auto* h = o.if_contains("headers"); h && h->is_object())
      for (auto& [k, v] : h->get_object())
        if (v.is_string()) req.headers.emplace_back(std::string(k), std::string(v.get_string()));
    if (auto* t = o.if_contains("timeoutMs"); t && t->is_int64()) req.timeout_ms = t->get_int64();
    req.body = std::string(view(body));

    if (!s.deps_.http) {
      util::log().warn("{}: refused egress to {}: connector has no HTTP access", s.who(), req.url);
      return fail(err, CX_ERR_AUTH, "this connector has no outbound HTTP access");
    }
    int64_t deadline = 0;
    if (call && call->struct_size >= CX_CALL_SIZE_1_0) deadline = call->deadline_unix_ms;
    auto res = s.deps_.http->exchange(req, deadline);
    switch (res.outcome) {
      case net::HttpResult::Outcome::Response: break;
      case net::HttpResult::Outcome::Refused:
        util::log().warn("{}: refused: {}", s.who(), res.error);
        return fail(err, CX_ERR_AUTH, res.error);
      case net::HttpResult::Outcome::Timeout: return fail(err, CX_ERR_TIMEOUT, res.error);
      case net::HttpResult::Outcome::BadRequest: return fail(err, CX_ERR_INVALID_ARGUMENT, res.error);
      case net::HttpResult::Outcome::Failed: return fail(err, CX_ERR_UPSTREAM, res.error);
    }
    boost::json::object headers;
    for (auto& [k, v] : res.headers) headers[k] = v;
    int32_t rc = write(resp_head, boost::json::serialize(boost::json::object{{"status", res.status}, {"headers", headers}}));
    if (rc != CX_OK) return rc;
    return write(resp_body, res.body);
  } catch (const std::exception& e) {
    return fail(err, CX_ERR_INTERNAL, e.what());
  } catch (...) {
    return CX_ERR_INTERNAL;
  }
}

int32_t HostServices::state_get(cx_host_ctx* ctx, cx_bytes key, cx_sink* value) noexcept {
  try {
    auto v = self(ctx).deps_.state->get(std::string(view(key)));
    if (!v) return CX_ERR_NOT_FOUND;
    return write(value, *v);
  } catch (const std::exception& e) {
    util::log().error("{}: state_get failed: {}", self(ctx).who(), e.what());
    return CX_ERR_INTERNAL;
  } catch (...) {
    return CX_ERR_INTERNAL;
  }
}

int32_t HostServices::state_put(cx_host_ctx* ctx, cx_bytes key, cx_bytes value) noexcept {
  try {
    self(ctx).deps_.state->put(std::string(view(key)), std::string(view(value)));
    return CX_OK;
  } catch (const std::exception& e) {
    util::log().error("{}: state_put failed: {}", self(ctx).who(), e.what());
    return CX_ERR_INTERNAL;
  } catch (...) {
    return CX_ERR_INTERNAL;
  }
}

int32_t HostServices::state_delete(cx_host_ctx* ctx, cx_bytes key) noexcept {
  try {
    self(ctx).deps_.state->erase(std::string(view(key)));
    return CX_OK;
  } catch (...) {
    return CX_ERR_INTERNAL;
  }
}

}  // namespace cx::plugin
