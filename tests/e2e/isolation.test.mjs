// Plugin isolation (sdk/README.md "When a plugin misbehaves") with the `faulty` fixture
// (tests/abi/fixtures/faulty.cpp) beside the healthy `pager`: a plugin that crashes (SIGSEGV,
// SIGABRT, _exit) is restarted and, past the crash budget, quarantined (field, /metrics, error
// log line, DELETE …/quarantine); one that exhausts its memory limit fails its op; one that
// floods stdout/stderr is not heard; a hung verify_webhook on the public route is answered
// within its bound however many requests wait. Throughout, /_healthcheck answers and the pager
// keeps its one-second polling. In-process, a crash takes the daemon down and the next start
// quarantines the connector instead of crash-looping; the quarantine outlives a restart and a
// replaced .so lifts it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, startDaemon, tempDir, eventually, cleanup, withLogsOnFailure, stepper, sleep } from './lib/harness.mjs';

const FIXTURES = join(BUILD, 'tests', 'fixtures');
const running = [];
const dirs = [];

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

function pluginDir() {
  const dir = tempDir('cx-plugins-');
  dirs.push(dir);
  for (const name of ['pager.so', 'faulty.so']) {
    assert.ok(existsSync(join(FIXTURES, name)), `${name} is missing: build the cx_abi_fixtures target`);
    copyFileSync(join(FIXTURES, name), join(dir, name));
  }
  return dir;
}

async function daemon(plugins, { dataDir, extraArgs = [] } = {}) {
  const d = await startDaemon({ dataDir, extraArgs: ['--plugin-dir', plugins, '--workers', '4', ...extraArgs] });
  running.push(d.proc);
  if (!dataDir) dirs.push(d.dataDir);
  return d;
}

async function install(d, provider, name, config = {}) {
  const r = await d.api.post(`/connectors/install/${provider}`, { name, pollingPeriod: '1s', ...config });
  assert.equal(r.status, 202, `install ${provider} ${name}: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

async function connector(d, id) {
  const all = await d.api.all('/connectors');
  return all.find((c) => c.id === id);
}

/** Runs of a connector's schedules so far (each periodic tick leaves one instance). */
async function runs(d, id) {
  const schedules = await d.api.all(`/connectors/${id}/schedules`);
  let n = 0;
  for (const s of schedules) n += (await d.api.all(`/connectors/${id}/schedules/${s.id}/instances`)).length;
  return n;
}

async function healthy(d) {
  const r = await fetch(`${d.url}/_healthcheck`, { signal: AbortSignal.timeout(2000) });
  return r.status === 200;
}

/** Children of pid (the runners of a daemon). */
function children(pid) {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) out.push({ pid: Number(p), pgrp: Number(fields[2]) });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

const accountsOf = (d, id) => d.api.all('/accounts', { $match: { connector_id: id } });

test('process isolation: crashes are contained, counted and quarantined; the healthy connector keeps polling', async (t) => {
  const step = stepper(t);
  let d;
  await withLogsOnFailure(() => [d], async () => {
    d = await daemon(pluginDir(), { extraArgs: ['--plugin-call-timeout', '3s'] });
    const pager = await install(d, 'pager', 'healthy-pager', { pages: 1 });

    await step('a runner is its own process group and holds only /dev/null and sockets', async () => {
      await eventually(async () => (await runs(d, pager)) >= 1, { timeoutMs: 10000, what: 'first pager run' });
      const kids = children(d.proc.child.pid);
      assert.ok(kids.length >= 1, 'a runner process per connector');
      for (const k of kids) {
        assert.equal(k.pgrp, k.pid, 'runner leads its own process group');
        for (const fd of readdirSync(`/proc/${k.pid}/fd`)) {
          const target = readlinkSync(`/proc/${k.pid}/fd/${fd}`);
          assert.ok(target === '/dev/null' || target.startsWith('socket:'), `runner fd ${fd} -> ${target}`);
        }
      }
    });

    for (const [fault, signal] of [['segv', 'SIGSEGV'], ['abort', 'SIGABRT'], ['exit', 'exit code 7']]) {
      await step(`${fault}: retried, then quarantined naming ${signal}; health and pager cadence hold`, async () => {
        const before = await runs(d, pager);
        const started = Date.now();
        const id = await install(d, 'faulty', `faulty-${fault}`, { fault });
        const c = await eventually(async () => {
          assert.ok(await healthy(d), '/_healthcheck answers');
          const c = await connector(d, id);
          return c?.quarantined ? c : null;
        }, { timeoutMs: 30000, intervalMs: 200, what: `faulty-${fault} quarantined` });
        assert.match(c.quarantine.reason, new RegExp(`3 faults within 10 minutes, last: .*${signal}`));
        // The pager polls every 1–1.5 s: during the faults it kept that pace.
        const elapsed = (Date.now() - started) / 1000;
        const pagerRuns = (await runs(d, pager)) - before;
        assert.ok(pagerRuns >= Math.floor(elapsed / 1.5) - 1, `pager ran ${pagerRuns} times in ${elapsed.toFixed(1)} s`);
        // Nothing of the faulty connector was stored.
        assert.equal((await accountsOf(d, id)).length, 0);
        const log = d.proc.log();
        assert.match(log, new RegExp(`faulty-${fault} \\(faulty, plugin .*faulty\\.so\\) quarantined: .*${signal}`));
        const metrics = await (await fetch(`${d.url}/metrics`, { headers: { authorization: `Bearer ${d.token}` } })).text();
        assert.match(metrics, new RegExp(`cx_connector_quarantined\\{[^}]*name="faulty-${fault}"[^}]*\\} 1`));
        // Quarantined: no more runs start.
        const frozen = await runs(d, id);
        await sleep(2500);
        assert.equal(await runs(d, id), frozen, 'a quarantined connector\'s schedules are paused');
        // Lifted by the operator (the data stays; the connector is uninstalled to end the test).
        assert.equal((await d.api.call('DELETE', `/connectors/${id}/quarantine`)).status, 204);
        assert.equal((await connector(d, id)).quarantined, false);
        assert.equal((await d.api.call('DELETE', `/connectors/${id}/quarantine`)).status, 404);
        assert.equal((await d.api.call('DELETE', `/connectors/${id}`)).status, 202);
      });
    }

    await step('alloc: the runner\'s address-space limit fails the op; the daemon is untouched', async () => {
      const id = await install(d, 'faulty', 'faulty-alloc', { fault: 'alloc' });
      await eventually(async () => {
        assert.ok(await healthy(d));
        const schedules = await d.api.all(`/connectors/${id}/schedules`);
        for (const s of schedules) {
          const inst = await d.api.all(`/connectors/${id}/schedules/${s.id}/instances`);
          if (inst.some((i) => i.terminated && i.error)) return true;
        }
        return false;
      }, { timeoutMs: 30000, intervalMs: 200, what: 'a failed faulty-alloc run' });
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d.proc.child.pid}/status`, 'utf8'))[1]);
      assert.ok(rss < 400 * 1024, `daemon RSS ${rss} kB`);
      assert.equal((await d.api.call('DELETE', `/connectors/${id}`)).status, 202);
    });

    await step('flood: 128 MiB on stdout/stderr never reaches the daemon\'s log; the op succeeds', async () => {
      const id = await install(d, 'faulty', 'faulty-flood', { fault: 'flood' });
      await eventually(async () => (await accountsOf(d, id)).length === 1, { timeoutMs: 30000, what: 'flood account' });
      assert.ok(d.proc.log().length < 4 << 20, 'daemon log stays small');
      assert.equal((await d.api.call('DELETE', `/connectors/${id}`)).status, 202);
    });

    await step('hang: a hung fetch is killed past its deadline (3 s cap) + grace and retried; 16 concurrent webhook verifications answered 503 within the bound; quarantined', async () => {
      const before = await runs(d, pager);
      const started = Date.now();
      const id = await install(d, 'faulty', 'faulty-hang', { fault: 'hang', hangMs: 60000 });
      const pending = Promise.all(Array.from({ length: 16 }, () =>
        fetch(`${d.url}/api/payments/v3/connectors/webhooks/${id}/hook`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(20000) })
          .then((r) => ({ status: r.status, ms: Date.now() - started }))));
      await sleep(1500);
      const h0 = Date.now();
      assert.ok(await healthy(d), '/_healthcheck answers while verifications hang');
      assert.ok(Date.now() - h0 < 1000, `health answered in ${Date.now() - h0} ms`);
      const answers = await pending;
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [503], 'every verification answered 503 (deliver again)');
      const slow = answers.filter((a) => a.ms > 2000).length;
      assert.ok(slow <= 2, `${slow} requests waited for the hung plugin (at most 2 per connector)`);
      assert.ok(Math.max(...answers.map((a) => a.ms)) < 6000, 'all answered within the 3 s cap + grace');
      const c = await eventually(async () => {
        assert.ok(await healthy(d));
        const c = await connector(d, id);
        return c?.quarantined ? c : null;
      }, { timeoutMs: 40000, intervalMs: 250, what: 'faulty-hang quarantined' });
      assert.match(c.quarantine.reason, /killed after (fetch_accounts|verify_webhook) ran past its deadline/);
      assert.match(d.proc.log(), /faulty-hang \(faulty\): plugin runner killed after fetch_accounts ran past its deadline and grace/);
      assert.match(d.proc.log(), /will retry: fetch_accounts exceeded its deadline; the plugin runner was killed/);
      const elapsed = (Date.now() - started) / 1000;
      const pagerRuns = (await runs(d, pager)) - before;
      assert.ok(pagerRuns >= Math.floor(elapsed / 1.5) - 1, `pager ran ${pagerRuns} times in ${elapsed.toFixed(1)} s`);
      assert.equal((await accountsOf(d, id)).length, 0);
    });
    step.check();
  });
});

test('in-process: a crash ends the daemon, and the next start quarantines that connector', async (t) => {
  const step = stepper(t);
  let d;
  const plugins = pluginDir();
  const dataDir = tempDir('cx-data-');
  dirs.push(dataDir);
  await withLogsOnFailure(() => [d], async () => {
    let id;
    await step('segv in-process kills the daemon', async () => {
      d = await daemon(plugins, { dataDir, extraArgs: ['--plugin-isolation', 'in-process'] });
      assert.equal(children(d.proc.child.pid).length, 0, 'no runner in-process');
      id = await install(d, 'faulty', 'faulty-inproc', { fault: 'segv' });
      const exit = await Promise.race([d.proc.exited, sleep(15000).then(() => null)]);
      assert.ok(exit, 'the daemon died');
      assert.equal(exit.signal, 'SIGSEGV');
    });
    await step('restarted, the connector is quarantined and the daemon stays up', async () => {
      d = await daemon(plugins, { dataDir, extraArgs: ['--plugin-isolation', 'in-process'] });
      const pager = await install(d, 'pager', 'healthy-pager-2', { pages: 1 });
      const c = await connector(d, id);
      assert.equal(c.quarantined, true);
      assert.match(c.quarantine.reason, /fetch_accounts was running in-process/);
      await sleep(4000);
      assert.equal(d.proc.child.exitCode, null, 'still running');
      assert.ok(await healthy(d));
      assert.ok((await runs(d, pager)) >= 2, 'the healthy connector polls');
    });
    await step('a clean restart keeps the quarantine (kept in the data directory)', async () => {
      assert.equal((await d.proc.stop()).code, 0);
      d = await daemon(plugins, { dataDir, extraArgs: ['--plugin-isolation', 'in-process'] });
      assert.equal((await connector(d, id)).quarantined, true);
      await sleep(2000);
      assert.equal(d.proc.child.exitCode, null, 'still running');
    });
    await step('a replaced .so lifts it at start; isolated, the same crash is then contained', async () => {
      assert.equal((await d.proc.stop()).code, 0);
      appendFileSync(join(plugins, 'faulty.so'), Buffer.from('rebuilt'));  // another digest, same code
      d = await daemon(plugins, { dataDir });
      assert.match(d.proc.log(), /faulty-inproc \(faulty\): quarantine lifted, its plugin .*faulty\.so was replaced/);
      assert.equal((await connector(d, id)).quarantined, false);
      await eventually(async () => (await connector(d, id)).quarantined, { timeoutMs: 30000, what: 'quarantined again, isolated' });
      assert.ok(await healthy(d));
    });
    step.check();
  });
});
