// Three connectivityd nodes on one PostgreSQL database (the ctest fixture cx_pg), behind a small
// round-robin load balancer: the Powens flow driven through different nodes, the node holding
// task leases SIGKILLed mid-sync, the survivors take its leases over once they expire, and what
// is stored equals the sandbox's ground truth exactly. Then /_info and /metrics of a survivor,
// and a pg_dump of the database scanned for every personal string the provider sent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN, Proc, Api, freePort, tempDir, eventually, cleanup, withLogsOnFailure, stepper,
} from './lib/harness.mjs';
import {
  startPowensSandbox, installPowens, createLink, attemptStatus, assertEqualsTruth, truthOf, storedOf,
  PSU_BODY, CREDENTIALS,
} from './lib/powens.mjs';
import { personalStrings, scanDir } from './lib/markers.mjs';

const PG_DUMP = '/usr/lib/postgresql/15/bin/pg_dump';
const LEASE_MS = 3000;

// The fixture's server; without it this test fails (it is never skipped).
function fixtureURL() {
  const file = process.env.CX_PG_URL_FILE;
  if (!file) throw new Error('CX_PG_URL_FILE is not set: run under the ctest fixture cx_pg (ctest -R cluster)');
  const url = readFileSync(file, 'utf8').trim();
  if (!url.startsWith('postgres://')) throw new Error(`${file} holds no postgres:// URL: ${url}`);
  return url;
}

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { timeout: 20000 })
    .toString().trim();
}

const running = [];
const dirs = [];
let dropDatabase = () => {};
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  try { dropDatabase(); } catch { /* the fixture's server is thrown away anyway */ }
  cleanup(...dirs);
});

/**
 * A load balancer in front of the nodes: each request goes to the next node in turn; a node that
 * refuses the connection is passed over (nothing reached it), any other failure is a 502, which
 * the sandbox retries like a real provider would.
 */
async function loadBalancer(nodes) {
  let next = 0;
  const port = await freePort();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tryNode = (tries) => {
        if (tries >= nodes.length) { res.writeHead(502).end(); return; }
        const n = nodes[next++ % nodes.length];
        const up = request({ host: '127.0.0.1', port: n.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        });
        up.on('error', (e) => {
          if (e.code === 'ECONNREFUSED') tryNode(tries + 1);
          else if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        up.end(body);
      };
      tryNode(0);
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  running.push({ stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
  return { url: `http://127.0.0.1:${port}`, port };
}

async function startNode({ id, databaseURL, keyFile, token, publicURL, port }) {
  const dataDir = tempDir(`cx-${id}-`);
  dirs.push(dataDir);
  // Named connectivityd so that its output shares the log file the daemon writes in its data dir.
  const proc = new Proc('connectivityd', join(BIN, 'connectivityd'), [
    '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--public-url', publicURL,
    '--database-url', databaseURL, '--master-key-file', keyFile, '--node-id', id,
    '--task-lease', `${LEASE_MS}ms`, '--polling-period-minimum', '1s',
  ], { env: { CONNECTIVITY_API_TOKEN: token }, dir: dataDir });
  proc.name = id;
  running.push(proc);
  const url = `http://127.0.0.1:${port}`;
  const node = { id, proc, port, url, dataDir, token, api: new Api(`${url}/api/payments/v3`, token) };
  await eventually(async () => (await fetch(`${url}/_healthcheck`)).status === 200,
    { timeoutMs: 30000, intervalMs: 50, what: `${id} to answer` });
  return node;
}

async function getJSON(node, path) {
  const r = await fetch(node.url + path, { headers: { authorization: `Bearer ${node.token}` } });
  assert.equal(r.status, 200, `${node.id} ${path}: ${r.status}`);
  return path === '/metrics' ? r.text() : r.json();
}

test('three nodes on one PostgreSQL database: Powens through different nodes, a SIGKILL mid-sync, the store equals the truth', async (t) => {
  const started = Date.now();
  const serverURL = fixtureURL();
  const dbName = `cx_cluster_${randomBytes(4).toString('hex')}`;
  psql(serverURL, `CREATE DATABASE ${dbName}`);
  dropDatabase = () => psql(serverURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const databaseURL = serverURL.replace(/\/[^/]*$/, `/${dbName}`);
  const sql = (q) => psql(databaseURL, q);

  // The same master key and API token on every node (a shared database never gets a generated key).
  const secrets = tempDir('cx-cluster-secrets-');
  dirs.push(secrets);
  const keyFile = join(secrets, 'master-key');
  writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const token = 'e2e-cluster-' + randomBytes(12).toString('hex');

  // 6 000 rows sent in deliveries of 50, each its own webhook task: the sync is many tasks long.
  const sbx = await startPowensSandbox({ seed: 21, transactionsPerAccount: 1200, webhookMaxTransactions: 50 });
  running.push(sbx);
  const ports = [await freePort(), await freePort(), await freePort()];
  const lb = await loadBalancer(ports.map((port) => ({ port })));
  const nodes = [];
  for (let i = 0; i < 3; i++)
    nodes.push(await startNode({ id: `node-${i + 1}`, databaseURL, keyFile, token, publicURL: lb.url, port: ports[i] }));
  const [n1, n2, n3] = nodes;
  const step = stepper(t);
  let psuID;
  let connectorID;
  let victim;
  let survivors;
  let heldAtKill = [];
  let killedAt;

  await withLogsOnFailure(() => [...nodes, sbx], async () => {
    await step('every node reports the shared PostgreSQL database and sees the other two', async () => {
      for (const n of nodes) {
        await eventually(async () => {
          const info = await getJSON(n, '/_info');
          assert.equal(info.node.id, n.id);
          assert.equal(info.database.backend, 'postgres');
          return info.nodes.filter((x) => x.live).length === 3;
        }, { timeoutMs: 15000, intervalMs: 200, what: `${n.id} to see three live nodes` });
      }
    });

    await step('install via node-1, PSU via node-2, forward and link via node-3, redirect to node-1', async () => {
      // Webhooks are registered at the load balancer's URL (the public URL of every node).
      connectorID = await installPowens({ api: n1.api, url: lb.url }, sbx, { name: 'powens-cluster', pollingPeriod: '30m' });
      const created = await n2.api.post('/payment-service-users', PSU_BODY);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      psuID = created.body.data;
      const fwd = await n3.api.post(`/payment-service-users/${psuID}/connectors/${connectorID}/forward`);
      assert.equal(fwd.status, 204, `forward via node-3 (connector installed via node-1): ${JSON.stringify(fwd.body)}`);
      const redirect = 'https://app.example.com/bank-linked';
      const { attemptID, link } = await createLink(n3.api, psuID, connectorID, redirect);

      const webview = await fetch(`${link}&sandbox_auto=1`, { redirect: 'manual' });
      assert.ok([302, 303].includes(webview.status), `webview answered ${webview.status}`);
      const back = new URL(webview.headers.get('location'));
      assert.equal(back.origin, lb.url, `the webview returns to the public URL: ${back}`);
      // The browser lands on node-1, which did not create the link attempt.
      const ours = await fetch(n1.url + back.pathname + back.search, { redirect: 'manual' });
      assert.equal(ours.status, 307, `redirect on node-1 answered ${ours.status}: ${await ours.text()}`);
      assert.equal(ours.headers.get('location'), redirect);
      const attempt = await attemptStatus(n2.api, psuID, connectorID, attemptID);
      assert.equal(attempt.status, 'completed', JSON.stringify(attempt));
    });

    await step('SIGKILL the node holding task leases mid-sync', async () => {
      const wanted = (await truthOf(sbx)).payments.filter((p) => !p.malformed).length;
      // The node with the most live leases while the sync is part-way stored.
      const pick = await eventually(async () => {
        const rows = sql(`SELECT lease_owner, count(*) FROM tasks WHERE status = 'PROCESSING' AND lease_owner IS NOT NULL
          AND lease_expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint GROUP BY 1 ORDER BY 2 DESC, 1`);
        const stored = Number(sql('SELECT count(*) FROM payments'));
        if (!rows || stored === 0 || stored >= wanted) return null;
        const [owner, n] = rows.split('\n')[0].split('|');
        return { owner, leases: Number(n), stored };
      }, { timeoutMs: 60000, intervalMs: 20, what: 'a node holding task leases while payments are part-way stored' });
      // A lease owner is "<node id>/<process instance>".
      victim = nodes.find((n) => pick.owner.startsWith(`${n.id}/`));
      assert.ok(victim, `lease owner ${pick.owner} is one of the nodes`);
      victim.proc.child.kill('SIGKILL');
      assert.equal((await victim.proc.exited).signal, 'SIGKILL');
      killedAt = Date.now();
      survivors = nodes.filter((n) => n !== victim);
      heldAtKill = sql(`SELECT id FROM tasks WHERE status = 'PROCESSING' AND lease_owner LIKE '${victim.id}/%'`).split('\n').filter(Boolean);
      const storedAtKill = Number(sql('SELECT count(*) FROM payments'));
      t.diagnostic(`killed ${victim.id} holding ${pick.leases} lease(s); ${heldAtKill.length} task(s) still leased to it; ${storedAtKill} of ${wanted} payments stored`);
      assert.ok(storedAtKill < wanted, `the kill was meant to land mid-sync: ${storedAtKill} of ${wanted} payments stored`);
      assert.ok(heldAtKill.length > 0, `the kill was meant to leave tasks leased to ${victim.id} for the others to take over`);
    });

    await step('the survivors finish: accounts, balances, counterparties and payments equal the truth, each once', async () => {
      const [s1, s2] = survivors;
      const { want } = await assertEqualsTruth(s1, sbx, psuID, { timeoutMs: 90000, label: `read via ${s1.id}: ` });
      await assertEqualsTruth(s2, sbx, psuID, { timeoutMs: 5000, label: `read via ${s2.id}: ` });
      assert.ok(want.accounts.length >= 5 && want.payments.length >= 5000, `truth: ${want.accounts.length} accounts, ${want.payments.length} payments`);
      // Straight from the database too: no row twice under another key.
      assert.equal(Number(sql('SELECT count(*) FROM payments')), want.payments.length, 'payments rows');
      assert.equal(Number(sql('SELECT count(DISTINCT reference) FROM payments')), want.payments.length, 'distinct payment references');
      assert.equal(Number(sql("SELECT count(*) FROM accounts WHERE type = 'INTERNAL'")), want.accounts.length, 'internal account rows');
      assert.equal(Number(sql("SELECT count(*) FROM accounts WHERE type = 'EXTERNAL'")), want.externalAccounts.length, 'external account rows');
      const stored = await storedOf(s1.api, psuID);
      t.diagnostic(`stored = truth: ${stored.accounts.length} accounts, ${stored.balances.length} balances, ${stored.external.length} counterparties, ${stored.payments.length} payments`);
      // The load balancer spread the provider's webhooks: each survivor accepted some of them.
      const ran = [];
      for (const n of survivors) {
        const metrics = await getJSON(n, '/metrics');
        const m = metrics.match(/^cx_tasks\{state="succeeded"\} (\d+)$/m);
        let hooks = 0;
        for (const x of metrics.matchAll(/^cx_http_requests_total\{route="[^"]*\/connectors\/webhooks\/[^"]*",method="POST",status="2\d\d"\} (\d+)$/gm))
          hooks += Number(x[1]);
        ran.push(`${n.id}: ${m ? m[1] : '?'} tasks succeeded, ${hooks} webhooks accepted`);
        assert.ok(hooks > 0, `${n.id} accepted no webhook: ${ran.at(-1)}`);
      }
      t.diagnostic(ran.join('; '));
      // Every task the dead node held is taken over and finished elsewhere (a task the data did not
      // wait for, e.g. a polling fetch, may still be in its backoff: waited for, bounded).
      const quoted = heldAtKill.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
      const ended = await eventually(() => {
        const rows = sql(`SELECT type || '|' || status || '|' || coalesce(lease_owner, '') FROM tasks WHERE id IN (${quoted})`)
          .split('\n').filter(Boolean);
        return rows.length === heldAtKill.length && rows.every((r) => !r.split('|')[1].startsWith('PROCESSING')) ? rows : null;
      }, { timeoutMs: 60000, intervalMs: 250, what: `the tasks ${victim.id} held to end` });
      t.diagnostic(`tasks ${victim.id} held at its death, now: ${ended.join(', ')}`);
      for (const r of ended) assert.equal(r.split('|')[1], 'SUCCEEDED', `a task held by ${victim.id} ended as ${r}`);
      const stuck = sql(`SELECT count(*) FROM tasks WHERE status = 'PROCESSING' AND lease_owner LIKE '${victim.id}/%'`);
      assert.equal(stuck, '0', `tasks still leased to the dead ${victim.id}`);
    });

    await step('/_info of a survivor lists three nodes, the killed one not live within 15 s; /metrics has cx_node_info', async () => {
      const s = survivors[0];
      const info = await eventually(async () => {
        const i = await getJSON(s, '/_info');
        return i.nodes.find((x) => x.id === victim.id)?.live === false ? i : null;
      }, { timeoutMs: Math.max(1000, 15000 - (Date.now() - killedAt)), intervalMs: 250, what: `${victim.id} to go not-live` });
      assert.deepEqual(info.nodes.map((x) => x.id).sort(), ['node-1', 'node-2', 'node-3']);
      for (const x of info.nodes) assert.equal(x.live, x.id !== victim.id, `${x.id} live: ${x.live}`);
      assert.equal(info.node.id, s.id);
      const metrics = await getJSON(s, '/metrics');
      assert.match(metrics, new RegExp(`^cx_node_info\\{node="${s.id}",backend="postgres"\\} 1$`, 'm'));
      assert.match(metrics, new RegExp(`^cx_node_heartbeat_timestamp_seconds\\{node="${s.id}"\\} \\d`, 'm'));
      assert.match(metrics, /^cx_cluster_nodes\{state="live"\} 2$/m);
      assert.match(metrics, /^cx_cluster_nodes\{state="gone"\} 1$/m);
    });

    await step('pg_dump of the database holds no personal string the provider sent, nor the PSU\'s, nor a secret', async () => {
      const truth = await truthOf(sbx);
      const strings = personalStrings(truth, [
        PSU_BODY.name, ...Object.values(PSU_BODY.contactDetails), ...Object.values(PSU_BODY.address),
        ...Object.values(PSU_BODY.metadata), CREDENTIALS.clientSecret, CREDENTIALS.configurationToken, token,
      ]);
      assert.ok(strings.length > 100, `the truth has personal strings to look for (${strings.length})`);
      const dumpDir = join(secrets, 'dump');
      const byteaDir = join(secrets, 'bytea');
      mkdirSync(dumpDir);
      mkdirSync(byteaDir);
      const dumpFile = join(dumpDir, 'database.sql');
      execFileSync(PG_DUMP, ['--no-owner', '-f', dumpFile, databaseURL], { timeout: 60000 });
      const dump = readFileSync(dumpFile, 'latin1');
      assert.match(dump, /COPY public\.payments /, 'the dump has the payments table');
      const { hits } = await scanDir(dumpDir, strings);
      assert.deepEqual(hits, [], `personal data in the database: ${JSON.stringify(hits.slice(0, 20))}`);
      // bytea columns are dumped as hex: their bytes are scanned too (a value kept in clear in a
      // BYTEA). Megabytes of ciphertext match short strings by chance: only 8 characters and up.
      let decoded = 0;
      writeFileSync(join(byteaDir, 'bytea-decoded.bin'), Buffer.from(dump.replace(/\\\\x([0-9a-f]+)/g, (_, hex) => {
        decoded++;
        return Buffer.from(hex, 'hex').toString('latin1');
      }), 'latin1'));
      assert.ok(decoded > 1000, `bytea values decoded: ${decoded}`);
      const long = strings.filter((x) => x.length >= 8);
      assert.ok(long.length > 50, `long personal strings to look for (${long.length})`);
      const bytea = await scanDir(byteaDir, long);
      assert.deepEqual(bytea.hits, [], `personal data in a bytea column: ${JSON.stringify(bytea.hits.slice(0, 20))}`);
      // Nor in any node's data directory (logs included), the killed one's too.
      for (const n of nodes) {
        const r = await scanDir(n.dataDir, strings);
        assert.deepEqual(r.hits, [], `personal data in ${n.id}'s data directory: ${JSON.stringify(r.hits.slice(0, 20))}`);
      }
    });
    step.check();
  });
  t.diagnostic(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
