// A person linking a bank: headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) opens the webview link the v3 API returned, picks the first bank, logs in,
// consents, passes through connectivityd's redirect endpoint and lands on the client's redirect
// URL (served by a small local HTTP server) with the link attempt completed and the data synced.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startDaemon, freePort, cleanup, withLogsOnFailure } from './lib/harness.mjs';
import {
  startPowensSandbox, installPowens, createForwardedPsu, createLink, attemptStatus, assertEqualsTruth,
} from './lib/powens.mjs';

const CHROMIUM = '/usr/bin/chromium';
const cleanups = [];

after(async () => {
  for (const c of cleanups.reverse()) {
    try { await c(); } catch { /* best effort */ }
  }
});

/** The client application's landing page: records every request it gets. */
async function clientApp() {
  const port = await freePort();
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Bank linked</title><h1 id="linked">Bank linked</h1>');
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${port}/bank-linked?from=browser`, hits };
}

test('headless Chromium clicks through the Powens webview and lands on the client redirect URL', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (Debian package chromium)`);
    return;
  }
  const sandbox = await startPowensSandbox({ seed: 5 });
  cleanups.push(() => sandbox.stop('SIGTERM', 5000));
  const daemon = await startDaemon();
  cleanups.push(async () => { await daemon.proc.stop(); cleanup(daemon.dataDir); });
  const app = await clientApp();

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  cleanups.push(() => browser.close());

  await withLogsOnFailure(() => [daemon, sandbox], async () => {
    const connectorID = await installPowens(daemon, sandbox, { name: 'powens-browser' });
    const psuID = await createForwardedPsu(daemon.api, connectorID);
    const { attemptID, link } = await createLink(daemon.api, psuID, connectorID, app.url);

    const page = await browser.newPage();
    page.setDefaultTimeout(15000);
    const visited = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) visited.push(f.url()); });

    await page.goto(link);
    await page.click('#bank-0');
    await page.fill('#login', 'camille.durand');
    await page.fill('#password', 'correct horse battery staple');
    await page.click('#submit');
    await page.waitForSelector('#accept');
    await page.click('#accept');
    await page.waitForURL((u) => u.href.startsWith(app.url.split('?')[0]), { timeout: 20000 });

    assert.equal(page.url(), app.url, `the browser ended on ${page.url()} (visited ${visited.join(' → ')})`);
    assert.equal(await page.textContent('#linked'), 'Bank linked');
    assert.deepEqual(app.hits.filter((h) => h !== '/favicon.ico'), ['/bank-linked?from=browser'], 'the client app was loaded once');
    assert.ok(visited.some((u) => u.startsWith(sandbox.url)), `the webview was shown: ${visited.join(' → ')}`);

    const attempt = await attemptStatus(daemon.api, psuID, connectorID, attemptID);
    assert.equal(attempt.status, 'completed', `attempt: ${JSON.stringify(attempt)}`);
    const connections = await daemon.api.all(`/payment-service-users/${psuID}/connections`);
    assert.equal(connections.length, 1, `connections: ${JSON.stringify(connections)}`);

    await assertEqualsTruth(daemon, sandbox, psuID, { timeoutMs: 60000, label: 'after the browser link: ' });
  });
});
