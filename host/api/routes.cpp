#include "host/api/routes.hpp"

namespace cx::api {

void add_all_routes(Api& api, const Services& s) {
  add_connector_routes(api, s);
  add_task_schedule_routes(api, s);
  add_psu_routes(api, s);
  add_open_banking_routes(api, s);
  add_account_routes(api, s);
  add_payment_routes(api, s);
  add_bank_account_routes(api, s);
  add_public_routes(api, s);
  add_system_routes(api, s);
  add_pool_routes(api, s);
  add_reconciliation_routes(api, s);
}

}  // namespace cx::api
