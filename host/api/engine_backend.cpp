#include "host/api/engine_backend.hpp"

#include "host/api/errors.hpp"
#include "host/engine/engine.hpp"
#include "host/plugin/registry.hpp"
#include "host/store/errors.hpp"
#include "host/util/log.hpp"

#include <algorithm>
#include <array>

namespace cx::api {
namespace json = boost::json;
namespace {

bool known_code(std::string_view c) {
  static constexpr std::array<std::string_view, 8> kCodes{
      code::kValidation, code::kInvalidId, code::kMissingOrInvalidBody, code::kNotFound,
      code::kConflict, code::kCapabilityNotSupported, code::kUnauthorized, code::kInternal};
  return std::find(kCodes.begin(), kCodes.end(), c) != kCodes.end();
}

Failure failure(int status, std::string code, std::string message) {
  if (status >= 400 && status < 500 && status != 429) {
    if (!known_code(code)) code = std::string(code::kValidation);
    return Failure{status, std::move(code), std::move(message)};
  }
  if (status == 500 || status < 400) {
    util::log().warn("backend failure {} {}: {}", status, code, message);
    return Failure{500, std::string(code::kInternal), std::string(kInternalMessage)};
  }
  return Failure{status, std::string(code::kInternal), std::move(message)};  // 429, 502, 504
}

// Runs fn, turning the engine's and the store's refusals into Failures.
template <class T, class F>
Result<T> guarded(F&& fn) {
  try {
    if constexpr (std::is_void_v<T>) {
      fn();
      return Result<void>();
    } else {
      return Result<T>(fn());
    }
  } catch (const engine::EngineError& e) {
    return failure(e.http_status, e.code, e.what());
  } catch (const store::NotFound& e) {
    return Failure{404, std::string(code::kNotFound), e.what()};
  } catch (const store::Conflict& e) {
    return Failure{400, std::string(code::kConflict), e.what()};
  } catch (const store::InvalidReference& e) {
    return Failure{400, std::string(code::kValidation), e.what()};
  }
}

json::object link_body(const LinkInput& in) {
  json::object o{{"clientRedirectURL", in.client_redirect_url}};
  if (in.application_name) o["applicationName"] = *in.application_name;
  return o;
}

engine::InboundRequest to_engine(const InboundInput& in) {
  engine::InboundRequest r;
  r.method = in.method;
  r.path = in.path;
  r.headers = in.headers;
  r.query = in.query;
  r.body = in.body;
  return r;
}

}  // namespace

EngineBackend::EngineBackend(engine::Engine& engine, const plugin::Registry& registry)
    : engine_(engine), registry_(registry) {}

std::string EngineBackend::webhook_base_url(const std::string& connector_id) const {
  return engine::webhook_base(engine_.options(), connector_id);
}

std::vector<PluginInfo> EngineBackend::plugins() const {
  std::vector<PluginInfo> out;
  for (const auto& lib : registry_.all()) {
    const cx_connector& d = lib->descriptor();
    out.push_back(PluginInfo{lib->id(), d.version ? d.version : "", lib->abi_version(), d.capabilities,
                             d.config_schema_json ? d.config_schema_json : ""});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::string> EngineBackend::install_connector(const std::string& provider, const json::object& config) {
  return guarded<std::string>([&] { return engine_.install(provider, config); });
}

Result<void> EngineBackend::update_connector_config(const std::string& connector_id, const json::object& config) {
  return guarded<void>([&] { engine_.update_config(connector_id, config); });
}

Result<std::string> EngineBackend::uninstall_connector(const std::string& connector_id) {
  return guarded<std::string>([&] { return engine_.uninstall(connector_id); });
}

Result<std::string> EngineBackend::reset_connector(const std::string& connector_id) {
  return guarded<std::string>([&] { return engine_.reset(connector_id); });
}

Result<void> EngineBackend::forward_psu(const std::string& psu_id, const std::string& connector_id) {
  return guarded<void>([&] { engine_.forward(psu_id, connector_id); });
}

Result<LinkOutput> EngineBackend::create_link(const LinkInput& in) {
  return guarded<LinkOutput>([&] {
    auto r = engine_.create_link(in.psu_id, in.connector_id, link_body(in), in.idempotency_key);
    return LinkOutput{r.attempt_id, r.link};
  });
}

Result<LinkOutput> EngineBackend::update_link(const LinkInput& in) {
  return guarded<LinkOutput>([&] {
    auto r = engine_.update_link(in.psu_id, in.connector_id, in.connection_id.value_or(""), link_body(in),
                                 in.idempotency_key);
    return LinkOutput{r.attempt_id, r.link};
  });
}

Result<std::string> EngineBackend::delete_psu(const std::string& psu_id) {
  return guarded<std::string>([&] { return engine_.delete_psu(psu_id); });
}

Result<std::string> EngineBackend::delete_psu_connector(const std::string& psu_id, const std::string& connector_id) {
  return guarded<std::string>([&] { return engine_.delete_psu_connector(psu_id, connector_id); });
}

Result<std::string> EngineBackend::delete_connection(const std::string& psu_id, const std::string& connector_id,
                                                     const std::string& connection_id) {
  return guarded<std::string>([&] { return engine_.delete_connection(psu_id, connector_id, connection_id); });
}

Result<std::string> EngineBackend::forward_bank_account(const std::string&, const std::string&) {
  return Failure{400, std::string(code::kCapabilityNotSupported),
                 "forwarding bank accounts to a connector is not supported by this host"};
}

Result<WebhookOutput> EngineBackend::handle_webhook(const InboundInput& in) {
  return guarded<WebhookOutput>([&] {
    engine_.handle_webhook(in.connector_id, to_engine(in));
    return WebhookOutput{200, ""};
  });
}

Result<RedirectOutput> EngineBackend::handle_redirect(const InboundInput& in) {
  return guarded<RedirectOutput>([&] {
    auto r = engine_.handle_redirect(in.connector_id, to_engine(in));
    return RedirectOutput{r.location};
  });
}

std::map<std::string, int64_t> EngineBackend::task_counts() const {
  auto st = engine_.stats();
  return {{"running", st.running}, {"succeeded", st.succeeded}, {"failed", st.failed}, {"retried", st.retried},
          {"skipped", st.skipped}};
}

}  // namespace cx::api
