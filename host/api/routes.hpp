// Route registration, one function per resource file. add_all_routes registers every v3 route
// under /api/payments/v3 plus /_healthcheck, /_info and /metrics.
#pragma once

#include "host/api/api.hpp"
#include "host/api/handler_support.hpp"

namespace cx::api {

void add_connector_routes(Api& api, const Services& s);        ///< handlers_connectors.cpp
void add_task_schedule_routes(Api& api, const Services& s);    ///< handlers_tasks_schedules.cpp
void add_psu_routes(Api& api, const Services& s);              ///< handlers_psus.cpp
void add_open_banking_routes(Api& api, const Services& s);     ///< handlers_open_banking.cpp
void add_account_routes(Api& api, const Services& s);          ///< handlers_accounts.cpp
void add_payment_routes(Api& api, const Services& s);          ///< handlers_payments.cpp
void add_bank_account_routes(Api& api, const Services& s);     ///< handlers_bank_accounts.cpp
void add_public_routes(Api& api, const Services& s);           ///< handlers_public.cpp
void add_system_routes(Api& api, const Services& s);           ///< handlers_system.cpp
void add_pool_routes(Api& api, const Services& s);             ///< handlers_pools.cpp
void add_reconciliation_routes(Api& api, const Services& s);   ///< handlers_reconciliation.cpp (/api/reconciliation)

/// All of the above.
void add_all_routes(Api& api, const Services& s);

}  // namespace cx::api
