// The engine at process level, with the deterministic `pager` fixture plugin
// (tests/abi/fixtures/pager.cpp): a 10-page fetch survives SIGKILL between pages with every item
// stored exactly once, SIGTERM exits 0 within 10 s and loses no task, retryable failures retry
// and succeed, a non-retryable failure is visible through the schedule instances.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, startDaemon, tempDir, eventually, cleanup, withLogsOnFailure, sqliteScalar, stepper, sleep } from './lib/harness.mjs';

const PAGER = join(BUILD, 'tests', 'fixtures', 'pager.so');
const running = [];
const dirs = [];

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

function pluginDir() {
  assert.ok(existsSync(PAGER), `${PAGER} is missing: build the cx_abi_fixtures target`);
  const dir = tempDir('cx-plugins-');
  dirs.push(dir);
  copyFileSync(PAGER, join(dir, 'pager.so'));
  return dir;
}

async function daemon(plugins, opts = {}) {
  const d = await startDaemon({ ...opts, extraArgs: ['--plugin-dir', plugins, ...(opts.extraArgs ?? [])] });
  running.push(d.proc);
  dirs.push(d.dataDir);
  return d;
}

async function installPager(d, name, config) {
  const r = await d.api.post('/connectors/install/pager', { name, pollingPeriod: '1h', ...config });
  assert.equal(r.status, 202, `install pager ${name}: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

/** The payments of one connector, fetched through the API (every page). */
const paymentsOf = (d, connectorID) => d.api.all('/payments', { $match: { connector_id: connectorID } });

/** Counts how many times each reference is stored; asserts p-0 … p-(n-1), each exactly once. */
function assertEachOnce(payments, n, what) {
  const counts = new Map();
  for (const p of payments) counts.set(p.reference, (counts.get(p.reference) ?? 0) + 1);
  const twice = [...counts].filter(([, c]) => c !== 1);
  assert.deepEqual(twice, [], `${what}: references stored more than once`);
  const want = Array.from({ length: n }, (_, i) => `p-${i}`).sort();
  assert.deepEqual([...counts.keys()].sort(), want, `${what}: the stored references`);
  for (const p of payments) {
    const i = Number(p.reference.slice(2));
    assert.equal(String(p.amount), String(100 + i), `${p.reference} amount`);
    assert.equal(p.asset, 'EUR/2');
    assert.equal(p.type, 'PAY-IN');
  }
}

/** Polls the first page (pageSize 100) until `pred(count)`; returns the count then. */
async function whenVisible(d, connectorID, pred, what, timeoutMs = 30000) {
  return eventually(async () => {
    const r = await d.api.get(`/payments?pageSize=100&query=${encodeURIComponent(JSON.stringify({ $match: { connector_id: connectorID } }))}`);
    if (r.status !== 200) throw new Error(`GET /payments: ${r.status} ${JSON.stringify(r.body)}`);
    const n = r.body.cursor.data.length;
    return pred(n) ? { n } : null;
  }, { timeoutMs, intervalMs: 25, what });
}

test('pager: SIGKILL between pages, then SIGTERM mid-fetch; every payment stored exactly once, no task lost', async (t) => {
  const plugins = pluginDir();
  let d = await daemon(plugins);
  const step = stepper(t);
  await withLogsOnFailure(() => [d], async () => {
    let first;

    await step('SIGKILL between pages and a restart on the same data dir: 100 payments, each once', async () => {
      first = await installPager(d, 'pager-kill', { pages: 10, delayMs: 300 });
      const { n } = await whenVisible(d, first, (c) => c >= 20 && c < 100, 'some but not all payments');
      d.proc.child.kill('SIGKILL');
      const exit = await d.proc.exited;
      assert.equal(exit.signal, 'SIGKILL');
      const stored = sqliteScalar(d.dataDir, 'SELECT count(*) FROM payments');
      if (stored !== null) {
        assert.ok(Number(stored) >= n && Number(stored) < 100, `killed mid-fetch: ${stored} payments stored at the kill`);
        assert.equal(Number(stored) % 10, 0, `pages are committed whole: ${stored} payments stored at the kill`);
        const state = sqliteScalar(d.dataDir, `SELECT state FROM fetch_states WHERE connector_id = '${first}' AND key = 'FETCH_PAYMENTS'`);
        assert.equal(JSON.parse(state).page * 10, Number(stored), `the committed fetch state ${state} matches the ${stored} stored payments`);
      }

      d = await daemon(plugins, { dataDir: d.dataDir, port: d.port });
      await whenVisible(d, first, (c) => c === 100, 'all 100 payments after the restart', 60000);
      await sleep(1000); // anything still running would store a duplicate now
      assertEachOnce(await paymentsOf(d, first), 100, 'after SIGKILL and restart');
      if (stored !== null) assert.equal(sqliteScalar(d.dataDir, 'SELECT count(*) FROM payments'), '100');
      if (stored !== null)
        assert.equal(sqliteScalar(d.dataDir, "SELECT count(*) FROM events WHERE type = 'SAVED_PAYMENT'"), '100',
          'one SAVED_PAYMENT event per payment');
    });

    await step('SIGTERM mid-fetch exits 0 within 10 s; after a restart the fetch completes', async () => {
      const second = await installPager(d, 'pager-term', { pages: 10, delayMs: 300 });
      await whenVisible(d, second, (c) => c >= 10 && c < 100, 'the second connector mid-fetch');
      const started = Date.now();
      d.proc.child.kill('SIGTERM');
      const exit = await Promise.race([d.proc.exited, sleep(10000).then(() => 'timeout')]);
      assert.notEqual(exit, 'timeout', 'connectivityd did not exit within 10 s of SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM in ${Date.now() - started} ms`);
      assert.match(d.proc.log(), /stopped cleanly/);
      const atStop = sqliteScalar(d.dataDir, `SELECT count(*) FROM payments WHERE connector_id = '${second}'`);
      if (atStop !== null) assert.ok(Number(atStop) < 100, `the fetch was still in flight at SIGTERM: ${atStop} stored`);

      d = await daemon(plugins, { dataDir: d.dataDir, port: d.port });
      await whenVisible(d, second, (c) => c === 100, 'the interrupted fetch to complete after the restart', 60000);
      await sleep(1000);
      assertEachOnce(await paymentsOf(d, second), 100, 'after SIGTERM and restart');
      assertEachOnce(await paymentsOf(d, first), 100, 'the first connector, untouched');
    });
    step.check();
  });
});

test('pager: retryable failures retry and succeed; a fatal page fails with its message in the schedule instance', async (t) => {
  const plugins = pluginDir();
  const d = await daemon(plugins);
  const step = stepper(t);
  await withLogsOnFailure(() => [d], async () => {
    const retrying = await installPager(d, 'pager-retry', { pages: 3, retryableFailures: 2 });
    const fatal = await installPager(d, 'pager-fatal', { pages: 3, fatalAtPage: 0 });

    await step('retryableFailures: 2 ends with every payment', async () => {
      await whenVisible(d, retrying, (c) => c === 30, 'all 30 payments despite two rate-limited calls', 60000);
      assertEachOnce(await paymentsOf(d, retrying), 30, 'after retries');
    });

    await step('fatalAtPage: 0 shows the failure through GET /connectors/{id}/schedules/{sid}/instances', async () => {
      const failed = await eventually(async () => {
        const schedules = await d.api.all(`/connectors/${fatal}/schedules`);
        for (const s of schedules) {
          assert.equal(s.connectorID, fatal);
          const instances = await d.api.all(`/connectors/${fatal}/schedules/${s.id}/instances`);
          const bad = instances.find((i) => i.error);
          if (bad) return { schedule: s, instance: bad };
        }
        return null;
      }, { timeoutMs: 30000, intervalMs: 200, what: 'a schedule instance with an error' });
      assert.match(failed.instance.error, /page 0 is malformed/, `instance error: ${JSON.stringify(failed.instance)}`);
      assert.equal(failed.instance.terminated, true, `a failed instance is terminated: ${JSON.stringify(failed.instance)}`);
      assert.equal((await paymentsOf(d, fatal)).length, 0, 'nothing stored from a connector whose first page fails');
    });
    step.check();
  });
});
