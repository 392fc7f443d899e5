/*
 * connectivity/abi.h — the whole binary contract between connectivityd and a connector plugin.
 *
 * Pure C99; depends only on <stdint.h> and <stddef.h>. Payloads cross the boundary as JSON bytes
 * (their shapes are in sdk/schemas/<op>.{request,response}.json); only this header is binary.
 *
 * COMPATIBILITY POLICY (ABI 1.x)
 *  1. Types: only fixed-width integers, cx_bytes, cx_sink, opaque pointers and function pointers.
 *     No bool, no enum types in fields or signatures, no long, no bit-fields, no packing pragmas.
 *  2. Structs that carry a struct_size only ever grow at the end. Each side copies what it receives
 *     into a zero-filled struct of its own size, so a slot the other side does not know reads NULL.
 *     Every appended member is tagged with the minor version that added it ("since 1.N").
 *  3. Numbers are frozen: status codes, capability bits and log levels are never renumbered or reused.
 *  4. The host accepts a plugin whose major equals its own and whose minor is equal or older; it
 *     refuses any other with a message naming both versions. A major bump is for removals only.
 *  5. Memory never changes hands: input is borrowed for the call (cx_bytes), output is appended to a
 *     sink owned by the caller (cx_sink). Results therefore outlive the plugin that produced them.
 *  6. No exception, longjmp or signal crosses the boundary in either direction.
 *  7. JSON payloads evolve additively: a reader ignores unknown fields.
 */
#ifndef CONNECTIVITY_ABI_H
#define CONNECTIVITY_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CX_ABI_VERSION_MAJOR 1
#define CX_ABI_VERSION_MINOR 0
/** Packed version: major in the high 16 bits, minor in the low 16 bits. */
#define CX_ABI_VERSION ((uint32_t)((CX_ABI_VERSION_MAJOR << 16) | CX_ABI_VERSION_MINOR))
#define CX_ABI_MAJOR(v) ((uint32_t)(v) >> 16)
#define CX_ABI_MINOR(v) ((uint32_t)(v)&0xFFFFu)

/** Name of the one symbol a plugin exports. */
#define CX_ENTRY_SYMBOL "cx_connector_entry"

/* ---------------------------------------------------------------------------------------------- */
/* Status codes (frozen).                                                                          */
/* ---------------------------------------------------------------------------------------------- */
/**
 * Result of every op and host service. The host maps each status, with one table, to the HTTP
 * answer of a synchronous call (status, v3 errorCode, whether the plugin's message is shown) and
 * to what a background task does (retried honours retryAfterMs, with backoff):
 *
 * | status                  | HTTP | errorCode                          | message | task    |
 * |-------------------------|------|------------------------------------|---------|---------|
 * | CX_ERR_INVALID_ARGUMENT | 400  | VALIDATION                         | shown   | fails   |
 * | CX_ERR_UNSUPPORTED      | 400  | CONNECTOR_CAPABILITY_NOT_SUPPORTED | shown   | fails   |
 * | CX_ERR_NOT_FOUND        | 404  | NOT_FOUND                          | shown   | fails   |
 * | CX_ERR_AUTH             | 502  | INTERNAL                           | shown   | fails   |
 * | CX_ERR_RATE_LIMITED     | 429  | INTERNAL                           | shown   | retried |
 * | CX_ERR_UPSTREAM         | 502  | INTERNAL                           | shown   | retried |
 * | CX_ERR_TIMEOUT          | 504  | INTERNAL                           | shown   | retried |
 * | CX_ERR_INTERNAL         | 500  | INTERNAL                           | fixed   | fails   |
 *
 * Any other value is treated as CX_ERR_INTERNAL. One exception: any error of verify_webhook
 * refuses the webhook with 401 (503 for TIMEOUT and UPSTREAM, so the provider delivers again).
 * Detail travels as JSON in the err sink:
 * {"message": str, "field"?: str, "retryAfterMs"?: int, "provider"?: {"status": int, ...}}.
 */
#define CX_OK 0
#define CX_ERR_INVALID_ARGUMENT 1
#define CX_ERR_UNSUPPORTED 2
#define CX_ERR_NOT_FOUND 3
#define CX_ERR_AUTH 4
#define CX_ERR_RATE_LIMITED 5
#define CX_ERR_UPSTREAM 6
#define CX_ERR_TIMEOUT 7
#define CX_ERR_INTERNAL 8

/* ---------------------------------------------------------------------------------------------- */
/* Capability bits (frozen). A set bit promises the matching op slot(s) are non-NULL.             */
/* ---------------------------------------------------------------------------------------------- */
#define CX_CAP_FETCH_ACCOUNTS (UINT64_C(1) << 0)          /**< fetch_accounts */
#define CX_CAP_FETCH_BALANCES (UINT64_C(1) << 1)          /**< fetch_balances */
#define CX_CAP_FETCH_EXTERNAL_ACCOUNTS (UINT64_C(1) << 2) /**< fetch_external_accounts */
#define CX_CAP_FETCH_PAYMENTS (UINT64_C(1) << 3)          /**< fetch_payments */
#define CX_CAP_CREATE_WEBHOOKS (UINT64_C(1) << 4)         /**< create_webhooks */
#define CX_CAP_TRANSLATE_WEBHOOKS (UINT64_C(1) << 5)      /**< verify_webhook + translate_webhook */
#define CX_CAP_CREATE_BANK_ACCOUNT (UINT64_C(1) << 6)     /**< create_bank_account */
#define CX_CAP_CREATE_TRANSFER (UINT64_C(1) << 7)         /**< create_transfer */
#define CX_CAP_CREATE_PAYOUT (UINT64_C(1) << 8)           /**< create_payout */
#define CX_CAP_ALLOW_ACCOUNT_CREATION (UINT64_C(1) << 9)  /**< no slot: API may create accounts */
#define CX_CAP_ALLOW_PAYMENT_CREATION (UINT64_C(1) << 10) /**< no slot: API may create payments */
/** Open banking: create_user, create_user_link, update_user_link, complete_user_link,
 *  delete_user and delete_user_connection are all present. */
#define CX_CAP_OPEN_BANKING (UINT64_C(1) << 11)

/* ---------------------------------------------------------------------------------------------- */
/* Log levels (frozen).                                                                            */
/* ---------------------------------------------------------------------------------------------- */
#define CX_LOG_DEBUG 0
#define CX_LOG_INFO 1
#define CX_LOG_WARN 2
#define CX_LOG_ERROR 3

/* ---------------------------------------------------------------------------------------------- */
/* Buffers.                                                                                        */
/* ---------------------------------------------------------------------------------------------- */
/**
 * A borrowed byte range; not NUL-terminated. ptr may be NULL when len is 0.
 * OWNERSHIP: the side that passes it keeps it. LIFETIME: valid until the call it was passed to
 * returns; copy what you need to keep. THREADING: read-only. ERRORS: none.
 */
typedef struct cx_bytes {
  const char* ptr;
  size_t len;
} cx_bytes;

/**
 * An append-only writer, owned by the caller of the function it is passed to. The callee appends
 * output with write(ctx, p, n) any number of times (including zero).
 * @return CX_OK, or CX_ERR_INTERNAL if the caller refuses more bytes (e.g. over its size limit);
 *         the callee then stops writing and returns that code.
 * OWNERSHIP: caller-owned; the callee never frees or retains it. LIFETIME: valid until the call it
 * was passed to returns. THREADING: use from the calling thread only.
 */
typedef struct cx_sink {
  void* ctx;
  int32_t (*write)(void* ctx, const char* p, size_t n);
} cx_sink;

/** Plugin-owned instance state; opaque to the host. */
typedef struct cx_instance cx_instance;
/** Host-owned per-instance context passed back into host services; opaque to the plugin. */
typedef struct cx_host_ctx cx_host_ctx;

/**
 * Per-call metadata. Grows at the end (since 1.0: all fields below).
 * request_json: the op input (schema sdk/schemas/<op>.request.json).
 * request_id: correlation id for logs (may be empty).
 * deadline_unix_ms: wall-clock deadline, UTC milliseconds since the epoch; 0 = none. Host services
 * called with this cx_call fail with CX_ERR_TIMEOUT past it.
 * OWNERSHIP: host-owned. LIFETIME: valid for the op call only. THREADING: read-only.
 */
typedef struct cx_call {
  uint32_t struct_size;
  uint32_t reserved0;
  cx_bytes request_json;
  cx_bytes request_id;
  int64_t deadline_unix_ms;
} cx_call;

/* ---------------------------------------------------------------------------------------------- */
/* Host services: HOST -> plugin vtable (SQLite's pattern).                                        */
/* ---------------------------------------------------------------------------------------------- */
/**
 * Services the host gives each instance. The plugin opens no socket and keeps no file: all
 * egress, time, randomness and persistence go through here, which is what lets the host enforce
 * the egress allowlist, deadlines and redaction, and lets tests replace every service.
 * OWNERSHIP: host-owned. LIFETIME: valid from create() until destroy() returns; copy it (the C++
 * SDK copies it into a zero-filled struct of its own size). THREADING: every service is
 * thread-safe and may block. ERRORS: per service below; a NULL slot means the service is absent.
 */
typedef struct cx_host_api {
  uint32_t struct_size;
  uint32_t abi_version;
  cx_host_ctx* ctx;

  /** Writes one log line tagged with the connector id. level: CX_LOG_*. msg is UTF-8 text; the
   *  host redacts known secrets before it reaches any sink. ERRORS: none. */
  void (*log)(cx_host_ctx* ctx, int32_t level, cx_bytes msg);

  /** Current time, UTC milliseconds since the epoch (a fixed clock in tests). ERRORS: none. */
  int64_t (*now_unix_ms)(cx_host_ctx* ctx);

  /** Fills out[0..n) with cryptographically secure random bytes (seeded in tests).
   *  ERRORS: CX_ERR_INTERNAL if the RNG fails. */
  int32_t (*random)(cx_host_ctx* ctx, uint8_t* out, size_t n);

  /**
   * One outbound HTTP exchange.
   * @param call     the op's cx_call (its deadline bounds the exchange); may be NULL.
   * @param head     JSON {"method": "GET", "url": "https://…", "headers": {"K": "V"},
   *                 "timeoutMs"?: int}.
   * @param body     request body bytes (may be empty).
   * @param resp_head receives JSON {"status": int, "headers": {"k": "v"}} (names lower-cased).
   * @param resp_body receives the response body bytes.
   * @param err      receives {"message": …} when the exchange itself failed.
   * @return CX_OK whenever a response arrived, whatever its status (the plugin classifies it);
   *         CX_ERR_AUTH when the URL's host is outside the connector's egress allowlist;
   *         CX_ERR_TIMEOUT past the deadline; CX_ERR_UPSTREAM on connection failure;
   *         CX_ERR_INVALID_ARGUMENT on a malformed head.
   * OWNERSHIP: sinks are plugin-owned. THREADING: may be called from several threads at once.
   */
  int32_t (*http)(cx_host_ctx* ctx, const cx_call* call, cx_bytes head, cx_bytes body,
                  cx_sink* resp_head, cx_sink* resp_body, cx_sink* err);

  /** Reads this connector's value under key into value.
   *  ERRORS: CX_ERR_NOT_FOUND if absent; CX_ERR_INTERNAL on storage failure. */
  int32_t (*state_get)(cx_host_ctx* ctx, cx_bytes key, cx_sink* value);
  /** Stores value under key for this connector (encrypted at rest by the host).
   *  ERRORS: CX_ERR_INTERNAL on storage failure. */
  int32_t (*state_put)(cx_host_ctx* ctx, cx_bytes key, cx_bytes value);
  /** Deletes key for this connector; deleting an absent key is CX_OK. */
  int32_t (*state_delete)(cx_host_ctx* ctx, cx_bytes key);
  /* --- append only below this line; tag each addition "since 1.N" --- */
} cx_host_api;

/* ---------------------------------------------------------------------------------------------- */
/* Operations: PLUGIN -> host descriptor.                                                          */
/* ---------------------------------------------------------------------------------------------- */
/**
 * Signature shared by every operation.
 * @param self     the instance from create().
 * @param call     request JSON and metadata (schema sdk/schemas/<op>.request.json).
 * @param out_json receives the response JSON on CX_OK (schema <op>.response.json).
 * @param err_json receives the error detail JSON on any other status.
 * @return a CX_* status.
 * OWNERSHIP: call and its bytes are borrowed; sinks are host-owned.
 * THREADING: the host may call ops on one instance from several threads at once (a webhook is
 * verified while a fetch runs), so an instance must not mutate shared state without its own lock;
 * keep durable state in the host's state service or in the fetch state JSON.
 * ERRORS: never throws; see status codes.
 */
typedef int32_t (*cx_op_fn)(cx_instance* self, const cx_call* call, cx_sink* out_json,
                            cx_sink* err_json);

/**
 * The descriptor a plugin returns from cx_connector_entry().
 * OWNERSHIP: plugin-owned, usually a static const. LIFETIME: as long as the library is loaded.
 * THREADING: read-only.
 */
typedef struct cx_connector {
  uint32_t struct_size; /**< sizeof(cx_connector) as the plugin was compiled */
  uint32_t abi_version; /**< CX_ABI_VERSION the plugin was compiled against */
  const char* id;       /**< provider id, [a-z0-9_]+, equal to the file stem ("powens") */
  const char* version;  /**< plugin semver, for diagnostics */
  uint64_t capabilities; /**< CX_CAP_* bits */
  /** JSON Schema (draft 2020-12 subset: type, properties, required, default, minimum, maximum,
   *  format "duration") of the config accepted by create(); NULL = no fields. */
  const char* config_schema_json;

  /**
   * Creates an instance from a validated config JSON ({"name", "pollingPeriod", …plugin fields}).
   * @param host  services; copy it. @param out receives the instance on CX_OK.
   * @param err   receives {"message", "field"?} on failure.
   * ERRORS: CX_ERR_INVALID_ARGUMENT naming the offending field; CX_ERR_INTERNAL otherwise.
   * OWNERSHIP: *out is plugin-owned until destroy(). THREADING: may run concurrently with other
   * instances' calls.
   */
  int32_t (*create)(const cx_host_api* host, cx_bytes config_json, cx_instance** out, cx_sink* err);
  /** Frees an instance. No op is running on it. ERRORS: none. */
  void (*destroy)(cx_instance* self);

  /* Lifecycle. NULL install = the host derives the default task tree from the capabilities. */
  cx_op_fn install;   /**< {connectorID, config} -> {workflow: [task…]} */
  cx_op_fn uninstall; /**< {connectorID, webhookConfigs} -> {} */

  /* Webhooks. */
  cx_op_fn create_webhooks;   /**< {connectorID, webhookBaseURL} -> {configs: […]} */
  cx_op_fn verify_webhook;    /**< {webhook, config} -> {idempotencyKey?} ; failure = refuse */
  cx_op_fn translate_webhook; /**< {name, webhook, config} -> {responses: […]} */

  /* Polling. Request {state, fromPayload, pageSize} -> {items…, newState, hasMore}. */
  cx_op_fn fetch_accounts;
  cx_op_fn fetch_balances;
  cx_op_fn fetch_external_accounts;
  cx_op_fn fetch_payments;

  /* Open banking. */
  cx_op_fn create_user;            /**< {psu} -> {providerUserID?, permanentToken?, metadata} */
  cx_op_fn create_user_link;       /**< {attemptID, psu, forwardedUser, …} -> {link, temporaryToken?} */
  cx_op_fn update_user_link;       /**< as create_user_link plus {connection} */
  cx_op_fn complete_user_link;     /**< {httpCall, attempt} -> {success{connections}} | {error} */
  cx_op_fn delete_user;            /**< {psu, forwardedUser} -> {} */
  cx_op_fn delete_user_connection; /**< {psu, forwardedUser, connection} -> {} */

  /* Payment initiation (no shipped plugin implements these yet). */
  cx_op_fn create_bank_account; /**< {bankAccount} -> {relatedAccount} */
  cx_op_fn create_transfer;     /**< {paymentInitiation} -> {payment?, pollingTransferID?} */
  cx_op_fn create_payout;       /**< {paymentInitiation} -> {payment?, pollingPayoutID?} */
  /* --- append only below this line; tag each addition "since 1.N" --- */
} cx_connector;

/** Size of the 1.0 descriptor: a plugin reporting less is refused. */
#define CX_CONNECTOR_SIZE_1_0 (offsetof(cx_connector, create_payout) + sizeof(cx_op_fn))
/** Size of the 1.0 host vtable. */
#define CX_HOST_API_SIZE_1_0 (offsetof(cx_host_api, state_delete) + sizeof(void*))
/** Size of the 1.0 call metadata. */
#define CX_CALL_SIZE_1_0 (offsetof(cx_call, deadline_unix_ms) + sizeof(int64_t))

/**
 * The entry point, exported as "cx_connector_entry" with C linkage.
 * @param host_abi_version the host's CX_ABI_VERSION.
 * @return the plugin's descriptor, or NULL to refuse this host (e.g. another major).
 * OWNERSHIP: the descriptor stays plugin-owned. THREADING: may be called more than once.
 * ERRORS: NULL only.
 */
typedef const cx_connector* (*cx_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif
#endif /* CONNECTIVITY_ABI_H */
