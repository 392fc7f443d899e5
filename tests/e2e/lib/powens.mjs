// The Powens open-banking flow for end-to-end tests: a Powens sandbox, the powens connector
// installed through the v3 API with its webhooks registered in the sandbox console, a PSU with
// full PII forwarded and linked, and a comparison of what the daemon stored with the sandbox's
// ground truth (tools/sandbox/powens/README.md, "Ground truth"). Every wait is bounded.
import assert from 'node:assert/strict';
import { startSandbox, eventually, sleep } from './harness.mjs';

export const CREDENTIALS = {
  clientID: 'cx-sandbox-client',
  clientSecret: 'cx-sandbox-secret',
  configurationToken: 'cx-sandbox-config-token',
};

/** The webhook events the connector handles, with the path of its config for each. */
export const WEBHOOK_EVENTS = {
  CONNECTION_SYNCED: '/connection-synced',
  CONNECTION_DELETED: '/connection-deleted',
  USER_DELETED: '/user-deleted',
  USER_SYNCED: '/user-synced',
};

/** Far enough ahead that the balances list never hides a balance the sandbox's clock dated later. */
const FAR_FUTURE = '2999-01-01T00:00:00Z';

/**
 * Starts the Powens sandbox: seed, optional --transactions-per-account, --webhook-max-transactions
 * (a sync split into deliveries of at most that many rows) and --faults.
 */
export async function startPowensSandbox({ seed = 42, transactionsPerAccount, webhookMaxTransactions, faults, dir } = {}) {
  const args = ['--seed', String(seed)];
  if (transactionsPerAccount !== undefined) args.push('--transactions-per-account', String(transactionsPerAccount));
  if (webhookMaxTransactions !== undefined) args.push('--webhook-max-transactions', String(webhookMaxTransactions));
  if (faults) args.push('--faults', JSON.stringify(faults));
  return startSandbox('powens', args, { dir });
}

/** JSON from the sandbox console; throws on an unexpected status. */
export async function console_(sandbox, method, path, body, expect = [200, 204]) {
  const res = await fetch(`${sandbox.url}/sandbox/console${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The public webhook URL of one of the connector's webhook configs. */
export function webhookURL(daemon, connectorID, event = 'CONNECTION_SYNCED') {
  return `${daemon.url}/api/payments/v3/connectors/webhooks/${connectorID}${WEBHOOK_EVENTS[event]}`;
}

/**
 * Runs a synchronous API call (one that reaches the provider before answering) up to `retries`
 * more times while it answers 502/503/504: what a client does when the provider is flaky. A
 * refusal must still be a well-formed error body.
 */
export async function retryingUpstream(call, retries = 0) {
  let r;
  for (let i = 0; i <= retries; i++) {
    r = await call();
    if (![502, 503, 504].includes(r.status)) return r;
    assert.equal(typeof r.body?.errorCode, 'string', `upstream failure body: ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body?.errorMessage, 'string', `upstream failure body: ${JSON.stringify(r.body)}`);
    await sleep(100);
  }
  return r;
}

/** Installs the powens connector (202 + id) and registers its webhook URLs in the sandbox console. */
export async function installPowens(daemon, sandbox, { name = 'powens-e2e', pollingPeriod = '30m', extra = {}, retries = 0 } = {}) {
  const r = await retryingUpstream(() => daemon.api.post('/connectors/install/powens', {
    name,
    ...CREDENTIALS,
    domain: 'sandbox',
    endpoint: sandbox.url,
    webviewURL: sandbox.url,
    maxConnectionsPerLink: 1,
    pollingPeriod,
    ...extra,
  }), retries);
  assert.equal(r.status, 202, `install powens: ${JSON.stringify(r.body)}`);
  assert.equal(typeof r.body.data, 'string');
  const connectorID = r.body.data;
  await registerWebhooks(daemon, sandbox, connectorID);
  return connectorID;
}

/** Points every sandbox webhook event at the daemon (again: after a restart on a new port). */
export async function registerWebhooks(daemon, sandbox, connectorID) {
  for (const event of Object.keys(WEBHOOK_EVENTS)) {
    await console_(sandbox, 'POST', '/webhooks', { event, url: webhookURL(daemon, connectorID, event) }, [204]);
  }
}

export const PSU_BODY = {
  name: 'Camille Durand',
  contactDetails: { email: 'camille.durand@example.fr', phoneNumber: '+33612345678', locale: 'fr-FR' },
  address: {
    streetName: 'Rue de Rivoli', streetNumber: '12', city: 'Paris', region: 'Ile-de-France',
    postalCode: '75001', country: 'FR',
  },
  metadata: { crm_id: 'C-1042' },
};

/** Creates a PSU with full PII (201) and forwards it to the connector (204). */
export async function createForwardedPsu(api, connectorID, { body = PSU_BODY, retries = 0 } = {}) {
  const created = await api.post('/payment-service-users', body);
  assert.equal(created.status, 201, `create PSU: ${JSON.stringify(created.body)}`);
  const psuID = created.body.data;
  const fwd = await retryingUpstream(() => api.post(`/payment-service-users/${psuID}/connectors/${connectorID}/forward`), retries);
  assert.equal(fwd.status, 204, `forward: ${JSON.stringify(fwd.body)}`);
  return psuID;
}

/** create-link: 201 with the raw {attemptID, link} (no data envelope). */
export async function createLink(api, psuID, connectorID, clientRedirectURL, { retries = 0 } = {}) {
  const r = await retryingUpstream(() => api.post(`/payment-service-users/${psuID}/connectors/${connectorID}/create-link`,
    { applicationName: 'E2E', clientRedirectURL }), retries);
  assert.equal(r.status, 201, `create-link: ${JSON.stringify(r.body)}`);
  assert.equal(typeof r.body.attemptID, 'string', `create-link body: ${JSON.stringify(r.body)}`);
  assert.equal(typeof r.body.link, 'string', `create-link body: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Plays the end user with the sandbox's `sandbox_auto=1`: the webview redirects to our redirect
 * endpoint, which completes the attempt and answers 307 to the client's redirect URL.
 */
export async function linkAutomatically(daemon, link, clientRedirectURL) {
  const webview = await fetch(`${link}&sandbox_auto=1`, { redirect: 'manual' });
  assert.ok([302, 303].includes(webview.status), `webview answered ${webview.status}: ${await webview.text()}`);
  const back = webview.headers.get('location');
  assert.ok(back.startsWith(`${daemon.url}/api/payments/v3/connectors/open-banking/`), `webview sent the browser to ${back}`);
  assert.match(back, /[?&]connection_id=/);
  const ours = await fetch(back, { redirect: 'manual' });
  assert.equal(ours.status, 307, `our redirect endpoint answered ${ours.status}: ${await ours.text()}`);
  assert.equal(ours.headers.get('location'), clientRedirectURL);
  return back;
}

export async function attemptStatus(api, psuID, connectorID, attemptID) {
  const r = await api.get(`/payment-service-users/${psuID}/connectors/${connectorID}/link-attempts/${attemptID}`);
  assert.equal(r.status, 200, `link attempt: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

/**
 * Install + PSU + forward + link: the whole flow up to a completed attempt. `retries` lets the
 * synchronous calls be repeated on 502/503/504 (fault runs).
 */
export async function linkedPsu(daemon, sandbox, opts = {}) {
  const connectorID = opts.connectorID ?? await installPowens(daemon, sandbox, opts);
  const psuID = await createForwardedPsu(daemon.api, connectorID, { retries: opts.retries ?? 0 });
  const redirect = opts.clientRedirectURL ?? 'https://app.example.com/bank-linked';
  const { attemptID, link } = await createLink(daemon.api, psuID, connectorID, redirect, { retries: opts.retries ?? 0 });
  await linkAutomatically(daemon, link, redirect);
  const attempt = await attemptStatus(daemon.api, psuID, connectorID, attemptID);
  assert.equal(attempt.status, 'completed', `attempt: ${JSON.stringify(attempt)}`);
  return { connectorID, psuID, attemptID };
}

/** Waits until the sandbox has delivered (or given up on) every queued webhook. */
export async function deliveriesDrained(sandbox, timeoutMs = 30000) {
  return eventually(async () => {
    const d = await console_(sandbox, 'GET', '/deliveries');
    return d.queued === 0 && d.inFlight === 0 ? d : null;
  }, { timeoutMs, intervalMs: 100, what: 'sandbox webhook deliveries to drain' });
}

/** The ground truth of the sandbox's only user (this flow creates exactly one per sandbox). */
export async function truthOf(sandbox) {
  const all = await console_(sandbox, 'GET', '/truth');
  assert.equal(all.users.length, 1, `sandbox users: ${all.users.length}`);
  return console_(sandbox, 'GET', `/truth?user=${encodeURIComponent(all.users[0].user?.id ?? all.users[0].user)}`);
}

const amountText = (v) => (typeof v === 'bigint' ? v.toString() : String(v));

/** What the daemon stored for one PSU: internal accounts, latest balances, counterparties, payments. */
export async function storedOf(api, psuID) {
  const accounts = await api.all('/accounts', { $match: { psu_id: psuID } });
  const internal = accounts.filter((a) => a.type === 'INTERNAL');
  const external = accounts.filter((a) => a.type === 'EXTERNAL');
  const byID = new Map(accounts.map((a) => [a.id, a]));
  const balances = [];
  for (const a of internal) {
    const list = await api.all(`/accounts/${a.id}/balances?to=${FAR_FUTURE}`);
    // Latest per asset: greatest createdAt (balances are a time series).
    const latest = new Map();
    for (const b of list) {
      const cur = latest.get(b.asset);
      if (!cur || Date.parse(b.createdAt) > Date.parse(cur.createdAt)) latest.set(b.asset, b);
    }
    for (const b of latest.values()) balances.push({ accountReference: a.reference, amount: amountText(b.balance), asset: b.asset });
  }
  // Every payment the daemon holds: each test gives the PSU a daemon of its own.
  const payments = await api.all('/payments');
  return { accounts: internal, external, balances, payments, byID };
}

const byKey = (k) => (a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0);

/** Normalised comparable views of the stored data and of the truth. */
export function views(stored, truth) {
  const accountRef = (id) => (id ? stored.byID.get(id)?.reference ?? `unknown:${id}` : null);
  const got = {
    accounts: stored.accounts.map((a) => a.reference).sort(),
    balances: stored.balances.map((b) => ({ ...b })).sort(byKey('accountReference')),
    payments: stored.payments.map((p) => ({
      reference: p.reference,
      accountReference: accountRef(p.type === 'PAYOUT' ? p.sourceAccountID : p.destinationAccountID),
      amount: amountText(p.amount),
      asset: p.asset,
      type: p.type,
      status: p.status,
    })).sort(byKey('reference')),
    // A counterparty's reference is a keyed hash of its IBAN (no personal data in IDs): compare
    // the identification the connector keeps in the (sealed) metadata.
    externalAccounts: stored.external.map((a) => {
      const m = a.metadata ?? {};
      return m['com.powens.spec/iban'] ?? m['com.powens.spec/account_number'] ?? a.reference;
    }).sort(),
  };
  const want = {
    accounts: truth.accounts.map((a) => String(a.id)).sort(),
    balances: truth.balances.filter((b) => b.served !== false).map((b) => ({
      accountReference: String(b.accountReference), amount: amountText(b.amount), asset: b.asset,
    })).sort(byKey('accountReference')),
    payments: truth.payments.filter((p) => !p.malformed).map((p) => ({
      reference: String(p.reference),
      accountReference: String(p.accountReference),
      amount: amountText(p.amount),
      asset: p.asset,
      type: p.type,
      status: p.status,
    })).sort(byKey('reference')),
    externalAccounts: truth.externalAccounts.map((a) => String(a.reference)).sort(),
  };
  return { got, want };
}

/** A short human summary of how two views differ (for assertion messages and waiting). */
export function differences({ got, want }) {
  const out = [];
  for (const k of Object.keys(want)) {
    const g = new Map(got[k].map((x) => [JSON.stringify(x), x]));
    const w = new Map(want[k].map((x) => [JSON.stringify(x), x]));
    const missing = [...w.keys()].filter((x) => !g.has(x));
    const extra = [...g.keys()].filter((x) => !w.has(x));
    if (got[k].length !== want[k].length || missing.length || extra.length) {
      out.push(`${k}: stored ${got[k].length}, truth ${want[k].length}; missing ${missing.length} ${missing.slice(0, 5).join(' ')}; unexpected ${extra.length} ${extra.slice(0, 5).join(' ')}`);
    }
  }
  return out;
}

/**
 * Waits until the daemon's stored data for the PSU equals the sandbox truth, then asserts it
 * exactly (deepEqual of the sorted views, so a failure shows the full difference).
 */
export async function assertEqualsTruth(daemon, sandbox, psuID, { timeoutMs = 60000, label = '' } = {}) {
  let last;
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 10000 && Date.now() < end; i++) {
    await deliveriesDrained(sandbox, Math.max(1000, end - Date.now()));
    const truth = await truthOf(sandbox);
    last = views(await storedOf(daemon.api, psuID), truth);
    if (differences(last).length === 0) break;
    await sleep(500);
  }
  const diff = differences(last);
  assert.deepEqual(last.got, last.want, `${label}stored data differs from the sandbox truth:\n  ${diff.join('\n  ')}`);
  return last;
}
