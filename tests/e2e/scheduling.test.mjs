// Scheduling discipline (sdk/README.md "When a plugin misbehaves") with the `remote` fixture
// (tests/abi/fixtures/remote.cpp), whose every fetch is answered by this test's HTTP server, so
// the server sees each request the daemon's connectors make, when, and how many at once:
// - a 429 with Retry-After: 3 pauses every schedule of that connector for 3 s, without spending
//   attempts, while a healthy connector keeps polling;
// - hasMore: true with an unchanged state fails the run, naming the op and the connector;
// - a task that keeps failing is retried up to --task-max-attempts, and while it retries its task
//   and its schedule's open run show the attempts, the next attempt time and the last error;
// - a page slower than the task lease never runs twice at once (the lease is renewed);
// - fairness: with 12 connectors whose op takes 2 s and the default --workers, a connector
//   installed afterwards gets its first fetch within one second, and no connector holds more
//   than its share (--connector-max-concurrency, default max(1, workers / 4)) of the workers.
// Throughout, /_healthcheck answers and the healthy connector keeps its cadence.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, startDaemon, tempDir, eventually, cleanup, withLogsOnFailure, stepper, sleep } from './lib/harness.mjs';

const FIXTURES = join(BUILD, 'tests', 'fixtures');
const running = [];
const servers = [];
const dirs = [];

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  for (const s of servers) s.closeAllConnections?.(), s.close();
  cleanup(...dirs);
});

const ACCOUNT = { reference: 'acc-1', createdAt: '2024-01-01T00:00:00Z', name: 'Account 1', defaultAsset: 'EUR/2', metadata: {}, raw: {} };
const page = (op, extra = {}) => ({ ...(op === 'fetch_accounts' ? { accounts: [ACCOUNT] } : { payments: [] }), newState: null, hasMore: false, ...extra });

/**
 * The providers of every remote connector: behave(name, op, state) → {status?, headers?, body?,
 * delayMs?} (default: one page, at once). Every request is recorded in `hits` with its start and
 * end (ms since epoch); `inFlight` counts requests open now per connector name and `peak` the most.
 */
async function provider(behave) {
  const p = { hits: [], inFlight: new Map(), peak: new Map() };
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const op = req.url.slice(1);
      let name = '?', state = null;
      try { ({ name, state } = JSON.parse(body)); } catch { /* recorded as "?" */ }
      const hit = { name, op, state, at: Date.now(), end: null };
      p.hits.push(hit);
      const open = (p.inFlight.get(name) ?? 0) + 1;
      p.inFlight.set(name, open);
      p.peak.set(name, Math.max(p.peak.get(name) ?? 0, open));
      const b = behave(name, op, state, p.hits.filter((h) => h.name === name && h.op === op).length) ?? {};
      if (b.delayMs) await sleep(b.delayMs);
      hit.end = Date.now();
      hit.status = b.status ?? 200;
      p.inFlight.set(name, p.inFlight.get(name) - 1);
      res.writeHead(hit.status, { 'content-type': 'application/json', ...(b.headers ?? {}) });
      res.end(JSON.stringify(b.body ?? page(op)));
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  servers.push(srv);
  p.url = `http://127.0.0.1:${srv.address().port}`;
  p.of = (name, op) => p.hits.filter((h) => h.name === name && (!op || h.op === op));
  return p;
}

function pluginDir() {
  const dir = tempDir('cx-plugins-');
  dirs.push(dir);
  assert.ok(existsSync(join(FIXTURES, 'remote.so')), 'remote.so is missing: build the cx_abi_fixtures target');
  copyFileSync(join(FIXTURES, 'remote.so'), join(dir, 'remote.so'));
  return dir;
}

async function daemon(extraArgs = []) {
  const d = await startDaemon({ extraArgs: ['--plugin-dir', pluginDir(), ...extraArgs] });
  running.push(d.proc);
  dirs.push(d.dataDir);
  return d;
}

async function install(d, p, name, pollingPeriod = '1s') {
  const r = await d.api.post('/connectors/install/remote', { name, pollingPeriod, baseUrl: p.url });
  assert.equal(r.status, 202, `install ${name}: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

async function healthy(d) {
  const r = await fetch(`${d.url}/_healthcheck`, { signal: AbortSignal.timeout(2000) });
  return r.status === 200;
}

/** The schedule instances of a connector, each with its schedule id. */
async function instances(d, id) {
  const out = [];
  for (const s of await d.api.all(`/connectors/${id}/schedules`))
    for (const i of await d.api.all(`/connectors/${id}/schedules/${s.id}/instances`)) out.push({ ...i, schedule: s.id });
  return out;
}

/** Asserts the healthy connector polled at its 1–1.5 s period since `since` (ms). */
function assertCadence(p, name, since) {
  const elapsed = (Date.now() - since) / 1000;
  const polls = p.of(name, 'fetch_accounts').filter((h) => h.at >= since).length;
  assert.ok(polls >= Math.floor(elapsed / 1.5) - 1, `${name} polled ${polls} times in ${elapsed.toFixed(1)} s`);
}

test('pause, hasMore forever, attempt cap and lease renewal; the healthy connector keeps its cadence', async (t) => {
  const step = stepper(t);
  let d;
  let limitedAt = 0;
  const p = await provider((name, op, state, n) => {
    if (name === 'limited' && limitedAt === 0) {
      limitedAt = Date.now();
      return { status: 429, headers: { 'retry-after': '3' }, body: { error: 'slow down' } };
    }
    if (name === 'looper' && op === 'fetch_accounts') return { body: page(op, { newState: { cursor: 1 }, hasMore: true }) };
    if (name === 'broken' && op === 'fetch_accounts') return { status: 500, body: { error: 'down' } };
    if (name === 'slowpoke' && op === 'fetch_accounts' && n === 1) return { delayMs: 4000 };
    return {};
  });
  await withLogsOnFailure(() => [d], async () => {
    // A short lease (renewed every 500 ms) and room for two tasks per connector, so a lost lease
    // would show as a second request of the same run.
    d = await daemon(['--task-max-attempts', '3', '--task-lease', '1500ms', '--connector-max-concurrency', '2']);
    const started = Date.now();
    await install(d, p, 'steady');
    await eventually(() => p.of('steady').length >= 2, { timeoutMs: 10000, what: 'steady polls' });

    await step('429 + Retry-After: 3 pauses every schedule of the connector for 3 s, without spending attempts', async () => {
      const id = await install(d, p, 'limited');
      await eventually(() => limitedAt > 0, { timeoutMs: 10000, what: 'the 429' });
      // Both schedules (accounts, payments) resume after the pause.
      await eventually(() => p.of('limited', 'fetch_accounts').length >= 2 && p.of('limited', 'fetch_payments').length >= 1,
        { timeoutMs: 10000, intervalMs: 50, what: 'limited resumed' });
      assert.ok(await healthy(d));
      // A request already on its way when the 429 came back may land just after it; none later.
      const during = p.of('limited').filter((h) => h.at > limitedAt + 300 && h.at < limitedAt + 2900);
      assert.deepEqual(during.map((h) => `${h.op} +${h.at - limitedAt} ms`), [], 'no request during the pause');
      const resumed = p.of('limited').filter((h) => h.at > limitedAt + 300)[0];
      assert.ok(resumed.at - limitedAt < 5000, `resumed ${resumed.at - limitedAt} ms after the 429`);
      assert.match(d.proc.log(), /connector "limited" \(remote\): rate limited by its provider; every task of it paused for 3\d\d\d ms/);
      // The waiting cost no attempt: the first run of the other schedule took one attempt, the
      // rate-limited one two (the 429, then its retry).
      const firstOp = p.of('limited')[0].op;
      const firsts = new Map();
      for (const i of (await instances(d, id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
        if (!firsts.has(i.schedule)) firsts.set(i.schedule, (await d.api.get(`/tasks/${i.taskID}`)).body.data);
      const attempts = [...firsts.values()].map((task) => task.attempts).sort();
      assert.deepEqual(attempts, [1, 2], `first runs' attempts (429 on ${firstOp})`);
      assertCadence(p, 'steady', started);
    });

    await step('hasMore: true with an unchanged state fails the run, naming the op and the connector', async () => {
      const id = await install(d, p, 'looper');
      const failed = await eventually(async () => (await instances(d, id)).find((i) => i.terminated && i.error),
        { timeoutMs: 10000, what: 'the looper run failed' });
      assert.match(failed.error, /fetch_accounts of connector "looper" \(remote\) returned hasMore: true with an unchanged newState/);
      // One page with a new state, then the same state again: two requests per run, not thousands.
      const runs = (await instances(d, id)).filter((i) => i.terminated && i.error).length;
      assert.ok(p.of('looper', 'fetch_accounts').length <= 2 * runs + 2, `${p.of('looper', 'fetch_accounts').length} requests for ${runs} runs`);
      assert.ok(await healthy(d));
      assert.equal((await d.api.call('DELETE', `/connectors/${id}`)).status, 202);
    });

    await step('a failing task shows attempts, next attempt and last error while it retries, then fails at the cap', async () => {
      const stepStart = Date.now();
      const id = await install(d, p, 'broken', '1m');
      const open = await eventually(async () => (await instances(d, id)).find((i) => !i.terminated && i.attempts >= 1 && i.nextAttemptAt),
        { timeoutMs: 10000, intervalMs: 50, what: 'a retrying run' });
      assert.equal(open.lastError, 'provider answered 500');
      assert.ok(Date.parse(open.nextAttemptAt) > Date.now() - 1000, `next attempt ${open.nextAttemptAt}`);
      const task = (await d.api.get(`/tasks/${open.taskID}`)).body.data;
      assert.equal(task.status, 'PROCESSING');
      assert.equal(task.error, 'provider answered 500');
      assert.ok(task.attempts >= 1 && task.attempts <= 3);
      const done = await eventually(async () => {
        const t = (await d.api.get(`/tasks/${open.taskID}`)).body.data;
        return t.status === 'FAILED' ? t : null;
      }, { timeoutMs: 15000, intervalMs: 200, what: 'the broken task failed' });
      assert.equal(done.attempts, 3);
      assert.match(done.error, /^gave up after 3 attempts: provider answered 500/);
      assert.equal(done.nextAttemptAt, undefined);
      assert.equal(p.of('broken', 'fetch_accounts').length, 3, 'three attempts reached the provider');
      const closed = (await instances(d, id)).find((i) => i.id === open.id);
      assert.ok(closed.terminated && /gave up after 3 attempts/.test(closed.error));
      assert.ok(await healthy(d));
      assertCadence(p, 'steady', stepStart);
      assert.equal((await d.api.call('DELETE', `/connectors/${id}`)).status, 202);
    });

    await step('a page slower than the lease (4 s vs 1.5 s) runs once: its lease is renewed while the op runs', async () => {
      const stepStart = Date.now();
      const id = await install(d, p, 'slowpoke', '1m');
      await eventually(() => p.of('slowpoke', 'fetch_accounts')[0]?.end, { timeoutMs: 10000, intervalMs: 100, what: 'the slow page' });
      await sleep(1000);  // room for a second lease of the same run, had the first expired
      assert.equal(p.of('slowpoke', 'fetch_accounts').length, 1, 'one request: no second lease of the same run');
      const run = await eventually(async () => {
        const accounts = await d.api.all('/accounts', { $match: { connector_id: id } });
        const done = (await instances(d, id)).find((i) => i.terminated && !i.error && accounts.length === 1);
        return done ? (await d.api.get(`/tasks/${done.taskID}`)).body.data : null;
      }, { timeoutMs: 5000, what: 'the slow run stored' });
      assert.ok(run.status === 'SUCCEEDED');
      assert.ok(await healthy(d));
      assertCadence(p, 'steady', stepStart);
    });
    step.check();
  });
});

test('fairness: with 12 slow connectors, a newly installed connector fetches within a second', async (t) => {
  const step = stepper(t);
  let d;
  const p = await provider((name) => (name.startsWith('slow-') ? { delayMs: 2000 } : {}));
  await withLogsOnFailure(() => [d], async () => {
    d = await daemon();  // --workers and --connector-max-concurrency at their defaults (4, 1)
    await step('12 connectors whose every op takes 2 s saturate the workers; each holds at most one', async () => {
      // The first four arrive half a second apart, as they would under real traffic, so the
      // workers' ops end at different times; the other eight at once.
      for (let i = 1; i <= 12; i++) {
        await install(d, p, `slow-${i}`);
        if (i < 4) await sleep(500);
      }
      // Steady state: every slow connector has had its turn (a round takes 12 × 2 s / 4 = 6 s).
      await eventually(() => Array.from({ length: 12 }, (_, i) => p.of(`slow-${i + 1}`).length).every((n) => n >= 1),
        { timeoutMs: 15000, what: 'every slow connector fetched once' });
      for (let i = 1; i <= 12; i++) assert.ok((p.peak.get(`slow-${i}`) ?? 0) <= 1, `slow-${i} ran ${p.peak.get(`slow-${i}`)} ops at once`);
      const open = [...p.inFlight.values()].reduce((a, b) => a + b, 0);
      assert.equal(open, 4, 'every worker is busy with a slow op');
    });

    await step('a connector installed now gets its first fetch within one second', async () => {
      const t0 = Date.now();
      await install(d, p, 'newcomer');
      const first = await eventually(() => p.of('newcomer')[0], { timeoutMs: 10000, intervalMs: 10, what: 'newcomer fetch' });
      const waited = first.at - t0;
      t.diagnostic(`fairness: newcomer's first fetch started ${waited} ms after its install was answered`);
      assert.ok(waited < 1000, `first fetch after ${waited} ms`);
      // And it keeps getting its turn: both its schedules ran within the next few seconds.
      await eventually(() => p.of('newcomer', 'fetch_accounts').length >= 2 && p.of('newcomer', 'fetch_payments').length >= 1,
        { timeoutMs: 8000, what: 'newcomer keeps its turn' });
      assert.ok(await healthy(d));
      for (const [name, n] of p.peak) assert.ok(n <= 1, `${name} ran ${n} ops at once`);
    });
    step.check();
  });
});
