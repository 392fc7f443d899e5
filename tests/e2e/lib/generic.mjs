// The generic connector against its reference service (connectivity-sandbox generic): the
// service's console, and what connectivityd stored, both reduced to one comparable shape.
import { sleep } from './harness.mjs';

/** JSON.parse, but amount-like numbers (which may exceed 2^53) are kept as exact digit strings. */
export function parseExact(text) {
  if (!text) return undefined;
  return JSON.parse(text.replace(/"(amount|initialAmount|balance)"\s*:\s*(-?\d+)(?=\s*[,}])/g, '"$1":"$2"'));
}

/** The sandbox console (no auth). */
export class Console {
  constructor(sandboxUrl) { this.base = sandboxUrl + '/sandbox/console'; }
  async call(method, path, body) {
    const res = await fetch(this.base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`console ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  truth() { return this.call('GET', '/truth'); }
  advance(body) { return this.call('POST', '/clock/advance', body); }
  faults(body) { return this.call('POST', '/faults', body); }
  resetFaults() { return this.call('DELETE', '/faults'); }
  stats() { return this.call('GET', '/stats'); }
}

/** Every item of a v3 cursor list, amounts exact; bounded. */
export async function listAll(daemon, path, query) {
  const base = `${daemon.url}/api/payments/v3${path}`;
  const sep = path.includes('?') ? '&' : '?';
  let url = base + sep + 'pageSize=1000' + (query ? '&query=' + encodeURIComponent(JSON.stringify(query)) : '');
  const items = [];
  for (let i = 0; i < 1000; i++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${daemon.token}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text}`);
    const body = parseExact(text);
    items.push(...body.cursor.data);
    if (!body.cursor.hasMore) return items;
    url = base + sep + 'cursor=' + encodeURIComponent(body.cursor.next);
  }
  throw new Error(`GET ${path}: too many pages`);
}

const ms = (t) => (t == null ? null : Date.parse(t));
/** A UMN asset as the connector stores it: a bare code means precision 0. */
export const umn = (c) => (c.includes('/') ? c : `${c}/0`);
const TYPES = { PAYIN: 'PAY-IN', PAYOUT: 'PAYOUT', TRANSFER: 'TRANSFER', OTHER: 'OTHER' };
const V3_SCHEMES = new Set(['CARD_VISA', 'CARD_MASTERCARD', 'CARD_AMEX', 'CARD_DINERS', 'CARD_DISCOVER', 'CARD_JCB',
  'CARD_UNION_PAY', 'CARD_ALIPAY', 'CARD_CUP', 'SEPA_DEBIT', 'SEPA_CREDIT', 'SEPA', 'GOOGLE_PAY', 'APPLE_PAY', 'DOKU',
  'DRAGON_PAY', 'MAESTRO', 'MOL_PAY', 'A2A', 'ACH_DEBIT', 'ACH', 'RTP', 'OTHER']);
/** Integer text without leading zeros or "+" (what the store keeps). */
const int = (s) => BigInt(s).toString();

function byRef(list, what, problems) {
  const m = new Map();
  for (const x of list) {
    if (m.has(x.reference)) problems.push(`${what} ${x.reference}: stored more than once`);
    m.set(x.reference, x);
  }
  return m;
}

/**
 * The service's truth (GET /sandbox/console/truth) as the connector should have stored it:
 * {accounts, beneficiaries: Map reference → fields, payments: Map "reference type" → fields,
 * balances: Map "accountRef asset" → amount, adjustments: Map "reference type" → Map transaction id
 * → fields (for payments with refunds)}. `model`, the previous view, remembers which member of a
 * payment was seen first.
 */
export function expectedView(truth, model) {
  const problems = [];
  const accounts = byRef(truth.accounts.map((a) => ({
    reference: a.id, name: a.accountName, createdAt: ms(a.createdAt),
  })), 'service account', problems);
  const beneficiaries = byRef(truth.beneficiaries.map((b) => ({
    reference: b.id, name: b.ownerName, createdAt: ms(b.createdAt),
  })), 'service beneficiary', problems);
  const balances = new Map();
  for (const b of truth.balances)
    for (const e of b.balances) balances.set(`${b.accountID} ${umn(e.currency)}`, int(e.amount));
  // The host keeps the reference's payment semantics: a transaction with a relatedTransactionID
  // (a refund) is an adjustment of the payment keyed (parent reference, its own type); the payment
  // takes its fields from the first member seen, its status from the member created last.
  const groups = new Map();
  for (const t of truth.transactions) {
    const key = `${t.relatedTransactionID || t.id} ${TYPES[t.type]}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(t);
  }
  const firstSeen = model?.firstSeen ?? new Map();
  const payments = new Map();
  const adjustments = new Map();  // payment key → Map member id → {amount, status, createdAt}
  for (const [key, members] of groups) {
    if (!firstSeen.has(key)) firstSeen.set(key, members[0].id);
    const first = members.find((m) => m.id === firstSeen.get(key)) ?? members[0];
    let last = members[0];
    for (const m of members) if (ms(m.createdAt) >= ms(last.createdAt)) last = m;
    payments.set(key, {
      reference: first.relatedTransactionID || first.id,
      type: TYPES[first.type],
      status: last.status,
      amount: int(first.amount),
      asset: umn(first.currency),
      scheme: V3_SCHEMES.has(first.scheme) ? first.scheme : 'OTHER',
      createdAt: ms(first.createdAt),
      source: first.sourceAccountID || null,
      destination: first.destinationAccountID || null,
    });
    if (members.length > 1 || members[0].relatedTransactionID)
      adjustments.set(key, new Map(members.map((m) => [m.id, { amount: int(m.amount), status: m.status, createdAt: ms(m.createdAt) }])));
  }
  const ids = new Set();
  for (const t of truth.transactions) {
    if (ids.has(t.id)) problems.push(`service transaction ${t.id}: served more than once`);
    ids.add(t.id);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return { accounts, beneficiaries, balances, payments, adjustments, firstSeen, transactions: ids.size };
}

/** What connectivityd stored, through the v3 API, in expectedView's shape (plus `problems`). */
export async function storedView(daemon) {
  const problems = [];
  const all = await listAll(daemon, '/accounts');
  const refOf = new Map(all.map((a) => [a.id, a.reference]));
  const internal = all.filter((a) => a.type === 'INTERNAL');
  const external = all.filter((a) => a.type === 'EXTERNAL');
  for (const a of all) if (a.type !== 'INTERNAL' && a.type !== 'EXTERNAL') problems.push(`account ${a.reference}: type ${a.type}`);
  const accounts = byRef(internal.map((a) => ({ reference: a.reference, name: a.name, createdAt: ms(a.createdAt) })),
    'account', problems);
  const beneficiaries = byRef(external.map((a) => ({ reference: a.reference, name: a.name, createdAt: ms(a.createdAt) })),
    'beneficiary', problems);
  const balances = new Map();
  // `to` far ahead: the service's clock is its own, not this machine's.
  for (const a of internal) {
    const rows = await listAll(daemon, `/accounts/${encodeURIComponent(a.id)}/balances?to=2999-01-01T00:00:00Z`);
    const latest = new Map();
    for (const r of rows) {
      const cur = latest.get(r.asset);
      if (!cur || ms(r.createdAt) > ms(cur.createdAt)) latest.set(r.asset, r);
    }
    for (const [asset, r] of latest) balances.set(`${a.reference} ${asset}`, int(r.balance));
  }
  const payments = byKey((await listAll(daemon, '/payments')).map((p) => ({
    id: p.id,
    reference: p.reference,
    type: p.type,
    status: p.status,
    amount: int(p.amount),
    asset: p.asset,
    scheme: p.scheme,
    createdAt: ms(p.createdAt),
    source: p.sourceAccountID ? (refOf.get(p.sourceAccountID) ?? `unknown account ${p.sourceAccountID}`) : null,
    destination: p.destinationAccountID ? (refOf.get(p.destinationAccountID) ?? `unknown account ${p.destinationAccountID}`) : null,
  })), 'payment', problems);
  return { accounts, beneficiaries, balances, payments, problems };
}

function byKey(list, what, problems) {
  const m = new Map();
  for (const x of list) {
    const k = `${x.reference} ${x.type}`;
    if (m.has(k)) problems.push(`${what} ${k}: stored more than once`);
    m.set(k, x);
  }
  return m;
}

/** The adjustments of the payments that have refunds: differences, [] when equal. */
export async function diffAdjustments(daemon, want, got) {
  const out = [];
  for (const [key, members] of want.adjustments) {
    const p = got.payments.get(key);
    if (!p) { out.push(`payment ${key}: missing`); continue; }
    const res = await fetch(`${daemon.url}/api/payments/v3/payments/${encodeURIComponent(p.id)}`,
      { headers: { authorization: `Bearer ${daemon.token}` } });
    const text = await res.text();
    if (res.status !== 200) { out.push(`GET payment ${key}: ${res.status} ${text}`); continue; }
    const adj = parseExact(text).data.adjustments ?? [];
    // Current state of each member: its adjustment with the latest status; earlier ones (PENDING) may remain.
    const seen = new Map();
    for (const a of adj) {
      if (!members.has(a.reference)) { out.push(`payment ${key}: adjustment ${a.reference} is not one of its transactions`); continue; }
      (seen.get(a.reference) ?? seen.set(a.reference, []).get(a.reference)).push(a);
    }
    for (const [id, w] of members) {
      const list = seen.get(id) ?? [];
      const match = list.find((a) => a.status === w.status && int(a.amount) === w.amount && ms(a.createdAt) === w.createdAt);
      if (!match) out.push(`payment ${key}: no adjustment ${id} ${w.status} ${w.amount} at ${new Date(w.createdAt).toISOString()} (have ${JSON.stringify(list.map((a) => [a.status, a.amount, a.createdAt]))})`);
    }
  }
  return out;
}

function diffMaps(what, want, got, out) {
  for (const [k, w] of want) {
    if (!got.has(k)) { out.push(`${what} ${k}: missing (want ${JSON.stringify(w)})`); continue; }
    const g = got.get(k);
    if (typeof w !== 'object') { if (w !== g) out.push(`${what} ${k}: got ${g}, want ${w}`); continue; }
    for (const f of Object.keys(w))
      if (w[f] !== g[f]) out.push(`${what} ${k}: ${f} is ${JSON.stringify(g[f])}, want ${JSON.stringify(w[f])}`);
  }
  for (const k of got.keys()) if (!want.has(k)) out.push(`${what} ${k}: stored but not in the service`);
}

/** Every difference between the service's truth and what was stored; [] when they are equal. */
export function diffViews(want, got, { only } = {}) {
  const out = [...(got.problems ?? [])];
  const on = (k) => !only || only.includes(k);
  if (on('accounts')) diffMaps('account', want.accounts, got.accounts, out);
  if (on('beneficiaries')) diffMaps('beneficiary', want.beneficiaries, got.beneficiaries, out);
  if (on('balances')) diffMaps('balance', want.balances, got.balances, out);
  if (on('payments')) diffMaps('payment', want.payments, got.payments, out);
  return out;
}

export const summary = (v) =>
  `${v.accounts.size} accounts, ${v.balances.size} balances, ${v.beneficiaries.size} beneficiaries, ${v.payments.size} payments` +
  (v.transactions ? ` (${v.transactions} transactions, ${v.adjustments.size} with refunds)` : '');

/**
 * Waits (bounded) until the stored data equals the service's truth, reading the truth afresh each
 * round (payments first, then the adjustments of those with refunds); throws with the remaining
 * differences. Pass the previous `want` as `model`; `only` limits the comparison to some of
 * 'accounts', 'beneficiaries', 'balances', 'payments'. Returns {want, got, rounds}.
 */
export async function waitForEqual(daemon, console_, { model, only, timeoutMs = 60000, intervalMs = 500, what = 'stored data = truth' } = {}) {
  const end = Date.now() + timeoutMs;
  let diffs = ['never compared'], want, got;
  for (let round = 1; round <= 100000; round++) {
    want = expectedView(await console_.truth(), model);
    got = await storedView(daemon);
    diffs = diffViews(want, got, { only });
    if (diffs.length === 0 && (!only || only.includes('payments'))) diffs = await diffAdjustments(daemon, want, got);
    if (diffs.length === 0) return { want, got, rounds: round };
    if (Date.now() >= end) break;
    await sleep(intervalMs);
  }
  const shown = diffs.slice(0, 25).join('\n  ');
  throw new Error(`${what}: still ${diffs.length} differences after ${timeoutMs} ms (want ${summary(want)}; got ${summary(got)}):\n  ${shown}`);
}
