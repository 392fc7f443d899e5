/* Pins the ABI 1.0 layout (LP64, x86-64 / AArch64 SysV) and the frozen numbers. A change here
 * is an ABI break: append members instead, and bump CX_ABI_VERSION_MINOR. */
#include <connectivity/abi.h>

#include <stdio.h>

#define PIN(expr, value) _Static_assert((expr) == (value), #expr " changed")

PIN(sizeof(cx_bytes), 16);
PIN(sizeof(cx_sink), 16);
PIN(offsetof(cx_call, struct_size), 0);
PIN(offsetof(cx_call, request_json), 8);
PIN(offsetof(cx_call, request_id), 24);
PIN(offsetof(cx_call, deadline_unix_ms), 40);
PIN(sizeof(cx_call), 48);
PIN(CX_CALL_SIZE_1_0, 48);

PIN(offsetof(cx_host_api, ctx), 8);
PIN(offsetof(cx_host_api, log), 16);
PIN(offsetof(cx_host_api, now_unix_ms), 24);
PIN(offsetof(cx_host_api, random), 32);
PIN(offsetof(cx_host_api, http), 40);
PIN(offsetof(cx_host_api, state_get), 48);
PIN(offsetof(cx_host_api, state_put), 56);
PIN(offsetof(cx_host_api, state_delete), 64);
PIN(CX_HOST_API_SIZE_1_0, 72);

PIN(offsetof(cx_connector, abi_version), 4);
PIN(offsetof(cx_connector, id), 8);
PIN(offsetof(cx_connector, version), 16);
PIN(offsetof(cx_connector, capabilities), 24);
PIN(offsetof(cx_connector, config_schema_json), 32);
PIN(offsetof(cx_connector, create), 40);
PIN(offsetof(cx_connector, destroy), 48);
PIN(offsetof(cx_connector, install), 56);
PIN(offsetof(cx_connector, uninstall), 64);
PIN(offsetof(cx_connector, create_webhooks), 72);
PIN(offsetof(cx_connector, verify_webhook), 80);
PIN(offsetof(cx_connector, translate_webhook), 88);
PIN(offsetof(cx_connector, fetch_accounts), 96);
PIN(offsetof(cx_connector, fetch_balances), 104);
PIN(offsetof(cx_connector, fetch_external_accounts), 112);
PIN(offsetof(cx_connector, fetch_payments), 120);
PIN(offsetof(cx_connector, create_user), 128);
PIN(offsetof(cx_connector, create_user_link), 136);
PIN(offsetof(cx_connector, update_user_link), 144);
PIN(offsetof(cx_connector, complete_user_link), 152);
PIN(offsetof(cx_connector, delete_user), 160);
PIN(offsetof(cx_connector, delete_user_connection), 168);
PIN(offsetof(cx_connector, create_bank_account), 176);
PIN(offsetof(cx_connector, create_transfer), 184);
PIN(offsetof(cx_connector, create_payout), 192);
PIN(CX_CONNECTOR_SIZE_1_0, 200);

PIN(CX_OK, 0);
PIN(CX_ERR_INVALID_ARGUMENT, 1);
PIN(CX_ERR_UNSUPPORTED, 2);
PIN(CX_ERR_NOT_FOUND, 3);
PIN(CX_ERR_AUTH, 4);
PIN(CX_ERR_RATE_LIMITED, 5);
PIN(CX_ERR_UPSTREAM, 6);
PIN(CX_ERR_TIMEOUT, 7);
PIN(CX_ERR_INTERNAL, 8);
PIN(CX_CAP_FETCH_ACCOUNTS, 1u);
PIN(CX_CAP_TRANSLATE_WEBHOOKS, 32u);
PIN(CX_CAP_OPEN_BANKING, 2048u);
PIN(CX_ABI_VERSION, 0x10000u);

int main(void) {
  /* Runtime twin of the static checks, so the test reports what it pinned. */
  printf("cx_connector %zu bytes, cx_host_api %zu bytes, cx_call %zu bytes\n", sizeof(cx_connector),
         sizeof(cx_host_api), sizeof(cx_call));
  return sizeof(cx_connector) == 200 && sizeof(cx_host_api) == 72 && sizeof(cx_call) == 48 ? 0 : 1;
}
