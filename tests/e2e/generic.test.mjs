// The generic connector end to end: connectivityd polls the reference integration service
// (connectivity-sandbox generic) and what it stores must equal the service's truth exactly —
// after the first poll, after the service's clock moves (pending transactions settle, new ones
// arrive), and while 10% of the service's answers are 429s and 10% are 5xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startDaemon, cleanup } from './lib/harness.mjs';
import { Console, waitForEqual, summary } from './lib/generic.mjs';
import { personalStrings, scanDir } from './lib/markers.mjs';

const API_KEY = 'e2e-generic-key';

/** One stage of the scenario; a failure names the stage and stops the test (later stages depend on it). */
async function step(t, name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    e.message = `[${name}] ${e.message}`;
    throw e;
  }
  t.diagnostic(`ok: ${name} (${Date.now() - t0} ms)`);
}

test('generic connector: stored accounts, balances, beneficiaries and payments equal the service', { timeout: 240000 }, async (t) => {
  let sandbox, daemon;
  try {
    sandbox = await startSandbox('generic', ['--api-key', API_KEY, '--seed', '7', '--transactions', '2500']);
    daemon = await startDaemon();
    const console_ = new Console(sandbox.url);
    const started = Date.now();

    // A wrong key is refused by the service (the connector would see 401).
    const denied = await fetch(`${sandbox.url}/accounts?page=1&pageSize=1`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(denied.status, 401);

    const install = await daemon.api.post('/connectors/install/generic', {
      name: 'generic-e2e', apiKey: API_KEY, endpoint: sandbox.url, pollingPeriod: '2s',
    });
    assert.equal(install.status, 202, JSON.stringify(install.body));
    const connectorID = install.body.data;
    assert.ok(connectorID, 'install answers the connector id');
    const listed = await daemon.api.get('/connectors');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.cursor.data.some((c) => c.id === connectorID && c.provider === 'generic'),
      `the installed connector is listed: ${JSON.stringify(listed.body)}`);

    // Balances are checked apart after the first poll, so that stale balances are reported once,
    // at the end, without hiding whether everything else keeps up.
    const ALL_BUT_BALANCES = ['accounts', 'beneficiaries', 'payments'];
    const staleBalances = [];
    const checkBalances = async (when) => {
      try {
        await waitForEqual(daemon, console_, { model, only: ['balances'], timeoutMs: 12000, what: `balances ${when}` });
      } catch (e) {
        staleBalances.push(e.message);
        t.diagnostic(`NOT EQUAL: ${e.message}`);
      }
    };
    let model;  // the last expected view: remembers which transaction of a payment was seen first
    await step(t, 'first poll: everything the service serves is stored, exactly', async () => {
      const { want } = await waitForEqual(daemon, console_, { timeoutMs: 60000, what: 'first poll' });
      model = want;
      t.diagnostic(`first poll equal after ${Date.now() - started} ms: ${summary(want)}`);
      assert.ok(want.accounts.size >= 6 && want.beneficiaries.size >= 30 && want.transactions >= 2500);
      assert.ok(want.adjustments.size > 0, 'the seed has refunds (relatedTransactionID)');
      assert.ok([...want.payments.values()].some((p) => p.status === 'PENDING'), 'the seed has pending transactions');
      assert.ok(new Set([...want.balances.keys()].map((k) => k.split(' ')[1])).size >= 2, 'several currencies');
      // The ingest counter benchmarks read: one insertion per stored payment, no more.
      const metrics = await (await fetch(`${daemon.url}/metrics`, { headers: { authorization: `Bearer ${daemon.token}` } })).text();
      const inserted = metrics.split('\n').find((l) => l.startsWith('cx_items_stored_total{') &&
        l.includes('kind="payment"') && l.includes('change="inserted"'));
      assert.ok(inserted, `cx_items_stored_total for inserted payments is exposed:\n${metrics}`);
      assert.equal(Number(inserted.split(' ').pop()), want.payments.size, inserted);
    });

    await step(t, 'no name, account number or secret of the service is in any file of the data directory', async () => {
      const truth = await console_.truth();
      const strings = personalStrings(truth, [API_KEY, daemon.token]);
      assert.ok(strings.length > 30, `the truth has personal strings to look for (${strings.length})`);
      assert.ok(truth.accounts.every((a) => strings.includes(a.metadata.accountNumber)), 'account numbers are looked for');
      const { hits, files } = await scanDir(daemon.dataDir, strings);
      assert.ok(files.includes('connectivity.db') && files.includes('connectivityd.log'), `scanned: ${files}`);
      assert.deepEqual(hits, [], `personal data on disk in clear: ${JSON.stringify(hits.slice(0, 20))}`);
    });

    await step(t, 'the clock advances: pending ones settle, new ones arrive, the next poll stores them', async () => {
      const before = await console_.truth();
      const adv = await console_.advance({ duration: '2d' });
      assert.ok(adv.settled > 0, `some pending transactions settled: ${JSON.stringify(adv)}`);
      assert.ok(adv.added > 0, `new transactions were created: ${JSON.stringify(adv)}`);
      const after = await console_.truth();
      assert.ok(after.transactions.length > before.transactions.length);
      const t0 = Date.now();
      const { want } = await waitForEqual(daemon, console_, { model, only: ALL_BUT_BALANCES, timeoutMs: 60000, what: 'after the clock advanced' });
      model = want;
      t.diagnostic(`equal ${Date.now() - t0} ms after the advance (${adv.settled} settled, ${adv.added} added): ${summary(want)}`);
      await checkBalances('after the clock advanced (+2d)');
    });

    await step(t, 'with 10% 429 and 10% 5xx from the service, still equal', async () => {
      const s0 = await console_.stats();
      await console_.faults({ rate429: 0.1, rate5xx: 0.1, retryAfterSeconds: 1 });
      try {
        // Two rounds of changes made while faults are on, each followed by polls through the faults.
        for (const duration of ['1d', '6h']) {
          const adv = await console_.advance({ duration });
          assert.ok(adv.added > 0 || adv.settled > 0, `the service changed: ${JSON.stringify(adv)}`);
          const t0 = Date.now();
          ({ want: model } = await waitForEqual(daemon, console_, { model, only: ALL_BUT_BALANCES, timeoutMs: 90000, intervalMs: 1000, what: `under faults, after +${duration}` }));
          t.diagnostic(`+${duration}: equal ${Date.now() - t0} ms after the advance (${adv.settled} settled, ${adv.added} added)`);
          await checkBalances(`under faults, after +${duration}`);
        }
        const s1 = await console_.stats();
        t.diagnostic(`injected during the faults: ${s1.injected429 - s0.injected429} 429s, ${s1.injected5xx - s0.injected5xx} 5xx over ${s1.requests - s0.requests} requests`);
        assert.ok(s1.injected429 > s0.injected429, 'some 429s were injected');
        assert.ok(s1.injected5xx > s0.injected5xx, 'some 5xx were injected');
      } finally {
        await console_.resetFaults();
      }
      // Faults off: one more poll round must leave everything as it is (no duplicate, no loss).
      await waitForEqual(daemon, console_, { model, only: ALL_BUT_BALANCES, timeoutMs: 30000, what: 'after the faults stopped' });
    });
    assert.deepEqual(staleBalances, [], 'the stored balances follow the service after later polls');
  } catch (e) {
    for (const p of [sandbox, daemon?.proc]) {
      if (!p?.log) continue;
      const log = p.log();
      console.error(`----- ${p.name} log (${p.logPath}), last 150 lines -----\n${log.split('\n').slice(-150).join('\n')}`);
    }
    throw e;
  } finally {
    await daemon?.proc.stop();
    await sandbox?.stop();
    if (daemon) cleanup(daemon.dataDir);
  }
});
