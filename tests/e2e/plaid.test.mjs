// Plaid end to end: connectivityd + the Plaid sandbox as real processes on loopback, driven only
// through the v3 API, the Hosted Link pages and the sandbox console.
//   1. create PSU, forward, create-link, walk Hosted Link, SESSION_FINISHED, sync → equal to truth
//   2. pending transactions post → one SUCCEEDED payment under each posted id, no PENDING left
//   3. TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION mid-loop → restart, still equal to truth
//   4. forged webhooks (bad signature, alg none, no header) → 401, nothing stored
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startDaemon, tempDir, cleanup, sleep } from './lib/harness.mjs';
import { personalStrings, scanDir } from './lib/markers.mjs';
import {
  installPlaid, createForwardedPsu, createLink, linkPsu, truthOf, storedOf, eventuallyEqual, consoleGet, consolePost,
  sandboxItems, sandboxCall, forgedVerification, postWebhook, CLIENT_REDIRECT,
} from './lib/plaid.mjs';

const dir = tempDir('cx-e2e-plaid-');
let sandbox, daemon, api, connector;
let first; // {psu, itemId, attemptID}

/** Runs a test body; on failure prints the tail of every process log. */
async function withLogs(fn) {
  try {
    await fn();
  } catch (e) {
    for (const p of [sandbox, daemon?.proc].filter(Boolean))
      console.error(`----- ${p.name} (${p.logPath}) -----\n${p.log().split('\n').slice(-60).join('\n')}`);
    throw e;
  }
}

before(async () => {
  // 150 days of history: more than one /transactions/sync page of 100, so the loop paginates.
  sandbox = await startSandbox('plaid', ['--seed', '11', '--history-days', '150', '--webhook-delay-ms', '200'], { dir });
  daemon = await startDaemon();
  api = daemon.api;
  connector = await installPlaid(api, sandbox);
});

after(async () => {
  await daemon?.proc.stop();
  await sandbox?.stop();
  if (!process.exitCode) cleanup(dir, daemon?.dataDir);
});

test('full flow: PSU, forward, hosted link walk, SESSION_FINISHED, sync equal to the sandbox truth', { timeout: 60000 }, () =>
  withLogs(async () => {
    const psu = await createForwardedPsu(api, connector);
    const linked = await linkPsu(api, sandbox, psu, connector);
    assert.equal(linked.redirect, CLIENT_REDIRECT, 'Hosted Link finishes on the client redirect URL');

    const attempt = await api.get(`/payment-service-users/${psu}/connectors/${connector}/link-attempts/${linked.attemptID}`);
    assert.equal(attempt.status, 200);
    assert.equal(attempt.body.data.status, 'completed');

    const items = await sandboxItems(sandbox, psu);
    assert.equal(items.length, 1, 'one Item for the PSU');
    assert.equal(items[0].item_id, linked.itemId, 'the connection is the Item');

    const { stored, truth } = await eventuallyEqual(api, sandbox, linked.itemId, { timeoutMs: 45000 });
    assert.ok(truth.payments.length > 100, `enough history to paginate (${truth.payments.length})`);
    assert.ok(truth.payments.some((p) => p.status === 'PENDING'), 'the truth has pending transactions');
    assert.ok(new Set(truth.accounts.map((a) => a.defaultAsset)).has('JPY/0'), 'a 0-decimal currency account');
    assert.equal(stored.accounts.length, truth.accounts.length);
    assert.equal(stored.balances.length, truth.balances.length);
    assert.equal(stored.payments.length, truth.payments.length);
    first = { psu, itemId: linked.itemId, attemptID: linked.attemptID };

    // Nothing personal from the truth or the sandbox's Items (access tokens), nothing of the PSU
    // we sent and no secret in any file of the data directory.
    const sent = (await api.get(`/payment-service-users/${psu}`)).body.data;
    const strings = personalStrings({ truth, items }, [
      sent.name, sent.contactDetails.email, sent.contactDetails.phoneNumber, sent.contactDetails.locale,
      sent.address.streetName, sent.address.city, ...Object.values(sent.metadata), 'cx-e2e-secret', daemon.token,
    ]);
    assert.ok(strings.length > 30, `the truth has personal strings to look for (${strings.length})`);
    assert.ok(strings.some((s) => s.startsWith('access-')), `the Item access token is looked for: ${strings}`);
    const { hits, files } = await scanDir(daemon.dataDir, strings);
    assert.ok(files.includes('connectivity.db') && files.includes('connectivityd.log'), `scanned: ${files}`);
    assert.deepEqual(hits, [], `personal data on disk in clear: ${JSON.stringify(hits.slice(0, 20))}`);
  }));

test('pending → posted: one SUCCEEDED payment under the posted id, no dangling PENDING', { timeout: 45000 }, () =>
  withLogs(async () => {
    assert.ok(first, 'needs the linked Item of the first test');
    const before = await truthOf(sandbox, first.itemId);
    const pendingIds = before.payments.filter((p) => p.status === 'PENDING').map((p) => p.reference);
    assert.ok(pendingIds.length > 0, 'pending transactions to post');

    // Emulated time moves past the posting delay (1-3 days); the rest are forced by post_pending.
    await consolePost(sandbox, '/clock', { advanceSeconds: 4 * 24 * 3600 });
    await consolePost(sandbox, '/post_pending', { item_id: first.itemId });

    const { stored, truth } = await eventuallyEqual(api, sandbox, first.itemId, { timeoutMs: 30000, what: 'posted transactions synced' });
    assert.equal(truth.payments.filter((p) => p.status === 'PENDING').length, 0, 'the sandbox posted everything');
    assert.deepEqual(stored.payments.filter((p) => p.status === 'PENDING'), [], 'no PENDING payment left');
    const storedRefs = new Map(stored.payments.map((p) => [p.reference, p]));
    for (const p of pendingIds) assert.ok(!storedRefs.has(p), `pending ${p} no longer stored`);
    for (const p of pendingIds) {
      const posted = truth.plaid.transactions.filter((t) => t.pending_transaction_id === p);
      assert.equal(posted.length, 1, `exactly one posted transaction replaces ${p}`);
      const q = storedRefs.get(posted[0].transaction_id);
      assert.ok(q, `posted ${posted[0].transaction_id} stored`);
      assert.equal(q.status, 'SUCCEEDED');
    }
    assert.equal(stored.payments.length, new Set(stored.payments.map((p) => p.reference)).size, 'no duplicate');
  }));

test('mutation during pagination: the sync loop restarts and still ends equal to the truth', { timeout: 45000 }, () =>
  withLogs(async () => {
    await consolePost(sandbox, '/faults', { mutationDuringPagination: 1 });
    const psu = await createForwardedPsu(api, connector, { name: 'Morgan Patel' });
    const linked = await linkPsu(api, sandbox, psu, connector, { auto: true });
    assert.equal(linked.redirect, CLIENT_REDIRECT);
    const { truth } = await eventuallyEqual(api, sandbox, linked.itemId, { timeoutMs: 30000, what: 'equal after a restarted sync loop' });
    const faults = await consoleGet(sandbox, '/faults');
    assert.equal(faults.mutationDuringPagination ?? 0, 0, `the mutation fault fired: ${JSON.stringify(faults)}`);
    assert.ok(truth.payments.length > 100, 'the Item needed more than one page');
    await sandboxCall(sandbox, 'DELETE', '/sandbox/console/faults');
  }));

test('forged webhooks are refused with 401 and store nothing', { timeout: 30000 }, () =>
  withLogs(async () => {
    const psu = await createForwardedPsu(api, connector, { name: 'Riley Chen' });
    const { attemptID } = await createLink(api, psu, connector);
    const url = `${daemon.url}/api/payments/v3/connectors/webhooks/${connector}/all?attemptID=${attemptID}`;
    // A real, unspent public token: were the forgery accepted, it would become a connection.
    const { public_token } = await sandboxCall(sandbox, 'POST', '/sandbox/public_token/create', {
      client_id: 'cx-e2e-client', secret: 'cx-e2e-secret', institution_id: 'ins_109509', initial_products: ['transactions'],
    });
    const body = JSON.stringify({
      webhook_type: 'LINK', webhook_code: 'SESSION_FINISHED', status: 'SUCCESS', link_session_id: 'forged-session',
      link_token: 'link-sandbox-forged', public_tokens: [public_token], environment: 'sandbox',
    }, null, 2);
    const counts = async () => {
      let connections = 0;
      for (const p of await api.all('/payment-service-users'))
        connections += (await api.all(`/payment-service-users/${p.id}/connections`)).length;
      return { payments: (await api.all('/payments')).length, accounts: (await api.all('/accounts')).length, connections };
    };
    const countsBefore = await counts();
    const { current: kid } = await consoleGet(sandbox, '/keys');
    const attempts = [
      ['signature by an unpublished key under the real kid', { 'Plaid-Verification': forgedVerification(body, kid) }],
      ['alg none', { 'Plaid-Verification': forgedVerification(body, kid, { alg: 'none' }) }],
      ['no Plaid-Verification header', {}],
    ];
    for (const [what, headers] of attempts) {
      const r = await postWebhook(url, body, headers);
      assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
    }
    await sleep(1500); // what an accepted webhook would need to be translated and stored
    const attempt = await api.get(`/payment-service-users/${psu}/connectors/${connector}/link-attempts/${attemptID}`);
    assert.equal(attempt.body.data.status, 'pending', 'the attempt was not completed by the forgery');
    const conns = await api.get(`/payment-service-users/${psu}/connections`);
    assert.deepEqual(conns.body.cursor.data, [], 'no connection for the forged session');
    assert.deepEqual(await counts(), countsBefore, 'nothing stored');
  }));
