// Plaid end-to-end helpers: the sandbox console, the v3 open-banking flow (PSU, forward,
// create-link, the hosted-link walk a browser would do) and a comparison of what connectivityd
// stored with the sandbox's ground truth (tools/sandbox/plaid/README.md).
import { generateKeyPairSync, sign, createHash, randomUUID } from 'node:crypto';
import { eventually } from './harness.mjs';

/** JSON over HTTP to the sandbox (console and Plaid API). */
export async function sandboxCall(sandbox, method, path, body) {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  if (res.status !== 200) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return json;
}

export const consoleGet = (sandbox, path) => sandboxCall(sandbox, 'GET', '/sandbox/console' + path);
export const consolePost = (sandbox, path, body = {}) => sandboxCall(sandbox, 'POST', '/sandbox/console' + path, body);

/** Every Item of the sandbox, optionally only those of one client_user_id (= PSU id). */
export async function sandboxItems(sandbox, clientUserId) {
  const { items } = await consoleGet(sandbox, '/items');
  return clientUserId ? items.filter((i) => i.client_user_id === clientUserId) : items;
}

export const truthOf = (sandbox, itemId) => consoleGet(sandbox, '/truth?item_id=' + encodeURIComponent(itemId));

/** Installs the plaid connector against the sandbox; resolves to the connector id. */
export async function installPlaid(api, sandbox, name = 'plaid-e2e') {
  const r = await api.post('/connectors/install/plaid', {
    name, clientID: 'cx-e2e-client', clientSecret: 'cx-e2e-secret', baseURL: sandbox.url, pollingPeriod: '30m',
  });
  if (r.status !== 202) throw new Error(`install plaid: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data;
}

/** Creates a PSU (locale and country set: Plaid Link needs them) and forwards it to the connector. */
export async function createForwardedPsu(api, connectorId, { name = 'Jordan Lee', locale = 'en-US', country = 'US' } = {}) {
  const r = await api.post('/payment-service-users', {
    name,
    contactDetails: { email: 'jordan.lee@example.com', phoneNumber: '+15125550147', locale },
    address: { streetName: 'Congress Ave', streetNumber: '401', city: 'Austin', region: 'TX', postalCode: '78701', country },
    metadata: { crm_id: 'E2E-' + Math.random().toString(36).slice(2, 8) },
  });
  if (r.status !== 201) throw new Error(`create PSU: ${r.status} ${JSON.stringify(r.body)}`);
  const psu = r.body.data;
  const f = await api.post(`/payment-service-users/${psu}/connectors/${connectorId}/forward`);
  if (f.status !== 204) throw new Error(`forward: ${f.status} ${JSON.stringify(f.body)}`);
  return psu;
}

export const CLIENT_REDIRECT = 'https://app.example.com/bank-linked';

export async function createLink(api, psu, connectorId) {
  const r = await api.post(`/payment-service-users/${psu}/connectors/${connectorId}/create-link`,
    { applicationName: 'E2E', clientRedirectURL: CLIENT_REDIRECT });
  if (r.status !== 201) throw new Error(`create-link: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body; // {attemptID, link}
}

function absolute(base, href) { return new URL(href.replace(/&amp;/g, '&'), base).toString(); }

async function page(url, init = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

/**
 * Walks Hosted Link as a browser would: the institution list, the institution's login form
 * (posted as application/x-www-form-urlencoded), then Finish. Resolves to the final 303's Location.
 */
export async function walkHostedLink(link, { institution, username = 'user_good', password = 'pass_good' } = {}) {
  const start = await page(link);
  if (start.status !== 200) throw new Error(`hosted link ${link}: ${start.status} ${start.html.slice(0, 300)}`);
  const anchors = [...start.html.matchAll(/<a class="inst" id="([^"]+)" href="([^"]+)"/g)];
  if (!anchors.length) throw new Error('hosted link: no institution to choose');
  const chosen = institution ? anchors.find((a) => a[1] === institution) : anchors[0];
  if (!chosen) throw new Error(`hosted link: institution ${institution} not offered`);
  const form = await page(absolute(link, chosen[2]));
  if (form.status !== 200) throw new Error(`institution page: ${form.status}`);
  const action = form.html.match(/<form method="post" action="([^"]+)">/);
  const hidden = [...form.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
  if (!action) throw new Error('institution page: no login form');
  const fields = new URLSearchParams(hidden.map((h) => [h[1], h[2]]));
  fields.set('username', username);
  fields.set('password', password);
  const logged = await page(absolute(link, action[1]), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString(),
  });
  if (logged.status !== 200 || !logged.html.includes('id="connected"'))
    throw new Error(`login: ${logged.status} ${logged.html.slice(0, 400)}`);
  const finish = logged.html.match(/<form method="post" action="([^"]+\/finish)">/);
  if (!finish) throw new Error('login page: no Finish form');
  const done = await page(absolute(link, finish[1]), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  if (done.status !== 303) throw new Error(`finish: ${done.status} ${done.html.slice(0, 300)}`);
  return done.location;
}

/** Links a PSU end to end; resolves once its connection is ACTIVE: {attemptID, link, redirect, itemId}. */
export async function linkPsu(api, sandbox, psu, connectorId, { auto = false } = {}) {
  const { attemptID, link } = await createLink(api, psu, connectorId);
  let redirect;
  if (auto) {
    const r = await fetch(link + (link.includes('?') ? '&' : '?') + 'sandbox_auto=1', { redirect: 'manual' });
    redirect = r.headers.get('location');
  } else {
    redirect = await walkHostedLink(link);
  }
  const conn = await eventually(async () => {
    const r = await api.get(`/payment-service-users/${psu}/connections`);
    return r.status === 200 && r.body.cursor.data.find((c) => c.status === 'ACTIVE');
  }, { timeoutMs: 20000, what: 'an ACTIVE connection after SESSION_FINISHED' });
  return { attemptID, link, redirect, itemId: conn.connectionID, connection: conn };
}

/** What connectivityd stored for one connection (= Plaid Item), in the truth's terms. */
export async function storedOf(api, itemId) {
  const accounts = (await api.all('/accounts')).filter((a) => a.openBankingConnectionID === itemId && a.type === 'INTERNAL');
  const refById = new Map(accounts.map((a) => [a.id, a.reference]));
  const balances = [];
  for (const a of accounts) {
    const list = await api.all(`/accounts/${a.id}/balances`);
    const latest = {};
    for (const b of list) {
      const prev = latest[b.asset];
      if (!prev || b.lastUpdatedAt > prev.lastUpdatedAt) latest[b.asset] = b;
    }
    for (const b of Object.values(latest)) balances.push({ accountReference: a.reference, amount: String(b.balance), asset: b.asset });
  }
  const payments = (await api.all('/payments')).filter((p) => p.openBankingConnectionID === itemId).map((p) => ({
    reference: p.reference, type: p.type, amount: String(p.amount), asset: p.asset, status: p.status,
    sourceAccountReference: p.sourceAccountID ? refById.get(p.sourceAccountID) ?? `?${p.sourceAccountID}` : undefined,
    destinationAccountReference: p.destinationAccountID ? refById.get(p.destinationAccountID) ?? `?${p.destinationAccountID}` : undefined,
  }));
  return { accounts: accounts.map((a) => ({ reference: a.reference, defaultAsset: a.defaultAsset ?? null, name: a.name })), balances, payments };
}

const key = (o, fields) => JSON.stringify(fields.map((f) => o[f] ?? null));
const ACCOUNT_FIELDS = ['reference', 'defaultAsset'];
const BALANCE_FIELDS = ['accountReference', 'amount', 'asset'];
const PAYMENT_FIELDS = ['reference', 'type', 'amount', 'asset', 'status', 'sourceAccountReference', 'destinationAccountReference'];

function diffSets(what, want, got, fields, out) {
  const g = new Map(got.map((x) => [key(x, fields), x]));
  const w = new Map(want.map((x) => [key(x, fields), x]));
  for (const [k] of w) if (!g.has(k)) out.push(`${what} missing or different: ${k}`);
  for (const [k] of g) if (!w.has(k)) out.push(`${what} unexpected: ${k}`);
}

/** Differences between stored and truth (empty = equal), at most `limit` lines. */
export function compareToTruth(stored, truth, limit = 20) {
  const out = [];
  diffSets('account', truth.accounts, stored.accounts, ACCOUNT_FIELDS, out);
  diffSets('balance', truth.balances, stored.balances, BALANCE_FIELDS, out);
  diffSets('payment', truth.payments, stored.payments, PAYMENT_FIELDS, out);
  return out.slice(0, limit);
}

/** Waits until what is stored for the Item equals the sandbox truth; resolves to {stored, truth}. */
export async function eventuallyEqual(api, sandbox, itemId, { timeoutMs = 30000, what = 'stored data equal to the sandbox truth' } = {}) {
  let last = [];
  try {
    return await eventually(async () => {
      const truth = await truthOf(sandbox, itemId);
      const stored = await storedOf(api, itemId);
      last = compareToTruth(stored, truth);
      return last.length === 0 && { stored, truth };
    }, { timeoutMs, intervalMs: 300, what });
  } catch (e) {
    throw new Error(`${e.message}\n  differences:\n    ${last.join('\n    ')}`);
  }
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/**
 * A Plaid-Verification JWT for `body`. By default it is well-formed and names the sandbox's real
 * `kid`, but is signed with a key the sandbox never published: a forgery.
 */
export function forgedVerification(body, kid, { alg = 'ES256', iat = Math.floor(Date.now() / 1000) } = {}) {
  const header = b64url(JSON.stringify({ alg, kid, typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iat, request_body_sha256: createHash('sha256').update(body).digest('hex') }));
  const input = `${header}.${payload}`;
  if (alg === 'none') return input + '.';
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return `${input}.${b64url(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }))}`;
}

/** POSTs a webhook body straight to connectivityd's webhook URL, with the given headers. */
export async function postWebhook(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

export { randomUUID };
