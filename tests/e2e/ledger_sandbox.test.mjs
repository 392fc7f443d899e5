// The ledger emulator as a real process, driven by the official client (@formance/formance-sdk
// 7.0.1, which validates every answer against its schemas) with OAuth2 client credentials, plus
// raw HTTP for what the SDK does not show: error envelopes, the GET body filter, --state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SDK } from '@formance/formance-sdk';
import { startSandbox, startDaemon, tempDir, cleanup, Proc, BIN } from './lib/harness.mjs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { request } from 'node:http';

const CLIENT = ['--client-id', 'recon', '--client-secret', 'recon-secret'];
let dir;
let sandbox;
let ledger;

before(async () => {
  dir = tempDir('cx-ledger-');
  sandbox = await startSandbox('ledger', [...CLIENT, '--state', join(dir, 'ledger.json')], { dir });
  ledger = new SDK({ serverURL: sandbox.url, security: { clientID: 'recon', clientSecret: 'recon-secret' } }).ledger;
});

after(async () => {
  await sandbox?.stop();
  cleanup(dir);
});

async function raw(method, path, { body, token } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(sandbox.url + path, { method, headers, body });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

function getWithBody(path, bearer, body) {
  return new Promise((resolve, reject) => {
    const req = request(sandbox.url + path, {
      method: 'GET', timeout: 5000,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function token() {
  const r = await fetch(sandbox.url + '/oauth/token', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=recon&client_secret=recon-secret',
  });
  assert.equal(r.status, 200);
  return (await r.json()).access_token;
}

const BIG = 340282366920938463463374607431768211456n;  // 2^128

test('the official SDK creates a ledger, posts transactions and reads balances at a pit', async () => {
  const info = (await ledger.v2.getInfo()).v2ConfigInfo;
  assert.equal(info.server, 'ledger');
  assert.equal(info.version, 'v2.4.12');
  await ledger.v2.createLedger({ ledger: 'main', v2CreateLedgerRequest: { metadata: { team: 'finance' } } });
  const post = (source, destination, amount, asset, timestamp) => ledger.v2.createTransaction({
    ledger: 'main',
    v2PostTransaction: { postings: [{ source, destination, amount, asset }], metadata: {}, timestamp: new Date(timestamp) },
  });
  const tx = (await post('world', 'psp:stripe:main', 150000n, 'EUR/2', '2024-09-26T08:00:00Z')).v2CreateTransactionResponse.data;
  assert.equal(tx.id, 1n);
  assert.equal(tx.postCommitVolumes.world['EUR/2'].balance, -150000n);
  await post('world', 'psp:adyen:main', 2500n, 'USD/2', '2024-09-26T09:00:00Z');
  // SDK 7.0.1 turns a bigint amount into a JS number (lossy beyond 2^53, written 3.4e+38 here): the
  // ledger refuses that, and so does the emulator. Amounts that large go as raw JSON.
  await assert.rejects(post('world', 'users:001', BIG, 'EUR/2', '2024-09-26T10:00:00Z'), (e) => e.errorCode === 'VALIDATION');
  const big = await raw('POST', '/api/ledger/v2/main/transactions', {
    token: await token(),
    body: `{"postings":[{"source":"world","destination":"users:001","amount":${BIG},"asset":"EUR/2"}],"metadata":{},"timestamp":"2024-09-26T10:00:00Z"}`,
  });
  assert.equal(big.status, 200);
  await post('psp:stripe:main', 'psp:stripe:fees', 300n, 'EUR/2', '2024-09-26T11:00:00Z');

  const balances = async (query, pit) =>
    (await ledger.v2.getBalancesAggregated({ ledger: 'main', query, pit: pit && new Date(pit) })).v2AggregateBalancesResponse.data;
  assert.deepEqual(await balances({ $match: { address: 'world' } }, '2024-09-26T09:30:00Z'), { 'EUR/2': -150000n, 'USD/2': -2500n });
  assert.deepEqual(await balances({ $match: { address: 'psp::main' } }), { 'EUR/2': 149700n, 'USD/2': 2500n });
  assert.deepEqual(await balances({ $match: { address: 'psp:stripe:' } }), { 'EUR/2': 150000n });
  // The SDK parses balances into JS numbers first (lossy beyond 2^53), so check the wire exactly.
  const or = encodeURIComponent(JSON.stringify({ $or: [{ $match: { address: 'users:' } }, { $match: { address: '::fees' } }] }));
  const exact = await fetch(`${sandbox.url}/api/ledger/v2/main/aggregate/balances?query=${or}`,
    { headers: { authorization: `Bearer ${await token()}` } });
  assert.equal(await exact.text(), `{"data":{"EUR/2":${BIG + 300n}}}\n`);
  assert.deepEqual(await balances({ $match: { address: 'world' } }, '2024-09-26T07:00:00Z'), {});

  const accounts = (await ledger.v2.listAccounts({ ledger: 'main', pageSize: 2 })).v2AccountsCursorResponse.cursor;
  assert.equal(accounts.pageSize, 2);
  assert.equal(accounts.hasMore, true);
  assert.deepEqual(accounts.data.map((a) => a.address), ['world', 'users:001']);
  const txs = (await ledger.v2.listTransactions({ ledger: 'main', pageSize: 3 })).v2TransactionsCursorResponse.cursor;
  assert.deepEqual(txs.data.map((t) => t.id), [4n, 3n, 2n]);
});

test('errors use the ledger envelope and status codes; the GET body carries a filter', async () => {
  const t = await token();
  assert.equal((await raw('GET', '/v2/main')).status, 401);
  const exists = await raw('POST', '/v2/main', { token: t });
  assert.equal(exists.status, 400);
  assert.equal(exists.body.errorCode, 'LEDGER_ALREADY_EXISTS');
  const missing = await raw('GET', '/v2/nope/aggregate/balances', { token: t });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.errorCode, 'LEDGER_NOT_FOUND');
  const poor = await raw('POST', '/v2/main/transactions', {
    token: t, body: JSON.stringify({ postings: [{ source: 'users:002', destination: 'a', amount: 1, asset: 'EUR/2' }], metadata: {} }),
  });
  assert.equal(poor.status, 400);
  assert.equal(poor.body.errorCode, 'INSUFFICIENT_FUND');
  const unknown = await getWithBody('/v2/main/aggregate/balances', t, '{"$match":{"balance":"1"}}');
  assert.equal(unknown.status, 400);
  assert.deepEqual(JSON.parse(unknown.text), { errorCode: 'VALIDATION', errorMessage: "unknown key 'balance' when building query" });
  // The filter in the body of the GET (the spec's requestBody; fetch cannot send one, node:http
  // can); the answer keeps 2^128 exact.
  const { text } = await getWithBody('/api/ledger/v2/main/aggregate/balances', t, '{"$match":{"address":"users:"}}');
  assert.equal(text, `{"data":{"EUR/2":${BIG}}}\n`);
});

test('--state keeps the ledgers across a restart', async () => {
  assert.ok(existsSync(join(dir, 'ledger.json')));
  await sandbox.stop();
  sandbox = await startSandbox('ledger', [...CLIENT, '--state', join(dir, 'ledger.json')], { dir });
  ledger = new SDK({ serverURL: sandbox.url, security: { clientID: 'recon', clientSecret: 'recon-secret' } }).ledger;
  const data = (await ledger.v2.getBalancesAggregated({ ledger: 'main', query: { $match: { address: 'users:' } } }))
    .v2AggregateBalancesResponse.data;
  assert.deepEqual(data, { 'EUR/2': BIG });
});

test('connectivityd takes the --ledger-* settings and refuses unusable ones', async () => {
  const data = tempDir('cx-data-');
  try {
    for (const [args, env, why] of [
      [['--ledger-url', 'ftp://ledger'], {}, '--ledger-url: not an http(s) URL'],
      [['--ledger-url', sandbox.url, '--ledger-client-id', 'recon'], {}, 'go together'],
      [['--ledger-url', sandbox.url, ...CLIENT.map((a) => a.replace('--', '--ledger-'))], { CONNECTIVITY_LEDGER_TOKEN: 't' }, 'choose one'],
      [['--ledger-token-file', join(data, 'missing')], {}, 'cannot read'],
    ]) {
      const p = new Proc('connectivityd-bad', join(BIN, 'connectivityd'),
        ['--listen', '127.0.0.1:0', '--data-dir', data, '--insecure-no-auth', ...args], { env, dir: data });
      let timer;
      const { code } = await Promise.race([p.exited, new Promise((r) => { timer = setTimeout(() => r({ code: 'timeout' }), 15000); })]);
      clearTimeout(timer);
      if (code === 'timeout') await p.stop('SIGKILL');
      assert.equal(code, 1, p.log());
      assert.ok(p.log().includes(why), p.log());
    }
    const daemon = await startDaemon({ extraArgs: ['--ledger-url', `${sandbox.url}/api/ledger`, ...CLIENT.map((a) => a.replace('--', '--ledger-'))] });
    try {
      assert.match(daemon.proc.log(), /reconciliation ledger: http:\/\/127\.0\.0\.1:\d+\/api\/ledger \(OAuth2 client credentials\)/);
    } finally {
      await daemon.proc.stop();
      cleanup(daemon.dataDir);
    }
  } finally {
    cleanup(data);
  }
});
