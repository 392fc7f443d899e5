// The operator CLI (build/bin/connectivity) end to end: the whole open-banking flow against a
// real connectivityd and the Powens sandbox driven through the CLI alone (only the end user's
// browser and the provider's console are played with fetch): install, PSU, forward, link, sync,
// consent renewal (update-link), connection and PSU deletion, uninstall; `connectors install generic
// config.json` with the documented config shape installs and syncs exactly the sandbox's truth;
// exit codes, stderr, the config file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stoppedAfterTests, startSandbox, eventually, withLogsOnFailure, tempDir } from './lib/harness.mjs';
import { cli, ok, envOf, itemsOf, decimal } from './lib/cli.mjs';
import { expectedView } from './lib/generic.mjs';
import { startPowensSandbox, registerWebhooks, truthOf, CREDENTIALS } from './lib/powens.mjs';

const { running, dirs, daemon } = stoppedAfterTests();

const cells = (line) => line.split(/ {2,}/);

/** Every line's cells start at the same code-point columns as the header's (names are NFC). */
function assertAligned(table, label) {
  const lines = table.trimEnd().split('\n');
  const starts = (line) => {
    const cps = [...line];
    const out = [];
    for (let i = 0; i < cps.length; i++) if (cps[i] !== ' ' && (i === 0 || (cps[i - 1] === ' ' && cps[i - 2] === ' '))) out.push(i);
    return out;
  };
  const header = starts(lines[0]);
  for (const l of lines.slice(1)) {
    for (const s of starts(l)) assert.ok(header.includes(s) || s > header[0], `${label}: misaligned line\n${lines[0]}\n${l}`);
  }
  return lines;
}

test('Powens: the whole open-banking flow through the CLI alone', { timeout: 90000 }, async () => {
  const sbx = await startPowensSandbox({ seed: 42, transactionsPerAccount: 8 });
  running.push(sbx);
  const d = await daemon();
  const env = envOf(d);
  const work = tempDir('cx-cli-');
  dirs.push(work);
  await withLogsOnFailure(() => [d, sbx], async () => {
    const config = join(work, 'powens.json');
    writeFileSync(config, JSON.stringify({
      name: 'powens-cli', ...CREDENTIALS, domain: 'sandbox', endpoint: sbx.url, webviewURL: sbx.url,
      maxConnectionsPerLink: 1, pollingPeriod: '2s',
    }));
    const connectorID = (await ok(['connectors', 'install', 'powens', config], { env })).trim();
    assert.match(connectorID, /^[A-Za-z0-9_-]{40,}$/, `install prints the connector ID: ${connectorID}`);
    await registerWebhooks(d, sbx, connectorID);  // the provider's console, not our API

    const listed = await ok(['connectors', 'list'], { env });
    assert.match(listed, /^ID +NAME +PROVIDER +CREATED +STATE$/m);
    assert.match(listed, /powens-cli +powens +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ? +active/);
    assert.ok(!listed.includes(connectorID), 'the long connector ID is shortened');
    assert.ok((await ok(['connectors', 'list', '--wide'], { env })).includes(connectorID), '--wide shows it whole');

    const psuID = (await ok(['psus', 'create', '--name', 'Camille Durand', '--email', 'camille.durand@example.fr',
      '--city', 'Paris', '--country', 'FR', '--metadata', 'crm_id=C-1042'], { env })).trim();
    assert.match(psuID, /^[0-9a-f-]{36}$/);
    const shown = await ok(['psus', 'get', psuID], { env });
    assert.match(shown, /^address\.city +Paris$/m);
    assert.match(shown, /^metadata\.crm_id +C-1042$/m);

    // The connector by its name wherever an ID is expected.
    await ok(['psus', 'forward', psuID, 'powens-cli'], { env });
    const redirect = 'https://app.example.com/bank-linked';
    const linkOut = await ok(['psus', 'link', psuID, 'powens-cli', '--redirect', redirect, '--application-name', 'CLI'], { env });
    const attemptID = linkOut.match(/^attempt (\S+)$/m)?.[1];
    const link = linkOut.match(/^ {2}(http\S+)$/m)?.[1];
    assert.ok(attemptID && link, `link output: ${linkOut}`);

    // The end user's browser: the sandbox webview, then our redirect endpoint.
    const webview = await fetch(`${link}&sandbox_auto=1`, { redirect: 'manual' });
    assert.ok([302, 303].includes(webview.status), `webview: ${webview.status}`);
    const back = await fetch(webview.headers.get('location'), { redirect: 'manual' });
    assert.equal(back.status, 307);

    const attempt = JSON.parse(await ok(['--json', 'psus', 'attempts', psuID, 'powens-cli', attemptID], { env }));
    assert.equal(attempt.data.status, 'completed', JSON.stringify(attempt));
    assert.match(await ok(['psus', 'attempts', psuID, connectorID], { env }), new RegExp(`^${attemptID} +completed`, 'm'));

    const truth = await truthOf(sbx);
    const wantPayments = truth.payments.filter((p) => !p.malformed).length;
    const accounts = await eventually(async () => {
      const r = JSON.parse(await ok(['accounts', 'list', '--psu', psuID, '--type', 'INTERNAL', '--all', '--json'], { env }));
      const items = r.cursor?.data ?? r.data;
      return items.length === truth.accounts.length ? items : null;
    }, { timeoutMs: 30000, intervalMs: 300, what: 'the accounts to sync' });
    const payments = await eventually(async () => {
      const r = JSON.parse(await ok(['payments', 'list', '--psu', psuID, '--all', '--json'], { env }));
      const items = r.cursor?.data ?? r.data;
      return items.length === wantPayments ? items : null;
    }, { timeoutMs: 30000, intervalMs: 300, what: `${wantPayments} payments to sync` });

    const conns = await ok(['connections', 'list', psuID], { env });
    const connLines = conns.trimEnd().split('\n');
    assert.equal(connLines.length, 2, conns);
    const connectionID = cells(connLines[1])[0];

    // Names with accents align: the table pads by display width.
    const table = await ok(['accounts', 'list', '--psu', psuID, '--type', 'INTERNAL', '--page-size', '100'], { env });
    const lines = assertAligned(table, 'accounts list');
    assert.ok(accounts.some((a) => /[^\x00-\x7f]/.test(a.name)), `a non-ASCII account name: ${accounts.map((a) => a.name)}`);
    const nameCol = [...lines[0]].join('').indexOf('NAME');
    const assetCol = [...lines[0]].join('').indexOf('ASSET');
    for (const a of accounts) {
      const line = lines.find((l) => l.includes(` ${a.reference} `));
      assert.ok(line, `account ${a.reference} listed:\n${table}`);
      const cps = [...line];
      assert.equal(cps.slice(nameCol, nameCol + [...a.name].length).join(''), a.name, `name column of:\n${lines[0]}\n${line}`);
      if (a.defaultAsset) assert.equal(cps.slice(assetCol, assetCol + a.defaultAsset.length).join(''), a.defaultAsset, `asset column of:\n${lines[0]}\n${line}`);
    }

    // Amounts are decimals of their asset, right-aligned.
    const ptable = await ok(['payments', 'list', '--psu', psuID, '--page-size', '100', '--wide'], { env });
    const plines = assertAligned(ptable, 'payments list');
    const some = payments.slice(0, 20);
    for (const p of some) {
      const line = plines.find((l) => l.startsWith(p.id + ' '));
      if (!line) continue;  // beyond the first page
      assert.ok(line.includes(` ${decimal(p.amount, p.asset)} `), `payment ${p.reference} ${p.amount} ${p.asset}:\n${line}`);
    }
    assert.ok(some.some((p) => plines.some((l) => l.startsWith(p.id + ' '))), 'payments shown in the table');
    const bal = await ok(['accounts', 'balances', accounts[0].id, '--to', '2999-01-01T00:00:00Z'], { env });
    assert.match(bal, /^ASSET +BALANCE +SINCE +LAST SEEN$/m);
    assert.match(bal, /^[A-Z]+\/\d +-?\d+(\.\d+)? [A-Z]+ +\d{4}-/m, bal);

    // The end user renews the connection's consent through the link update-link prints.
    const updOut = await ok(['psus', 'update-link', psuID, 'powens-cli', connectionID, '--redirect', redirect], { env });
    const updAttempt = updOut.match(/^attempt (\S+)$/m)?.[1];
    const updLink = updOut.match(/^ {2}(http\S+)$/m)?.[1];
    assert.ok(updAttempt && updLink && updAttempt !== attemptID, `update-link output: ${updOut}`);
    const reWebview = await fetch(`${updLink}&sandbox_auto=1`, { redirect: 'manual' });
    assert.ok([302, 303].includes(reWebview.status), `update webview: ${reWebview.status}`);
    assert.equal((await fetch(reWebview.headers.get('location'), { redirect: 'manual' })).status, 307);
    await eventually(async () => JSON.parse(await ok(['--json', 'psus', 'attempts', psuID, 'powens-cli', updAttempt], { env })).data.status === 'completed',
      { timeoutMs: 10000, intervalMs: 200, what: 'the update-link attempt to complete' });

    // Errors: the API's errorCode on stderr and exit 3; unreachable 4; usage 2.
    const bad = await cli(['payments', 'get', 'not-an-id'], { env });
    assert.equal(bad.code, 3, JSON.stringify(bad));
    assert.match(bad.stderr, /INVALID_ID/);
    const unauth = await cli(['connectors', 'list'], { env: { ...env, CONNECTIVITY_API_TOKEN: 'wrong' } });
    assert.equal(unauth.code, 3);
    assert.match(unauth.stderr, /UNAUTHORIZED|HTTP 401/);
    const down = await cli(['connectors', 'list', '--url', 'http://127.0.0.1:9'], { env });
    assert.equal(down.code, 4, JSON.stringify(down));
    assert.equal((await cli(['psus', 'link', psuID], { env })).code, 2, 'a missing argument is a usage error');
    assert.equal((await cli(['no-such-verb'], { env })).code, 2);

    // Deleting the connection runs as a task the CLI can follow.
    const del = await ok(['connections', 'delete', psuID, 'powens-cli', connectionID], { env });
    const taskID = del.match(/task (\S+)/)?.[1];
    assert.ok(taskID, del);
    const task = await ok(['tasks', 'get', taskID, '--wait', '20', '--wide'], { env });
    assert.match(task, /SUCCEEDED/, task);
    await eventually(async () => (await ok(['connections', 'list', psuID], { env })).trimEnd().split('\n').length === 1,
      { timeoutMs: 10000, intervalMs: 200, what: 'the connection to be gone' });

    // The PSU leaves: deleted with its data, then the connector is uninstalled.
    const psuDel = await ok(['psus', 'delete', psuID], { env });
    const psuTask = psuDel.match(/task (\S+)/)?.[1];
    assert.ok(psuTask, psuDel);
    assert.match(await ok(['tasks', 'get', psuTask, '--wait', '20'], { env }), /SUCCEEDED/);
    assert.equal((await cli(['psus', 'get', psuID], { env })).code, 3, 'the PSU is gone');
    const uninstall = (await ok(['connectors', 'uninstall', 'powens-cli'], { env })).match(/task (\S+)/)?.[1];
    assert.match(await ok(['tasks', 'get', uninstall, '--wait', '20'], { env }), /SUCCEEDED/);
    assert.doesNotMatch(await ok(['connectors', 'list'], { env }), /powens-cli/);
  });
});

test('generic: `connectors install generic config.json` with the documented config installs and syncs', { timeout: 60000 }, async () => {
  const sbx = await startSandbox('generic', ['--api-key', 'cli-generic-key', '--seed', '3', '--transactions', '60']);
  running.push(sbx);
  const d = await daemon();
  const work = tempDir('cx-cli-');
  dirs.push(work);
  await withLogsOnFailure(() => [d, sbx], async () => {
    // The operator's config file (no token anywhere on the command line).
    mkdirSync(join(work, '.config', 'connectivity'), { recursive: true });
    writeFileSync(join(work, 'token'), d.token + '\n', { mode: 0o600 });
    writeFileSync(join(work, '.config', 'connectivity', 'config.toml'), `url = "${d.url}"\ntoken_file = "${join(work, 'token')}"\n`);
    const env = { HOME: work };
    writeFileSync(join(work, 'config.json'), JSON.stringify({ name: 'generic-cli', pollingPeriod: '2m', apiKey: 'cli-generic-key', endpoint: sbx.url }));
    const id = (await ok(['connectors', 'install', 'generic', join(work, 'config.json')], { env })).trim();
    assert.ok(id.length > 40, id);

    const fields = await ok(['connectors', 'configs', 'generic'], { env });
    assert.match(fields, /^generic +apiKey +string +yes/m);
    assert.match(fields, /^generic +pollingPeriod +duration +no +30m +\S/m);
    const cfg = JSON.parse(await ok(['connectors', 'config', 'generic-cli', '--json'], { env }));
    assert.equal(cfg.data.endpoint, sbx.url);
    assert.match(cfg.data.pollingPeriod, /^2m(0s)?$/);  // a Go duration, as the reference writes it back

    // What it synced equals the sandbox's truth: every account (reference, name, asset), every
    // payment (reference and type, amount, asset, status) and their balances.
    const want = expectedView(await (await fetch(`${sbx.url}/sandbox/console/truth`)).json());
    const view = (accounts, payments) => ({
      accounts: accounts.filter((a) => a.type === 'INTERNAL').map((a) => `${a.reference} ${a.name}`).sort(),
      payments: payments.map((p) => `${p.reference} ${p.type} ${p.amount} ${p.asset} ${p.status}`).sort(),
    });
    const truthView = {
      accounts: [...want.accounts.values()].map((a) => `${a.reference} ${a.name}`).sort(),
      payments: [...want.payments.values()].map((p) => `${p.reference} ${p.type} ${p.amount} ${p.asset} ${p.status}`).sort(),
    };
    assert.ok(truthView.accounts.length > 0 && truthView.payments.length > 0, 'the sandbox serves data');
    let synced;
    await eventually(async () => {
      synced = view(itemsOf(await ok(['accounts', 'list', '--connector', 'generic-cli', '--all', '--json'], { env })),
        itemsOf(await ok(['payments', 'list', '--connector', 'generic-cli', '--all', '--json'], { env })));
      return JSON.stringify(synced) === JSON.stringify(truthView);
    }, { timeoutMs: 30000, intervalMs: 300, what: `the ${truthView.accounts.length} accounts and ${truthView.payments.length} payments to sync` })
      .catch((e) => { assert.deepEqual(synced, truthView); throw e; });
    const accountsTable = await ok(['accounts', 'list', '--connector', 'generic-cli', '--type', 'INTERNAL', '--all'], { env });
    for (const a of want.accounts.values()) assert.match(accountsTable, new RegExp(` ${a.reference} +INTERNAL +`), accountsTable);
    const internal = itemsOf(await ok(['accounts', 'list', '--connector', 'generic-cli', '--type', 'INTERNAL', '--all', '--json'], { env }));
    for (const a of internal.slice(0, 3)) {
      const got = itemsOf(await ok(['accounts', 'balances', a.id, '--json'], { env }));
      const newest = new Map();
      for (const b of got) if (!newest.has(b.asset)) newest.set(b.asset, String(b.balance));  // newest first
      for (const [asset, amount] of newest) assert.equal(amount, want.balances.get(`${a.reference} ${asset}`), `balance of ${a.reference} ${asset}`);
      assert.ok(got.length > 0, `account ${a.reference} has balances`);
    }
    const schedules = await ok(['schedules', 'list', 'generic-cli'], { env });
    assert.ok(schedules.trimEnd().split('\n').length >= 2, `schedules: ${schedules}`);

    const out = await ok(['connectors', 'uninstall', 'generic-cli'], { env });
    const task = out.match(/task (\S+)/)?.[1];
    assert.match(await ok(['tasks', 'get', task, '--wait', '20'], { env }), /SUCCEEDED/);
    assert.doesNotMatch(await ok(['connectors', 'list'], { env }), /generic-cli/);
  });
});
