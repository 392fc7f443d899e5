// Reconciliation end to end, driven by the official client (@formance/formance-sdk 7.0.1,
// sdk.payments.v3 pools and sdk.reconciliation.v1): the generic connector syncs the generic
// sandbox, a pool gathers its accounts, a Formance Ledger v2 emulator (connectivity-sandbox
// ledger) holds matching postings, and reconciliations compare the two (docs/reconciliation.md).
// Needs connectivityd, connectivity-sandbox and plugins/generic.so (CX_BUILD_DIR, default build/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SDK } from '@formance/formance-sdk';
import { HTTPClient } from '@formance/formance-sdk/lib/http.js';
import { startDaemon, startSandbox, eventually, cleanup } from './lib/harness.mjs';

const API_KEY = 'recon-sandbox-key';
const LEDGER = 'main';
const HOUR = 3600_000;
let sandbox;
let ledger;
let daemon;
let sdk;

before(async () => {
  sandbox = await startSandbox('generic', ['--api-key', API_KEY, '--seed', '11', '--transactions', '150']);
  ledger = await startSandbox('ledger');
  daemon = await startDaemon({ extraArgs: ['--ledger-url', ledger.url] });
  const http = new HTTPClient();
  http.addHook('beforeRequest', (req) => {
    const r = new Request(req);
    r.headers.set('authorization', `Bearer ${daemon.token}`);
    return r;
  });
  sdk = new SDK({ serverURL: daemon.url, httpClient: http });
});

after(async () => {
  await daemon?.proc.stop();
  await ledger?.stop();
  await sandbox?.stop();
  cleanup(daemon?.dataDir);
});

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

// Ledger postings that give `world` the negated amount of each asset of `delta` at `timestamp`
// (a positive PSP amount is money that came from the world).
async function post(delta, timestamp, reference) {
  const postings = [];
  for (const [asset, amount] of Object.entries(delta)) {
    const a = BigInt(amount);
    if (a === 0n) continue;
    const account = 'psp:' + asset.replace('/', '_').toLowerCase();
    postings.push(a > 0n
      ? { source: 'world', destination: account, amount: Number(a), asset }
      : { source: account, destination: 'world', amount: Number(-a), asset });
  }
  const r = await call(ledger.url, 'POST', `/v2/${LEDGER}/transactions?force=true`,
    { postings, timestamp: new Date(timestamp).toISOString(), reference });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const asMap = (rows) => Object.fromEntries(rows.map((b) => [b.asset, String(b.amount)]));
const sandboxNow = async () => Date.parse((await call(sandbox.url, 'GET', '/sandbox/console/clock')).body.now);

test('the official SDK reconciles a pool of generic accounts against the ledger', async (t) => {
  t.after(() => {
    if (t.passed === false) {
      console.error(daemon?.proc.log());
      console.error(ledger?.log());
    }
  });
  const v3 = sdk.payments.v3;
  const rec = sdk.reconciliation.v1;

  const installed = await v3.installConnector({
    connector: 'generic',
    v3ConnectorConfig: { provider: 'Generic', name: 'recon-generic', apiKey: API_KEY, endpoint: sandbox.url, pollingPeriod: '1s' },
  });
  const connectorID = installed.v3InstallConnectorResponse.data;
  const truth = (await call(sandbox.url, 'GET', '/sandbox/console/truth')).body;
  const accounts = await eventually(async () => {
    const r = await v3.listAccounts({ pageSize: 100, query: { $and: [{ $match: { connector_id: connectorID } }, { $match: { type: 'INTERNAL' } }] } });
    const items = r.v3AccountsCursorResponse.cursor.data;
    return items.length === truth.accounts.length ? items : null;
  }, { timeoutMs: 60000, intervalMs: 300, what: 'the sandbox accounts' });

  const created = await v3.createPool({ name: 'psp-cash', accountIDs: accounts.map((a) => a.id) });
  const poolID = created.v3CreatePoolResponse.data;
  const pool = (await v3.getPool({ poolID })).v3GetPoolResponse.data;
  assert.equal(pool.poolAccounts.length, accounts.length);

  // The pool's latest balances are the sum of the sandbox's balances per asset.
  const want = {};
  for (const b of truth.balances) for (const x of b.balances) {
    const asset = x.currency.includes('/') ? x.currency : `${x.currency}/0`;
    want[asset] = String(BigInt(want[asset] ?? 0) + BigInt(x.amount));
  }
  const t1 = await sandboxNow();
  const first = await eventually(async () => {
    const r = await v3.getPoolBalancesLatest({ poolID });
    const got = asMap(r.v3PoolBalancesResponse.data);
    return JSON.stringify(got) === JSON.stringify(Object.fromEntries(Object.entries(want).sort())) ? got : null;
  }, { timeoutMs: 60000, intervalMs: 300, what: 'pool balances = sandbox balances' });

  assert.equal((await call(ledger.url, 'POST', `/v2/${LEDGER}`, {})).status, 204);
  await post(first, t1 - HOUR, 'opening');

  const policy = (await rec.createPolicy({
    name: 'psp-cash-vs-ledger', ledgerName: LEDGER, ledgerQuery: { $match: { address: 'world' } }, paymentsPoolID: poolID,
  })).policyResponse.data;
  assert.equal(policy.paymentsPoolID, poolID);

  const reconcile = async (atLedger, atPayments = atLedger) =>
    (await rec.reconcile({
      policyID: policy.id,
      reconciliationRequest: { reconciledAtLedger: new Date(atLedger), reconciledAtPayments: new Date(atPayments) },
    })).reconciliationResponse.data;

  const ok = await reconcile(Date.now() - 1000);
  assert.equal(ok.status, 'OK', ok.error);
  assert.equal(ok.error, '');
  for (const [asset, amount] of Object.entries(first)) {
    assert.equal(ok.paymentsBalances[asset], BigInt(amount));
    assert.equal(ok.ledgerBalances[asset], -BigInt(amount));
    assert.equal(ok.driftBalances[asset], 0n);
  }

  // One posting changes the ledger's view of one asset: exactly that asset drifts, by that amount.
  const [asset] = Object.keys(first);
  await post({ [asset]: '1234' }, t1 + HOUR, 'discrepancy');
  const bad = await reconcile(Date.now() - 1000);
  assert.equal(bad.status, 'NOT_OK');
  assert.equal(bad.error, `balance drift for asset ${asset}`);
  for (const a of Object.keys(first)) assert.equal(bad.driftBalances[a], a === asset ? 1234n : 0n);

  // The PSP moves on a day; the ledger books the same movements. A reconciliation at an instant
  // before the discrepancy still sees the first balances on both sides and is OK.
  await call(sandbox.url, 'POST', '/sandbox/console/clock/advance', { duration: '1d' });
  const t2 = await sandboxNow();
  const second = await eventually(async () => {
    const got = asMap((await v3.getPoolBalancesLatest({ poolID })).v3PoolBalancesResponse.data);
    return JSON.stringify(got) !== JSON.stringify(first) ? got : null;
  }, { timeoutMs: 60000, intervalMs: 300, what: 'the pool balances after a day' });
  const delta = {};
  for (const a of new Set([...Object.keys(first), ...Object.keys(second)]))
    delta[a] = String(BigInt(second[a] ?? 0) - BigInt(first[a] ?? 0));
  await post(delta, t2 - 60_000, 'day-2');

  const past = await reconcile(t1 + HOUR / 2);
  assert.equal(past.status, 'OK', past.error);
  for (const [a, amount] of Object.entries(first)) {
    assert.equal(past.paymentsBalances[a], BigInt(amount));
    assert.equal(past.ledgerBalances[a], -BigInt(amount));
  }
  const atPoolPast = asMap((await v3.getPoolBalances({ poolID, at: new Date(t1 + HOUR / 2) })).v3PoolBalancesResponse.data);
  assert.deepEqual(atPoolPast, first);

  const now = await reconcile(Date.now() - 1000);
  assert.equal(now.status, 'NOT_OK');
  assert.equal(now.error, `balance drift for asset ${asset}`);
  for (const [a, amount] of Object.entries(second)) assert.equal(now.paymentsBalances[a], BigInt(amount));
  assert.equal(now.driftBalances[asset], 1234n);

  // The audit trail: every reconciliation listed for the policy, newest first, and kept after the
  // policy is deleted.
  const listed = (await rec.listReconciliations({ pageSize: 2, query: { $match: { policyID: policy.id } } }))
    .reconciliationsCursorResponse.cursor;
  assert.equal(listed.data[0].id, now.id);
  assert.equal(listed.hasMore, true);
  const page2 = (await rec.listReconciliations({ cursor: listed.next })).reconciliationsCursorResponse.cursor;
  assert.deepEqual(page2.data.map((r) => r.id), [bad.id, ok.id]);
  assert.equal((await rec.getReconciliation({ reconciliationID: bad.id })).reconciliationResponse.data.status, 'NOT_OK');
  const policies = (await rec.listPolicies({ query: { $match: { paymentsPoolID: poolID } } })).policiesCursorResponse.cursor;
  assert.deepEqual(policies.data.map((p) => p.id), [policy.id]);
  assert.equal((await rec.deletePolicy({ policyID: policy.id })).statusCode, 204);
  const kept = (await rec.listReconciliations({ query: { $match: { policyID: policy.id } } })).reconciliationsCursorResponse.cursor;
  assert.equal(kept.data.length, 4);

  // A ledger that does not exist: nothing stored, the error names the ledger side.
  const orphan = (await rec.createPolicy({ name: 'nowhere', ledgerName: 'missing', ledgerQuery: {}, paymentsPoolID: poolID })).policyResponse.data;
  await assert.rejects(
    rec.reconcile({ policyID: orphan.id, reconciliationRequest: { reconciledAtLedger: new Date(), reconciledAtPayments: new Date() } }),
    (e) => e.errorCode === 'INTERNAL' && /^ledger side: /.test(e.errorMessage));
  const info = await rec.getServerInfoReconciliation();
  assert.ok(info.serverInfo.version);
});
