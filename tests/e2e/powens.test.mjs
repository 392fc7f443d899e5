// Powens end to end: a real connectivityd and the Powens sandbox on loopback. The whole
// open-banking flow through the v3 API, then what the daemon stored compared exactly with the
// sandbox's ground truth: after the first sync, after pending transactions post, after a forged
// webhook, under API faults, and across a SIGKILL in the middle of a sync.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startDaemon, eventually, cleanup, withLogsOnFailure, sqliteScalar, stepper, sleep } from './lib/harness.mjs';
import {
  startPowensSandbox, linkedPsu, installPowens, createForwardedPsu, createLink, linkAutomatically, attemptStatus,
  deliveriesDrained, truthOf, storedOf, views, assertEqualsTruth, console_, webhookURL,
  PSU_BODY, CREDENTIALS,
} from './lib/powens.mjs';
import { personalStrings, scanDir } from './lib/markers.mjs';

const POLL = '2s';
const POLL_MS = 2000;
const running = [];
const dirs = [];

async function sandbox(opts) {
  const s = await startPowensSandbox(opts);
  running.push(s);
  return s;
}

async function daemon(opts) {
  const d = await startDaemon(opts);
  running.push(d.proc);
  dirs.push(d.dataDir);
  return d;
}

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

test('Powens: link through the v3 API, sync equal to the truth, forged webhook, pending → posted', async (t) => {
  const sbx = await sandbox({ seed: 42 });
  const d = await daemon();
  const step = stepper(t);
  await withLogsOnFailure(() => [d, sbx], async () => {
    let psuID;
    let connectorID;

    await step('the whole flow: install, PSU, forward, create-link, webview, redirect, completed attempt', async () => {
      // A short polling period: the periodic fetches run between and after the webhooks, and
      // both paths must agree on what is stored.
      connectorID = await installPowens(d, sbx, { pollingPeriod: POLL });
      const connectors = await d.api.all('/connectors');
      assert.ok(connectors.some((c) => c.id === connectorID && c.provider === 'powens'), 'installed connector is listed');

      psuID = await createForwardedPsu(d.api, connectorID);
      const psu = await d.api.get(`/payment-service-users/${psuID}`);
      assert.equal(psu.status, 200);
      assert.equal(psu.body.data.name, 'Camille Durand');
      assert.equal(psu.body.data.contactDetails.email, 'camille.durand@example.fr');
      assert.equal(psu.body.data.address.city, 'Paris');

      const redirect = 'https://app.example.com/bank-linked';
      const { attemptID, link } = await createLink(d.api, psuID, connectorID, redirect);
      const u = new URL(link);
      assert.equal(u.origin, sbx.url, 'the link opens the sandbox webview');
      for (const p of ['client_id', 'code', 'state', 'redirect_uri', 'domain', 'max_connections'])
        assert.ok(u.searchParams.get(p), `webview link carries ${p}: ${link}`);

      assert.notEqual((await attemptStatus(d.api, psuID, connectorID, attemptID)).status, 'completed');
      await linkAutomatically(d, link, redirect);
      const attempt = await attemptStatus(d.api, psuID, connectorID, attemptID);
      assert.equal(attempt.status, 'completed', JSON.stringify(attempt));

      const conns = await d.api.all(`/payment-service-users/${psuID}/connections`);
      assert.equal(conns.length, 1, `connections: ${JSON.stringify(conns)}`);
    });

    await step('stored accounts, latest balances, counterparties and payments equal the sandbox truth', async () => {
      await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 60000 });
      await sleep(POLL_MS * 1.5);
      const { want } = await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 1000, label: 'a polling period later: ' });
      assert.ok(want.accounts.length >= 5 && want.payments.length > 50, `truth is not trivial: ${want.accounts.length} accounts, ${want.payments.length} payments`);
      assert.ok(want.payments.some((p) => p.status === 'PENDING'), 'the truth has pending payments');
      assert.ok(new Set(want.balances.map((b) => b.asset)).size >= 3, 'several currencies');
    });

    await step('no personal string of the truth and no secret is in any file of the data directory', async () => {
      const truth = await truthOf(sbx);
      const strings = personalStrings(truth, [
        PSU_BODY.name, ...Object.values(PSU_BODY.contactDetails), ...Object.values(PSU_BODY.address),
        ...Object.values(PSU_BODY.metadata), CREDENTIALS.clientSecret, CREDENTIALS.configurationToken, d.token,
      ]);
      assert.ok(strings.length > 100, `the truth has personal strings to look for (${strings.length})`);
      for (const kind of ['iban', 'original_wording', 'label'])
        assert.ok(JSON.stringify(truth).includes(`"${kind}"`), `the truth has ${kind} fields`);
      const refs = (await storedOf(d.api, psuID)).external.map((a) => a.reference);
      assert.ok(refs.length > 0 && refs.every((r) => r.startsWith('iban-')), `counterparty references: ${refs.slice(0, 3)}`);
      const { hits, files } = await scanDir(d.dataDir, strings);
      assert.ok(files.includes('connectivity.db') && files.includes('connectivityd.log'), `scanned: ${files}`);
      assert.deepEqual(hits, [], `personal data on disk in clear: ${JSON.stringify(hits.slice(0, 20))}`);
    });

    await step('a forged webhook gets 401 and changes nothing', async () => {
      const before = views(await storedOf(d.api, psuID), await truthOf(sbx));
      const hooksBefore = sqliteScalar(d.dataDir, 'SELECT count(*) FROM received_webhooks');
      const truth = await truthOf(sbx);
      const tx = { ...truth.transactions[0], id: 987654321, value: -4242.42, original_wording: 'CB FORGED 01/01', coming: false, deleted: null };
      const account = { ...truth.accounts.find((a) => a.id === tx.id_account) ?? truth.accounts[0], transactions: [tx] };
      const body = JSON.stringify({ user: { id: truth.user }, connection: { ...truth.connections[0], accounts: [account] } });
      const url = webhookURL(d, connectorID, 'CONNECTION_SYNCED');
      const date = new Date().toISOString();
      const path = new URL(url).pathname;
      const wrong = createHmac('sha256', 'not-the-secret').update(`POST.${path}.${date}.${body}`).digest('base64');
      for (const headers of [
        { 'bi-signature-date': date, 'bi-signature': wrong },
        { 'bi-signature-date': date },
        { 'bi-signature-date': date, 'bi-signature': 'AAAA' },
      ]) {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        assert.equal(r.status, 401, `forged webhook (${JSON.stringify(headers)}) answered ${r.status}: ${await r.text()}`);
      }
      const unknown = await fetch(`${d.url}/api/payments/v3/connectors/webhooks/${connectorID}/no-such-hook`, { method: 'POST', body });
      assert.equal(unknown.status, 404, 'an unknown webhook path is 404');

      await new Promise((r) => setTimeout(r, 1000));
      const afterViews = views(await storedOf(d.api, psuID), await truthOf(sbx));
      assert.deepEqual(afterViews.got, before.got, 'the stored data changed after a forged webhook');
      assert.ok(!afterViews.got.payments.some((p) => p.reference === String(tx.id)), 'the forged transaction was stored');
      if (hooksBefore !== null)
        assert.equal(sqliteScalar(d.dataDir, 'SELECT count(*) FROM received_webhooks'), hooksBefore, 'a forged webhook was stored');
    });

    await step('pending → posted: after 48 h every replaced provisional row is one SUCCEEDED payment under the permanent reference', async () => {
      const pendingBefore = (await storedOf(d.api, psuID)).payments.filter((p) => p.status === 'PENDING').map((p) => p.reference);
      const clock = await console_(sbx, 'POST', '/clock', { advance: '48h' });
      assert.ok(Array.isArray(clock.replaced) && clock.replaced.length > 0, `the clock replaced no provisional row: ${JSON.stringify(clock)}`);
      await deliveriesDrained(sbx);
      const truth = await truthOf(sbx);
      assert.ok(truth.deletedTransactions.length >= clock.replaced.length, 'the truth lists the replaced rows as deleted');

      await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 60000, label: 'after the clock moved 48h: ' });
      await sleep(POLL_MS * 1.5); // a polling run after the webhooks must not bring anything back
      await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 1000, label: 'a polling period after the clock moved: ' });

      const payments = (await storedOf(d.api, psuID)).payments;
      const byRef = new Map();
      for (const p of payments) byRef.set(p.reference, [...(byRef.get(p.reference) ?? []), p]);
      for (const { provisional, permanent } of clock.replaced) {
        const prov = byRef.get(String(provisional)) ?? [];
        assert.equal(prov.length, 0,
          `provisional ${provisional} (replaced by ${permanent}) is still stored: ${JSON.stringify(prov.map((p) => [p.reference, p.type, p.status]))}`);
        const perm = byRef.get(String(permanent)) ?? [];
        assert.equal(perm.length, 1, `permanent ${permanent} stored ${perm.length} times`);
        assert.equal(perm[0].status, 'SUCCEEDED', `permanent ${permanent} is ${perm[0].status}`);
      }
      const replacedProvisional = new Set(clock.replaced.map((r) => String(r.provisional)));
      assert.ok(pendingBefore.some((r) => replacedProvisional.has(r)), 'some replaced row had been stored as PENDING before the clock moved');
    });
    step.check();
  });
});

test('Powens under API faults (10% 429, 10% 5xx) still ends equal to the truth', async (t) => {
  // 300 rows per account in pages of 20: enough API calls that faults hit the polling sync.
  const sbx = await sandbox({ seed: 7, transactionsPerAccount: 300, faults: { rate429: 0.1, rate5xx: 0.1, retryAfterS: 1 } });
  const d = await daemon();
  await withLogsOnFailure(() => [d, sbx], async () => {
    // install, forward and create-link reach Powens before answering: under faults they may
    // answer 502, and a client asks again.
    const { psuID, connectorID } = await linkedPsu(d, sbx, { retries: 8, extra: { pageSize: 20 } });
    const connectors = await d.api.all('/connectors');
    assert.deepEqual(connectors.map((c) => c.id), [connectorID], 'a refused install leaves no connector behind');
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 90000, label: 'fault run: ' });
    const clock = await console_(sbx, 'POST', '/clock', { advance: '48h' });
    assert.ok(clock.replaced.length > 0, 'the clock replaced provisional rows');
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 90000, label: 'fault run after 48h: ' });
    const faults = await console_(sbx, 'GET', '/faults');
    assert.ok(faults.rate429 > 0 && faults.rate5xx > 0, `faults were on: ${JSON.stringify(faults)}`);
    const retried = sqliteScalar(d.dataDir, 'SELECT count(*) FROM tasks WHERE attempts > 1');
    if (retried !== null) t.diagnostic(`tasks that needed more than one attempt: ${retried}`);
  });
});

test('Powens: connectivityd killed with SIGKILL mid-sync and restarted on the same data dir ends equal to the truth', async () => {
  const perAccount = 1200;
  // Deliveries of 50 rows, each committed on its own, so the kill lands between two of them
  // however fast one sync runs (as one delivery, all 6 000 rows could commit before the kill).
  const sbx = await sandbox({ seed: 11, transactionsPerAccount: perAccount, webhookMaxTransactions: 50 });
  let d = await daemon();
  await withLogsOnFailure(() => [d, sbx], async () => {
    const { psuID } = await linkedPsu(d, sbx);
    await eventually(async () => {
      const r = await d.api.get('/payments?pageSize=1');
      return r.status === 200 && r.body.cursor.data.length > 0;
    }, { timeoutMs: 30000, intervalMs: 20, what: 'the first synced payment' });
    d.proc.child.kill('SIGKILL');
    const exit = await d.proc.exited;
    assert.equal(exit.signal, 'SIGKILL');

    const truth = await truthOf(sbx);
    const wanted = truth.payments.filter((p) => !p.malformed).length;
    const storedAtKill = sqliteScalar(d.dataDir, 'SELECT count(*) FROM payments');
    if (storedAtKill !== null)
      assert.ok(Number(storedAtKill) > 0 && Number(storedAtKill) < wanted,
        `the kill was meant to land mid-sync: ${storedAtKill} of ${wanted} payments stored`);

    const first = d;
    d = await daemon({ dataDir: first.dataDir, port: first.port });
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 120000, label: 'after SIGKILL and restart: ' });
  });
});

test('Powens webhook faults (duplicates, out-of-order, forged copies) across clock moves: still equal to the truth', async () => {
  const sbx = await sandbox({
    seed: 9,
    faults: { duplicateWebhookRate: 0.5, outOfOrderWebhookRate: 0.5, outOfOrderDelayMs: 1000, badSignatureRate: 0.3 },
  });
  const d = await daemon();
  await withLogsOnFailure(() => [d, sbx], async () => {
    // Polling stays out of the way (30m): the webhooks alone must get it right.
    const { psuID } = await linkedPsu(d, sbx, { pollingPeriod: '30m' });
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 30000, label: 'webhook faults: ' });
    let replaced = 0;
    for (const advance of ['24h', '24h', '48h']) replaced += (await console_(sbx, 'POST', '/clock', { advance })).replaced.length;
    assert.ok(replaced > 0, 'the clock replaced provisional rows');
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 30000, label: 'webhook faults after the clock moved: ' });
    const deliveries = (await console_(sbx, 'GET', '/deliveries')).deliveries;
    const forged = deliveries.filter((x) => x.forged);
    assert.ok(forged.every((x) => x.status === 401), `forged deliveries answered ${forged.map((x) => x.status).join(',')}`);
  });
});

test('Powens polling alone (no webhook registered) keeps the store equal to the truth, before and after the clock moves', async () => {
  const sbx = await sandbox({ seed: 3 });
  const d = await daemon();
  await withLogsOnFailure(() => [d, sbx], async () => {
    const connectorID = await installPowens(d, sbx, { pollingPeriod: POLL });
    await console_(sbx, 'DELETE', '/webhooks/CONNECTION_SYNCED', undefined, [200, 204]);
    const { psuID } = await linkedPsu(d, sbx, { connectorID });
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 30000, label: 'polling only: ' });

    const clock = await console_(sbx, 'POST', '/clock', { advance: '48h' });
    assert.ok(clock.replaced.length > 0, 'the clock replaced provisional rows');
    const deliveries = (await console_(sbx, 'GET', '/deliveries')).deliveries;
    assert.ok(deliveries.every((x) => x.event !== 'CONNECTION_SYNCED'), 'no CONNECTION_SYNCED was sent');

    const truth = await truthOf(sbx);
    const wantBalances = new Map(truth.balances.map((b) => [String(b.accountReference), String(b.amount)]));
    let got;
    try {
      await eventually(async () => {
        got = views(await storedOf(d.api, psuID), truth).got;
        return got.balances.every((b) => wantBalances.get(b.accountReference) === b.amount);
      }, { timeoutMs: POLL_MS * 8, intervalMs: 500, what: 'balances' });
    } catch { /* reported below */ }
    const stale = got.balances.filter((b) => wantBalances.get(b.accountReference) !== b.amount)
      .map((b) => `${b.accountReference}: stored ${b.amount}, Powens now serves ${wantBalances.get(b.accountReference)}`);
    assert.deepEqual(stale, [],
      `polling runs after the clock moved fetched the accounts again but recorded no new balance (FETCH_BALANCES keeps deriving the balance from the account as first stored): ${stale.join('; ')}`);
    await assertEqualsTruth(d, sbx, psuID, { timeoutMs: 30000, label: 'polling only, after the clock moved 48h: ' });
  });
});
