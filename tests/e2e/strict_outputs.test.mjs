// Strict outputs (sdk/README.md "What the host checks"): an op output that breaks its schema
// (sdk/schemas/<op>.response.json) fails the task with a message naming the op, the key (JSON
// pointer) and the connector, and nothing of that page is stored. The `faulty` fixture answers
// its account under a misspelt "acounts" key (missing_key) or with "hasMore": "yes"
// (wrong_type). Both isolation modes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, startDaemon, tempDir, eventually, cleanup, withLogsOnFailure } from './lib/harness.mjs';

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
  assert.ok(existsSync(join(FIXTURES, 'faulty.so')), 'faulty.so is missing: build the cx_abi_fixtures target');
  copyFileSync(join(FIXTURES, 'faulty.so'), join(dir, 'faulty.so'));
  return dir;
}

/** The error of the first failed run of connector id's schedules. */
async function failedRun(d, id) {
  for (const s of await d.api.all(`/connectors/${id}/schedules`)) {
    for (const i of await d.api.all(`/connectors/${id}/schedules/${s.id}/instances`)) {
      if (i.terminated && i.error) return i.error;
    }
  }
  return null;
}

for (const isolation of ['process', 'in-process']) {
  test(`${isolation}: an output that breaks its schema fails the task naming op, key and connector; nothing stored`, async () => {
    let d;
    await withLogsOnFailure(() => [d], async () => {
      d = await startDaemon({ extraArgs: ['--plugin-dir', pluginDir(), '--workers', '2', '--plugin-isolation', isolation] });
      running.push(d.proc);
      dirs.push(d.dataDir);
      const cases = [
        ['missing_key', /\/accounts: required key is missing/],
        ['wrong_type', /\/hasMore: /],
      ];
      const ids = {};
      for (const [fault] of cases) {
        const r = await d.api.post('/connectors/install/faulty', { name: `faulty-${fault}`, pollingPeriod: '1s', fault });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        ids[fault] = r.body.data;
      }
      for (const [fault, key] of cases) {
        const error = await eventually(() => failedRun(d, ids[fault]), { timeoutMs: 15000, intervalMs: 200, what: `failed ${fault} run` });
        const text = typeof error === 'string' ? error : JSON.stringify(error);
        assert.match(text, new RegExp(`fetch_accounts output of connector faulty-${fault} \\(provider faulty\\) violates its schema at `));
        assert.match(text, key);
        const accounts = await d.api.all('/accounts', { $match: { connector_id: ids[fault] } });
        assert.equal(accounts.length, 0, `${fault}: nothing stored`);
      }
      const health = await fetch(`${d.url}/_healthcheck`);
      assert.equal(health.status, 200);
    });
  });
}
