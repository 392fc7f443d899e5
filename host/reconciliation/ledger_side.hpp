// The ledger side of a reconciliation, as a function so the algorithm and the API can be tested
// without a ledger: aggregated balances (asset → signed minor units) of the accounts `query`
// selects in ledger `ledger_name`, as of `pit` (Formance Ledger v2
// GET /v2/{ledger}/aggregate/balances?pit=…). The daemon binds it to the ledger client
// (ledger_client.hpp); an empty function means no ledger is configured.
#pragma once

#include "host/reconciliation/algorithm.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace cx::recon {

using LedgerSide = std::function<SideResult(const std::string& ledger_name, const boost::json::object& query,
                                            std::chrono::system_clock::time_point pit,
                                            std::chrono::steady_clock::time_point deadline)>;

}  // namespace cx::recon
