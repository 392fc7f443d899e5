// host/store — the daemon's memory: SQLite (WAL) through SQLiteCpp, one writer and a pool of
// readers (database.hpp), numbered migrations (migrations.hpp), one repository per aggregate.
// Include this header for all of it.
//
// Choices a caller relies on:
// * Timestamps are INTEGER UTC milliseconds since the epoch everywhere.
// * Amounts are exact decimal integer strings in minor units, of any size. They are stored as
//   TEXT (exact round trip) plus an order-preserving TEXT sort key (amount_key.hpp) so $lt/$gt…
//   compare numerically without an int64 limit. Non-integer text is refused (StoreError).
// * IDs are strings the caller computes (the API's encoded IDs, uuids); the store never parses them.
// * Encryption (host/crypto): every personal field and secret is sealed with AES-256-GCM under a
//   data key of its owner, with (table, column, row) as associated data: PSU name / email / phone /
//   locale / address fields; connector configs (whole JSON); provider user ids, forwarded-user metadata and
//   provider tokens; link-attempt temporary tokens; connection access tokens; webhook-config
//   metadata and received webhook bodies+headers; account names and raw payloads; adjustment raw
//   payloads; bank-account name / number / IBAN / BIC; plugin key/value state. Owner = the PSU
//   when the row is a PSU's (so deleting the PSU shreds it), else the connector, else the bank
//   account. Data keys are wrapped by the master key (crypto/master_key.hpp); a key check value
//   in the database refuses a wrong master key at open.
// * Sealed values are AES-256-GCM with a random 96-bit nonce ([0x01][nonce][ciphertext][tag]);
//   a value that fails to authenticate is a DecryptError naming table/column/row, never "".
//   Received webhook bodies are sealed under the connector's key (they cannot be tied to a PSU
//   when they arrive), so deleting a PSU does not shred them: prune them on a retention period.
// * Metadata (sealed_metadata.hpp): values of accounts, payments (and adjustments), PSUs and
//   bank accounts are personal data until their key says otherwise: a key starting with
//   "public." stays clear JSON; every other pair is sealed under the row's key, and
//   `metadata[k]` $match searches the row's metadata_index column, the keyed blind index
//   entries of its sealed pairs.
//   Connection metadata (provider ids) stays clear. Metadata that carries secrets (forwarded
//   users: Plaid user_token; webhook configs: signing secrets) is sealed whole and never
//   filtered. Other equality filters on encrypted columns use the same keyed blind index
//   (HMAC-SHA-256, crypto/blind_index.hpp): accounts.name, forwarded_users.provider_user_id.
// * No personal data in IDs (references.hpp): an account or payment reference that is an IBAN
//   is replaced by its keyed hash before it becomes an ID.
// * Data migrations that need keys run at open (data_steps.hpp).
// * Lists take PageQuery and return Page<T>: created_at DESC then insertion order DESC, keyset
//   paged after/before a (created_at, sort_id) key, reading page_size+1 rows for has_more; filters compile to parameterised SQL (filter_sql.hpp) against
//   each resource's allowed keys; an unknown key or wrong operator throws QueryError naming it.
// * Events (events.hpp) are appended by the repositories in the writing transaction.
#pragma once

#include "host/store/accounts.hpp"
#include "host/store/balances.hpp"
#include "host/store/bank_accounts.hpp"
#include "host/store/connections.hpp"
#include "host/store/connectors.hpp"
#include "host/store/database.hpp"
#include "host/store/deleted_connections.hpp"
#include "host/store/events.hpp"
#include "host/store/nodes.hpp"
#include "host/store/fetch_batch.hpp"
#include "host/store/fetch_states.hpp"
#include "host/store/forwarded_users.hpp"
#include "host/store/keys.hpp"
#include "host/store/link_attempts.hpp"
#include "host/store/payments.hpp"
#include "host/store/plugin_state.hpp"
#include "host/store/provider_tokens.hpp"
#include "host/store/psus.hpp"
#include "host/store/schedules.hpp"
#include "host/store/tasks.hpp"
#include "host/store/webhook_replay.hpp"
#include "host/store/webhooks.hpp"
