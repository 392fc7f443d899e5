#include "host/reconciliation/client_side.hpp"

namespace cx::recon {

LedgerSide client_side(LedgerConfig config) {
  if (config.url.empty()) return {};
  return [config = std::move(config)](const std::string& ledger_name, const boost::json::object& query,
                                      std::chrono::system_clock::time_point pit,
                                      std::chrono::steady_clock::time_point deadline) -> SideResult {
    auto r = aggregate_balances(config, ledger_name, query, pit, deadline);
    if (auto* e = std::get_if<LedgerError>(&r)) return SideError{e->message, e->http_status};
    return std::get<0>(std::move(r));
  };
}

}  // namespace cx::recon
