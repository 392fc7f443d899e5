#include "host/store/migrations.hpp"

#include "host/store/errors.hpp"
#include "host/util/encoding.hpp"

#include <SQLiteCpp/Statement.h>

namespace cx::store {
namespace {

// Conventions: `sort_id INTEGER PRIMARY KEY` is the stable insertion-order tiebreak of lists
// (an alias of rowid, so VACUUM keeps it); `id TEXT UNIQUE` is the caller's id. Timestamps are
// INTEGER UTC ms. Sealed columns are BLOBs ([version][nonce][ciphertext][tag]).

constexpr const char* kKeyring = R"sql(
CREATE TABLE keyring (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  kek_id TEXT NOT NULL,
  check_value BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE data_keys (
  owner TEXT PRIMARY KEY,
  kek_id TEXT NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
)sql";

constexpr const char* kConnectors = R"sql(
CREATE TABLE connectors (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  reference TEXT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL,
  config BLOB NOT NULL,
  scheduled_for_deletion INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX connectors_list ON connectors (created_at, sort_id);

CREATE TABLE fetch_states (
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connector_id, key)
) WITHOUT ROWID;

CREATE TABLE plugin_state (
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connector_id, key)
) WITHOUT ROWID;

CREATE TABLE webhook_configs (
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url_path TEXT NOT NULL,
  metadata BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (connector_id, name)
) WITHOUT ROWID;

CREATE TABLE received_webhooks (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  payload BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (connector_id, idempotency_key)
);

-- No foreign key on connector_id: a task's outcome outlives the connector it uninstalled.
CREATE TABLE tasks (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  connector_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PROCESSING', 'SUCCEEDED', 'FAILED')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  created_object_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tasks_due ON tasks (next_run_at) WHERE status = 'PROCESSING';

CREATE TABLE schedules (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  task TEXT NOT NULL,
  period_ms INTEGER NOT NULL,
  next_run_at INTEGER NOT NULL,
  paused_at INTEGER,
  paused_reason TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX schedules_by_connector ON schedules (connector_id, created_at);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused_at IS NULL;

CREATE TABLE schedule_instances (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  connector_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  terminated INTEGER NOT NULL DEFAULT 0,
  terminated_at INTEGER,
  error TEXT
);
CREATE INDEX schedule_instances_by_schedule ON schedule_instances (schedule_id, created_at);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql";

constexpr const char* kOpenBanking = R"sql(
CREATE TABLE psus (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name BLOB NOT NULL,
  has_contact INTEGER NOT NULL,
  email BLOB,
  phone_number BLOB,
  locale TEXT,
  has_address INTEGER NOT NULL,
  street_name BLOB,
  street_number BLOB,
  city BLOB,
  region BLOB,
  postal_code BLOB,
  country BLOB,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX psus_list ON psus (created_at, sort_id);

CREATE TABLE bank_accounts (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name BLOB NOT NULL,
  account_number BLOB,
  iban BLOB,
  swift_bic_code BLOB,
  country TEXT,
  metadata TEXT NOT NULL,
  psu_id TEXT REFERENCES psus (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX bank_accounts_list ON bank_accounts (created_at, sort_id);
CREATE INDEX bank_accounts_by_psu ON bank_accounts (psu_id) WHERE psu_id IS NOT NULL;

CREATE TABLE forwarded_users (
  psu_id TEXT NOT NULL REFERENCES psus (id) ON DELETE CASCADE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  provider_user_id BLOB,
  provider_user_id_index BLOB,
  metadata BLOB NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (psu_id, connector_id)
) WITHOUT ROWID;
CREATE INDEX forwarded_users_by_provider_id ON forwarded_users (connector_id, provider_user_id_index);

CREATE TABLE provider_tokens (
  psu_id TEXT NOT NULL,
  connector_id TEXT NOT NULL,
  token BLOB NOT NULL,
  expires_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (psu_id, connector_id),
  FOREIGN KEY (psu_id, connector_id) REFERENCES forwarded_users (psu_id, connector_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE link_attempts (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  psu_id TEXT NOT NULL REFERENCES psus (id) ON DELETE CASCADE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'exited')),
  state TEXT NOT NULL,
  client_redirect_url TEXT NOT NULL,
  temporary_token BLOB,
  temporary_token_expires_at INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX link_attempts_by_psu ON link_attempts (psu_id, connector_id, created_at);
CREATE INDEX link_attempts_by_connector ON link_attempts (connector_id);

CREATE TABLE connections (
  sort_id INTEGER PRIMARY KEY,
  psu_id TEXT NOT NULL REFERENCES psus (id) ON DELETE CASCADE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'ERROR')),
  error TEXT,
  metadata TEXT NOT NULL,
  access_token BLOB,
  access_token_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  data_updated_at INTEGER,
  UNIQUE (psu_id, connector_id, connection_id)
);
CREATE INDEX connections_by_connector ON connections (connector_id, connection_id);
)sql";

constexpr const char* kLedger = R"sql(
CREATE TABLE accounts (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('INTERNAL', 'EXTERNAL', 'UNKNOWN')),
  name BLOB,
  name_index BLOB,
  default_asset TEXT,
  metadata TEXT NOT NULL,
  raw BLOB NOT NULL,
  psu_id TEXT REFERENCES psus (id) ON DELETE CASCADE,
  connection_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX accounts_list ON accounts (created_at, sort_id);
CREATE INDEX accounts_by_connector ON accounts (connector_id);
CREATE INDEX accounts_by_psu ON accounts (psu_id, connection_id) WHERE psu_id IS NOT NULL;

CREATE TABLE balances (
  sort_id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  asset TEXT NOT NULL,
  balance TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL,
  psu_id TEXT,
  connection_id TEXT,
  UNIQUE (account_id, asset, created_at)
);

CREATE TABLE payments (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  type TEXT NOT NULL,
  initial_amount TEXT NOT NULL,
  initial_amount_key TEXT NOT NULL,
  amount TEXT NOT NULL,
  amount_key TEXT NOT NULL,
  asset TEXT NOT NULL,
  scheme TEXT NOT NULL,
  status TEXT NOT NULL,
  status_at INTEGER NOT NULL,
  source_account_id TEXT,
  destination_account_id TEXT,
  psu_id TEXT REFERENCES psus (id) ON DELETE CASCADE,
  connection_id TEXT,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX payments_list ON payments (created_at, sort_id);
CREATE INDEX payments_by_connector ON payments (connector_id);
CREATE INDEX payments_by_psu ON payments (psu_id, connection_id) WHERE psu_id IS NOT NULL;

CREATE TABLE payment_adjustments (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  payment_id TEXT NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  amount TEXT,
  asset TEXT,
  metadata TEXT NOT NULL,
  raw BLOB NOT NULL,
  UNIQUE (payment_id, reference, created_at, status)
);
)sql";

// A PSU's accounts newest first without a sort (GET /accounts filtered by psu_id).
constexpr const char* kAccountsByPsuCreated = R"sql(
CREATE INDEX accounts_by_psu_created ON accounts (psu_id, created_at, sort_id) WHERE psu_id IS NOT NULL;
)sql";

// Payments of one account, newest first, without scanning every payment (GET /payments
// filtered by source_account_id or destination_account_id).
constexpr const char* kPaymentsByAccount = R"sql(
CREATE INDEX payments_by_source ON payments (source_account_id, created_at, sort_id) WHERE source_account_id IS NOT NULL;
CREATE INDEX payments_by_destination ON payments (destination_account_id, created_at, sort_id) WHERE destination_account_id IS NOT NULL;
)sql";

// The open runs of a schedule (the scheduler skips a tick while one is in flight).
constexpr const char* kOpenScheduleInstances = R"sql(
CREATE INDEX schedule_instances_open ON schedule_instances (schedule_id) WHERE terminated = 0;
)sql";

// Personal data at rest (sealed_metadata.hpp, references.hpp), and the webhook replay guard
// (webhook_replay.hpp). Personal data: metadata values sealed beside the
// clear public pairs, with blind index entries that go with their row; the PSU's locale sealed
// in place (its column takes the sealed BLOB). The rows already there are converted by the data
// steps recorded here, run with the data keys (data_steps.hpp).
constexpr const char* kPersonalDataAtRest = R"sql(
ALTER TABLE accounts ADD COLUMN metadata_sealed BLOB;
ALTER TABLE payments ADD COLUMN metadata_sealed BLOB;
ALTER TABLE payment_adjustments ADD COLUMN metadata_sealed BLOB;
ALTER TABLE psus ADD COLUMN metadata_sealed BLOB;
ALTER TABLE bank_accounts ADD COLUMN metadata_sealed BLOB;

ALTER TABLE accounts ADD COLUMN metadata_index BLOB;
ALTER TABLE payments ADD COLUMN metadata_index BLOB;
ALTER TABLE psus ADD COLUMN metadata_index BLOB;
ALTER TABLE bank_accounts ADD COLUMN metadata_index BLOB;

CREATE TABLE data_steps (
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO data_steps (seq, name) VALUES (1, 'seal metadata'), (2, 'seal psu locale'),
  (3, 'pseudonymous references');

CREATE TABLE webhook_replay_guard (
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (connector_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX webhook_replay_guard_by_expiry ON webhook_replay_guard (expires_at);
)sql";

// Connections deleted through the API or at the provider, so late provider events about them
// are ignored (deleted_connections.hpp). Gone with the connector.
constexpr const char* kDeletedConnections = R"sql(
CREATE TABLE deleted_connections (
  connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (connector_id, connection_id)
);
)sql";

// Keyset pages of the scoped or commonly filtered lists seek on (scope, created_at, sort_id)
// instead of sorting every row of the scope: a balance history, a PSU's connections, the payments
// and accounts of one connector.
constexpr const char* kListKeysets = R"sql(
CREATE INDEX balances_by_account_created ON balances (account_id, created_at, sort_id);
CREATE INDEX connections_by_psu_created ON connections (psu_id, created_at, sort_id);
CREATE INDEX payments_by_connector_created ON payments (connector_id, created_at, sort_id);
CREATE INDEX accounts_by_connector_created ON accounts (connector_id, created_at, sort_id);
)sql";

// Payment pools (pools.hpp): a STATIC pool's accounts in pool_accounts, a DYNAMIC pool's filter
// in query. A member leaves with its account (connector uninstall), a pool's members with it.
constexpr const char* kPools = R"sql(
CREATE TABLE pools (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  query TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX pools_list ON pools (created_at, sort_id);
CREATE TABLE pool_accounts (
  sort_id INTEGER PRIMARY KEY,
  pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  UNIQUE (pool_id, account_id)
);
CREATE INDEX pool_accounts_by_account ON pool_accounts (account_id);
)sql";

// Reconciliation policies and their reconciliations (reconciliations.hpp). Reconciliations are
// the audit trail: no foreign key to their policy (they outlive it) and triggers refuse any
// UPDATE or DELETE.
constexpr const char* kReconciliation = R"sql(
CREATE TABLE reconciliation_policies (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  ledger_name TEXT NOT NULL,
  ledger_query TEXT NOT NULL,
  payments_pool_id TEXT NOT NULL,
  interval_ms INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX reconciliation_policies_list ON reconciliation_policies (created_at, sort_id);
CREATE TABLE reconciliations (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  policy_id TEXT NOT NULL,
  reconciled_at_ledger INTEGER NOT NULL,
  reconciled_at_payments INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('OK', 'NOT_OK')),
  ledger_balances TEXT NOT NULL,
  payments_balances TEXT NOT NULL,
  drift_balances TEXT NOT NULL,
  error TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX reconciliations_list ON reconciliations (created_at, sort_id);
CREATE INDEX reconciliations_by_policy ON reconciliations (policy_id, created_at, sort_id);
CREATE TRIGGER reconciliations_no_update BEFORE UPDATE ON reconciliations
BEGIN SELECT RAISE(ABORT, 'reconciliations are immutable'); END;
CREATE TRIGGER reconciliations_no_delete BEFORE DELETE ON reconciliations
BEGIN SELECT RAISE(ABORT, 'reconciliations are immutable'); END;
)sql";

// Outbound webhooks (outbound_webhooks.hpp): subscriber configs (secret sealed), the fan-out
// cursor over the events outbox, one delivery per (event, config) with its attempts, and the
// replay idempotency keys. Times are UTC ms.
constexpr const char* kOutboundWebhooks = R"sql(
CREATE TABLE outbound_configs (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  endpoint TEXT NOT NULL,
  secret BLOB NOT NULL,
  event_types TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE TABLE outbound_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
CREATE TABLE outbound_deliveries (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  event_seq INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  config_id TEXT NOT NULL REFERENCES outbound_configs (id),
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  replay_generation INTEGER NOT NULL DEFAULT 0,
  cycle_started_at INTEGER,
  next_attempt_at INTEGER,
  claimed_at INTEGER,
  last_attempt_at INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (event_seq, config_id)
);
CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at, sort_id) WHERE status = 'pending';
CREATE INDEX outbound_deliveries_by_created ON outbound_deliveries (created_at, sort_id);
CREATE INDEX outbound_deliveries_by_config ON outbound_deliveries (config_id, status);
CREATE TABLE outbound_attempts (
  sort_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  delivery_id TEXT NOT NULL REFERENCES outbound_deliveries (id) ON DELETE CASCADE,
  attempt_number INTEGER NOT NULL,
  replay_generation INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  outcome TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  response_excerpt TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX outbound_attempts_by_delivery ON outbound_attempts (delivery_id, sort_id);
CREATE TABLE outbound_replay_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql";

bool has_table(SQLite::Database& db, const char* name) {
  SQLite::Statement s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.executeStep();
}

}  // namespace

// The daemons serving this database and their heartbeats (several on PostgreSQL, one on SQLite),
// and named claims: periodic work one node at a time does (nodes.hpp).
constexpr const char* kNodes = R"sql(
CREATE TABLE nodes (
  node_id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
CREATE TABLE claims (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL
);
)sql";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{
      {1, "keyring and data keys", kKeyring},
      {2, "connectors, states, webhooks, tasks, schedules, events", kConnectors},
      {3, "payment service users and open banking", kOpenBanking},
      {4, "accounts, balances, payments", kLedger},
      {5, "accounts of a PSU by creation", kAccountsByPsuCreated},
      {6, "payments by account", kPaymentsByAccount},
      {8, "open schedule instances", kOpenScheduleInstances},
      {9, "personal data at rest, webhook replay guard", kPersonalDataAtRest},
      {10, "deleted connections", kDeletedConnections},
      {11, "keyset list indexes", kListKeysets},
      {13, "payment pools", kPools},
      {14, "reconciliation policies and reconciliations", kReconciliation},
      {15, "outbound webhooks", kOutboundWebhooks},
      {16, "cluster nodes and claims", kNodes},
  };
  return all;
}

int applied_version(SQLite::Database& db) {
  if (!has_table(db, "schema_migrations")) return 0;
  SQLite::Statement s(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.executeStep();
  return s.getColumn(0).getInt();
}

void migrate(SQLite::Database& db, const std::filesystem::path& path) {
  const int latest = migrations().back().version;
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL)");
  for (const Migration& m : migrations()) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      int current = applied_version(db);
      if (current > latest)
        throw SchemaTooNew("database " + path.string() + " has schema version " + std::to_string(current) +
                           ", newer than this connectivityd knows (" + std::to_string(latest) +
                           "); run a newer connectivityd or restore a backup made by this version");
      if (current >= m.version) {
        db.exec("COMMIT");
        continue;
      }
      db.exec(m.sql);
      SQLite::Statement rec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      rec.bind(1, m.version);
      rec.bind(2, m.name);
      rec.bind(3, static_cast<int64_t>(util::now_ms()));
      rec.exec();
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
      db.exec("COMMIT");
    } catch (...) {
      db.tryExec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace cx::store
