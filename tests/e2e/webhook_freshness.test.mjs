// Webhook freshness and replay (Powens): a correctly signed delivery whose BI-Signature-Date is
// outside the tolerance window (2001, 2099, ten minutes off) or not a date is refused with 401;
// a genuine delivery replayed after its body was pruned (--webhook-retention) is acknowledged
// but not stored or applied again; --webhook-tolerance sets the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { stoppedAfterTests, withLogsOnFailure, sqliteScalar, stepper, sleep } from './lib/harness.mjs';
import { startPowensSandbox, installPowens, console_, webhookURL } from './lib/powens.mjs';

const { running, dirs, daemon } = stoppedAfterTests();

test('Powens webhooks: signature dates outside the window are refused, replays after the prune are not applied', async (t) => {
  const sbx = await startPowensSandbox({ seed: 5 });
  running.push(sbx);
  let d = await daemon({ extraArgs: ['--webhook-retention', '1s'] });
  const step = stepper(t);
  await withLogsOnFailure(() => [d, sbx], async () => {
    const connectorID = await installPowens(d, sbx);
    const { auths } = await console_(sbx, 'GET', '/webhooks');
    assert.equal(auths.length, 1, `one HMAC auth created at install: ${JSON.stringify(auths)}`);
    const secret = auths[0].secret;
    const url = webhookURL(d, connectorID, 'USER_SYNCED');
    const path = new URL(url).pathname;
    const body = JSON.stringify({ user: { id: 424242 }, connections: [] });
    const deliver = async (date, b = body) => {
      const signature = createHmac('sha256', secret).update(`POST.${path}.${date}.${b}`).digest('base64');
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'bi-signature-date': date, 'bi-signature': signature },
        body: b,
      });
      return { status: r.status, text: await r.text() };
    };
    const stored = () => Number(sqliteScalar(d.dataDir, 'SELECT count(*) FROM received_webhooks'));
    const minutes = (m) => new Date(Date.now() + m * 60000).toISOString();

    await step('signed deliveries dated 2001, 2099, ten minutes off, or not a date are refused with 401', async () => {
      for (const date of ['2001-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 'not-a-date', minutes(-10), minutes(10),
        'Mon, 01 Jan 2001 00:00:00 GMT']) {
        const r = await deliver(date);
        assert.equal(r.status, 401, `BI-Signature-Date ${date} answered ${r.status}: ${r.text}`);
      }
      assert.equal(stored(), 0, 'a refused webhook was stored');
    });

    let genuine;
    await step('a fresh delivery (RFC 3339 or HTTP date) is accepted once; its duplicate is acknowledged, not stored', async () => {
      genuine = minutes(-1);
      assert.ok((await deliver(genuine)).status < 300);
      assert.equal(stored(), 1);
      assert.ok((await deliver(genuine)).status < 300, 'a duplicate is acknowledged');
      assert.equal(stored(), 1, 'a duplicate was stored again');
      assert.ok((await deliver(new Date().toUTCString(), JSON.stringify({ user: { id: 1 } }))).status < 300, 'an HTTP date is read');
      assert.equal(stored(), 2);
    });

    await step('after the retention prune, the captured delivery replayed within the window is not stored again', async () => {
      await sleep(1200);
      await d.proc.stop('SIGTERM', 5000);
      d = await daemon({ dataDir: d.dataDir, port: d.port, extraArgs: ['--webhook-retention', '1s'] });
      assert.equal(stored(), 0, 'the bodies older than the retention were pruned at start');
      const r = await deliver(genuine);
      assert.ok(r.status < 300, `a replay is acknowledged (${r.status})`);
      await sleep(300);
      assert.equal(stored(), 0, 'the replayed delivery was stored (and applied) again');
    });

    await step('--webhook-tolerance sets the window: three minutes off is refused under 1m', async () => {
      assert.ok((await deliver(minutes(-3), JSON.stringify({ user: { id: 2 } }))).status < 300, 'accepted under the default 5m');
      await d.proc.stop('SIGTERM', 5000);
      d = await daemon({ dataDir: d.dataDir, port: d.port, extraArgs: ['--webhook-tolerance', '1m'] });
      const r = await deliver(minutes(-3), JSON.stringify({ user: { id: 3 } }));
      assert.equal(r.status, 401, `three minutes off under --webhook-tolerance 1m: ${r.status} ${r.text}`);
    });
    step.check();
  });
});
