// The operator CLI's pools, reconciliation and webhooks verbs end to end, through the CLI alone
// against a real connectivityd: a loopback receiver subscribed with `webhooks configs create`
// gets the accounts the generic connector syncs (`deliveries list` agrees; a refused one is
// replayed), then a rotated secret and an updated endpoint; a STATIC pool of
// those accounts shows the sandbox's balances as decimals; a reconciliation policy against the
// ledger emulator reconciles OK, then NOT_OK once the ledger drifts. Only the ledger's own
// postings and the sandbox's truth are read with fetch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, startSandbox, eventually, cleanup, withLogsOnFailure, tempDir } from './lib/harness.mjs';
import { cli, ok, envOf, itemsOf, decimal } from './lib/cli.mjs';
import { Receiver } from './lib/webhook_receiver.mjs';

const API_KEY = 'cli-features-key';
const LEDGER = 'main';
const running = [];
const dirs = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

const cells = (line) => line.split(/ {2,}/);
/** The table line whose first cell is `id`. */
const lineOf = (table, id) => table.split('\n').find((l) => cells(l)[0] === id);

async function ledgerCall(ledger, method, path, body) {
  const res = await fetch(ledger.url + path, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.status < 300, `ledger ${method} ${path}: ${res.status} ${await res.text()}`);
}

test('pools, reconciliation and webhooks through the CLI', { timeout: 90000 }, async () => {
  const sbx = await startSandbox('generic', ['--api-key', API_KEY, '--seed', '5', '--transactions', '40']);
  running.push(sbx);
  const ledger = await startSandbox('ledger');
  running.push(ledger);
  const rcv = await Receiver.start();
  running.push({ stop: () => rcv.stop() });
  const d = await startDaemon({ extraArgs: ['--ledger-url', ledger.url, '--webhooks-allow-insecure', '--webhooks-poll-interval', '50ms'] });
  running.push(d.proc);
  dirs.push(d.dataDir);
  const work = tempDir('cx-cli-');
  dirs.push(work);
  const env = envOf(d);

  await withLogsOnFailure(() => [d, sbx, ledger], async () => {
    // Webhooks: subscribe, list, test.
    const created = await ok(['webhooks', 'configs', 'create', '--endpoint', rcv.url, '--event-type', 'payments.saved_account'], { env });
    const configID = cells(created.split('\n')[1])[0];
    assert.match(configID, /^[0-9a-f-]{36}$/, created);
    rcv.secret = created.match(/^secret {2}(\S+)$/m)?.[1];
    assert.ok(rcv.secret, `the secret is printed once: ${created}`);
    const listed = await ok(['webhooks', 'configs', 'list'], { env });
    assert.match(listed, /^ID +ENDPOINT +STATE +EVENT TYPES +UPDATED$/m);
    assert.deepEqual(cells(lineOf(listed, configID)).slice(1, 4), [rcv.url, 'active', 'payments.saved_account']);
    const tested = await ok(['webhooks', 'configs', 'test', configID], { env });
    assert.match(tested, /^success +200 +http:/m, tested);
    assert.equal(rcv.requests.filter((r) => r.test === 'true').length, 1, 'the test ping reached the receiver');

    // The generic connector syncs; every saved account is delivered (the first refused with 400,
    // final until replayed).
    rcv.next = [400];
    writeFileSync(join(work, 'generic.json'), JSON.stringify({ name: 'generic-feat', pollingPeriod: '2m', apiKey: API_KEY, endpoint: sbx.url }));
    await ok(['connectors', 'install', 'generic', join(work, 'generic.json')], { env });
    const truth = await (await fetch(`${sbx.url}/sandbox/console/truth`)).json();
    const internal = await eventually(async () => {
      const items = itemsOf(await ok(['accounts', 'list', '--connector', 'generic-feat', '--type', 'INTERNAL', '--all', '--json'], { env }));
      return items.length === truth.accounts.length ? items : null;
    }, { timeoutMs: 30000, intervalMs: 300, what: 'the sandbox accounts' });
    const allAccounts = itemsOf(await ok(['accounts', 'list', '--connector', 'generic-feat', '--all', '--json'], { env }));
    const deliveries = await eventually(async () => {
      const items = itemsOf(await ok(['webhooks', 'deliveries', 'list', '--config', configID, '--all', '--json'], { env }));
      const done = items.filter((x) => x.status === 'succeeded' || x.status === 'failed');
      return items.length === allAccounts.length && done.length === items.length ? items : null;
    }, { timeoutMs: 20000, intervalMs: 200, what: `${allAccounts.length} finished deliveries` });
    const failed = deliveries.filter((x) => x.status === 'failed');
    assert.equal(failed.length, 1, JSON.stringify(deliveries));
    const failedTable = await ok(['webhooks', 'deliveries', 'list', '--status', 'failed'], { env });
    assert.equal(failedTable.trimEnd().split('\n').length, 2, failedTable);
    assert.match(lineOf(failedTable, failed[0].id), / failed +1 +400 /);
    assert.match(await ok(['webhooks', 'deliveries', 'replay', failed[0].id], { env }), new RegExp(`^${failed[0].id} +${configID} `, 'm'));
    await eventually(async () => JSON.parse(await ok(['webhooks', 'deliveries', 'get', failed[0].id, '--json'], { env })).data.status === 'succeeded',
      { timeoutMs: 10000, intervalMs: 200, what: 'the replayed delivery to succeed' });
    const attempts = (await ok(['webhooks', 'deliveries', 'attempts', failed[0].id], { env })).trimEnd().split('\n');
    assert.deepEqual(attempts.slice(1).map((l) => cells(l).slice(0, 4)), [['1', '1', 'succeeded', '200'], ['1', '0', 'permanent_failure', '400']]);
    assert.deepEqual(new Set(rcv.events().map((e) => e.json.payload.id)), new Set(allAccounts.map((a) => a.id)));
    assert.equal(rcv.badSignatures, 0, 'every request is signed with the printed secret');
    const dtable = await ok(['webhooks', 'deliveries', 'list', '--config', configID, '--status', 'succeeded', '--all'], { env });
    assert.match(dtable, /^ID +CONFIG +EVENT TYPE +STATUS +ATTEMPTS +LAST HTTP +CREATED$/m);
    assert.match(lineOf(dtable, deliveries[0].id), new RegExp(`^\\S+ +${configID} +payments\\.saved_account +succeeded +1 +200 `));
    const delivered = deliveries.find((x) => x.status === 'succeeded');
    assert.match(await ok(['webhooks', 'deliveries', 'attempts', delivered.id], { env }), /^1 +0 +succeeded +200 /m);
    // A new secret from a file (never the command line), a new endpoint path: the receiver checks
    // the next test ping's signature with it.
    writeFileSync(join(work, 'hook.secret'), 'Y2xpLWZlYXR1cmVzLXNlY3JldC0yNGJ5\n', { mode: 0o600 });
    const rotated = await ok(['webhooks', 'configs', 'change-secret', configID, '--secret-file', join(work, 'hook.secret')], { env });
    assert.match(rotated, /^secret {2}Y2xpLWZlYXR1cmVzLXNlY3JldC0yNGJ5$/m);
    rcv.secret = 'Y2xpLWZlYXR1cmVzLXNlY3JldC0yNGJ5';
    await ok(['webhooks', 'configs', 'update', configID, '--endpoint', rcv.url + '?v=2', '--event-type', 'payments.saved_account',
      '--event-type', 'payments.saved_payment'], { env });
    assert.deepEqual(cells(lineOf(await ok(['webhooks', 'configs', 'list'], { env }), configID)).slice(1, 4),
      [rcv.url + '?v=2', 'active', 'payments.saved_account,payments.saved_payment']);
    await ok(['webhooks', 'configs', 'test', configID], { env });
    assert.equal(rcv.badSignatures, 0, 'the test ping is signed with the new secret');
    // Deactivated: listed inactive.
    await ok(['webhooks', 'configs', 'deactivate', configID], { env });
    assert.equal(cells(lineOf(await ok(['webhooks', 'configs', 'list'], { env }), configID))[2], 'inactive');

    // Pools: a STATIC pool of the internal accounts; its balances are the sandbox's, summed per asset.
    const poolID = (await ok(['pools', 'create', '--name', 'psp-cash', ...internal.flatMap((a) => ['--account', a.id])], { env })).trim();
    assert.match(poolID, /^[0-9a-f-]{36}$/);
    const pools = await ok(['pools', 'list'], { env });
    assert.deepEqual(cells(lineOf(pools, poolID)).slice(1, 4), ['psp-cash', 'STATIC', String(internal.length)]);
    const want = {};
    for (const b of truth.balances) for (const x of b.balances) {
      const asset = x.currency.includes('/') ? x.currency : `${x.currency}/0`;
      want[asset] = String(BigInt(want[asset] ?? 0) + BigInt(x.amount));
    }
    const balances = await eventually(async () => {
      const got = JSON.parse(await ok(['pools', 'balances', poolID, '--json'], { env })).data;
      const m = Object.fromEntries(got.map((b) => [b.asset, String(b.amount)]));
      return JSON.stringify(Object.entries(m).sort()) === JSON.stringify(Object.entries(want).sort()) ? m : null;
    }, { timeoutMs: 30000, intervalMs: 300, what: 'pool balances = sandbox balances' });
    const btable = await ok(['pools', 'balances', poolID], { env });
    for (const [asset, amount] of Object.entries(balances))
      assert.match(btable, new RegExp(`^${asset.replace('/', '\\/')} +${decimal(amount, asset).replace('.', '\\.')} +\\d+$`, 'm'), btable);

    // Reconciliation: the ledger books the same balances; OK, then one posting makes it drift.
    await ledgerCall(ledger, 'POST', `/v2/${LEDGER}`, {});
    const post = (delta, reference) => {
      const postings = Object.entries(delta).filter(([, a]) => BigInt(a) !== 0n).map(([asset, a]) => {
        const account = 'psp:' + asset.replace('/', '_').toLowerCase();
        return BigInt(a) > 0n ? { source: 'world', destination: account, amount: Number(BigInt(a)), asset }
          : { source: account, destination: 'world', amount: Number(-BigInt(a)), asset };
      });
      return ledgerCall(ledger, 'POST', `/v2/${LEDGER}/transactions?force=true`,
        { postings, timestamp: new Date(Date.now() - 3600_000).toISOString(), reference });
    };
    await post(balances, 'opening');
    const policyID = (await ok(['reconciliation', 'policies', 'create', '--name', 'psp-vs-ledger', '--ledger', LEDGER,
      '--pool', poolID, '--ledger-query', JSON.stringify({ $match: { address: 'world' } })], { env })).trim();
    assert.match(policyID, /^[0-9a-f-]{36}$/);
    const policies = await ok(['reconciliation', 'policies', 'list'], { env });
    assert.deepEqual(cells(lineOf(policies, policyID)).slice(1, 4), ['psp-vs-ledger', LEDGER, poolID]);

    const good = await ok(['reconciliation', 'reconcile', policyID], { env });
    assert.match(good, /^ID +POLICY +STATUS +AT LEDGER +AT PAYMENTS +CREATED$/m);
    assert.match(good, new RegExp(`^\\S+ +${policyID} +OK `, 'm'), good);
    for (const [asset, amount] of Object.entries(balances)) {
      const row = good.split('\n').find((l) => l.startsWith(asset + ' '));
      assert.deepEqual(cells(row ?? ''), [asset, decimal(amount, asset), decimal(-BigInt(amount), asset), decimal(0, asset)], good);
    }
    const [drifting] = Object.keys(balances);
    await post({ [drifting]: '1234' }, 'discrepancy');
    const bad = await cli(['reconciliation', 'reconcile', policyID, '--json'], { env });
    assert.equal(bad.code, 0, bad.stderr);
    const badRec = JSON.parse(bad.stdout).data;
    assert.equal(badRec.status, 'NOT_OK');
    assert.equal(String(badRec.driftBalances[drifting]), '1234');
    const recs = await ok(['reconciliation', 'list'], { env });
    assert.match(lineOf(recs, badRec.id), new RegExp(` +${policyID} +NOT_OK `));
    assert.equal(recs.trimEnd().split('\n').length, 3, recs);
    assert.match(await ok(['reconciliation', 'get', badRec.id], { env }), new RegExp(`^${drifting.replace('/', '\\/')} .* ${decimal(1234, drifting).replace('.', '\\.')}$`, 'm'));

    // Errors keep the CLI's conventions: the API's errorCode on stderr, exit 3; a usage slip, 2.
    const missing = await cli(['pools', 'get', '00000000-0000-4000-8000-000000000000'], { env });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /NOT_FOUND/);
    const badPolicy = await cli(['reconciliation', 'policies', 'create', '--name', 'x', '--ledger', 'bad name!', '--pool', poolID], { env });
    assert.equal(badPolicy.code, 3);
    assert.match(badPolicy.stderr, /VALIDATION.*ledgerName/);
    assert.equal((await cli(['pools', 'create', '--name', 'neither'], { env })).code, 2);

    // Deleting: the pool and the policy go; the webhook config too.
    await ok(['reconciliation', 'policies', 'delete', policyID], { env });
    await ok(['pools', 'delete', poolID], { env });
    await ok(['webhooks', 'configs', 'delete', configID], { env });
    assert.equal(lineOf(await ok(['pools', 'list'], { env }), poolID), undefined);
    assert.equal(lineOf(await ok(['webhooks', 'configs', 'list'], { env }), configID), undefined);
  });
});
