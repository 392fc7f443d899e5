// The production Backend: cx::engine::Engine for every action and the plugin registry for the
// catalogue. Engine and store refusals become Failures (status, code, message); codes the
// official client does not know are reported as INTERNAL with their status kept, and a 500's
// message is replaced by the fixed one (the detail is logged).
#pragma once

#include "host/api/backend.hpp"

namespace cx::engine {
class Engine;
}
namespace cx::plugin {
class Registry;
}

namespace cx::api {

class EngineBackend final : public Backend {
 public:
  /// Both must outlive this object.
  EngineBackend(engine::Engine& engine, const plugin::Registry& registry);

  std::vector<PluginInfo> plugins() const override;
  std::string webhook_base_url(const std::string& connector_id) const override;
  Result<std::string> install_connector(const std::string& provider, const boost::json::object& config) override;
  Result<void> update_connector_config(const std::string& connector_id, const boost::json::object& config) override;
  Result<std::string> uninstall_connector(const std::string& connector_id) override;
  Result<std::string> reset_connector(const std::string& connector_id) override;
  Result<void> forward_psu(const std::string& psu_id, const std::string& connector_id) override;
  Result<LinkOutput> create_link(const LinkInput& in) override;
  Result<LinkOutput> update_link(const LinkInput& in) override;
  Result<std::string> delete_psu(const std::string& psu_id) override;
  Result<std::string> delete_psu_connector(const std::string& psu_id, const std::string& connector_id) override;
  Result<std::string> delete_connection(const std::string& psu_id, const std::string& connector_id,
                                        const std::string& connection_id) override;
  Result<std::string> forward_bank_account(const std::string& bank_account_id,
                                           const std::string& connector_id) override;
  Result<WebhookOutput> handle_webhook(const InboundInput& in) override;
  Result<RedirectOutput> handle_redirect(const InboundInput& in) override;
  std::map<std::string, int64_t> task_counts() const override;

 private:
  engine::Engine& engine_;
  const plugin::Registry& registry_;
};

}  // namespace cx::api
