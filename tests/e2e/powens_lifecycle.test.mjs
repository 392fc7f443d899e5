// Powens connection lifecycle end to end (issue 17 C): with the sandbox's webhooks registered, a
// connection deleted through the API stays deleted when Powens' CONNECTION_DELETED follows, and a
// deletion made at Powens removes the connection and its data. Also what the Powens page
// promises around it: the endpoint in its /2.0 form, the webhook URLs to register shown by the
// API and the log, and the PSU-level metadata (user_id, expires_in).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, cleanup, withLogsOnFailure, stepper, sleep, eventually } from './lib/harness.mjs';
import { startPowensSandbox, linkedPsu, deliveriesDrained, console_, webhookURL, WEBHOOK_EVENTS } from './lib/powens.mjs';

const running = [];
const dirs = [];

async function sandbox() {
  const s = await startPowensSandbox({ seed: 7 });
  running.push(s);
  return s;
}

async function daemon() {
  const d = await startDaemon();
  running.push(d.proc);
  dirs.push(d.dataDir);
  return d;
}

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

/** The PSU's only connection once its first sync landed (accounts stored). */
async function syncedConnection(d, psuID) {
  return eventually(async () => {
    const conns = await d.api.all(`/payment-service-users/${psuID}/connections`);
    const accounts = await d.api.all('/accounts', { $match: { psu_id: psuID } });
    return conns.length === 1 && accounts.length > 0 ? conns[0] : null;
  }, { timeoutMs: 30000, what: 'the linked connection and its accounts' });
}

/** Asserts the PSU has no connection and no account now and still a while later. */
async function staysGone(d, sbx, psuID) {
  await deliveriesDrained(sbx);
  for (let i = 0; i < 6; i++) {
    const conns = await d.api.all(`/payment-service-users/${psuID}/connections`);
    assert.deepEqual(conns, [], `connections came back: ${JSON.stringify(conns)}`);
    const accounts = await d.api.all('/accounts', { $match: { psu_id: psuID } });
    assert.equal(accounts.length, 0, `${accounts.length} accounts of the deleted connection remain`);
    await sleep(250);
  }
}

test('Powens: an API deletion stays final when CONNECTION_DELETED follows', async (t) => {
  const sbx = await sandbox();
  const d = await daemon();
  const step = stepper(t);
  await withLogsOnFailure(() => [d, sbx], async () => {
    // The endpoint as the Powens page writes it: https://<domain>/2.0.
    const { connectorID, psuID } = await linkedPsu(d, sbx, { extra: { endpoint: `${sbx.url}/2.0` } });

    await step('the webhook URLs to register are listed by the API and logged at install', async () => {
      const r = await d.api.get(`/connectors/${connectorID}/webhooks`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const urls = Object.fromEntries(r.body.data.map((h) => [h.name, h.url]));
      for (const event of Object.keys(WEBHOOK_EVENTS)) {
        assert.equal(urls[event], webhookURL(d, connectorID, event), `URL of ${event}`);
        assert.ok(d.proc.log().includes(webhookURL(d, connectorID, event)), `install log names the ${event} URL`);
      }
      assert.ok(urls.CONNECTION_PENDING_DISCONNECT, 'the pending-disconnect URL is listed too');
      assert.ok(!JSON.stringify(r.body).includes('secret'), 'no secret is shown');
    });

    await step('the PSU shows Powens user_id and expires_in', async () => {
      const psu = await d.api.get(`/payment-service-users/${psuID}`);
      assert.equal(psu.status, 200);
      assert.match(psu.body.data.metadata.user_id, /^\d+$/);
      assert.equal(psu.body.data.metadata.expires_in, '0');
      assert.equal(psu.body.data.metadata.crm_id, 'C-1042', 'the client metadata is kept');
    });

    await step('DELETE the connection (202), CONNECTION_DELETED arrives, the connection stays gone', async () => {
      const conn = await syncedConnection(d, psuID);
      const del = await d.api.call('DELETE', `/payment-service-users/${psuID}/connectors/${connectorID}/connections/${conn.connectionID}`);
      assert.equal(del.status, 202, JSON.stringify(del.body));
      // The sandbox sends CONNECTION_DELETED to the registered URL once our delete reaches it.
      await eventually(async () => {
        const sent = await console_(sbx, 'GET', '/deliveries');
        return sent.deliveries.some((x) => x.event === 'CONNECTION_DELETED' && x.status === 200);
      }, { timeoutMs: 20000, what: 'CONNECTION_DELETED delivered and acknowledged' });
      await staysGone(d, sbx, psuID);
    });
  });
});

test('Powens: a deletion at Powens removes the connection and its data', async (t) => {
  const sbx = await sandbox();
  const d = await daemon();
  const step = stepper(t);
  await withLogsOnFailure(() => [d, sbx], async () => {
    const { connectorID, psuID } = await linkedPsu(d, sbx);
    const conn = await syncedConnection(d, psuID);

    await step('the connection deleted in the Powens console goes with its accounts and payments', async () => {
      await console_(sbx, 'DELETE', `/connections/${conn.connectionID}`);
      await eventually(async () => {
        const conns = await d.api.all(`/payment-service-users/${psuID}/connections`);
        return conns.length === 0;
      }, { timeoutMs: 20000, what: 'the connection to be removed' });
      await staysGone(d, sbx, psuID);
      const payments = await d.api.all('/payments');
      assert.equal(payments.length, 0, `${payments.length} payments of the deleted connection remain`);
    });

    await step('the API then answers 404 for it', async () => {
      const del = await d.api.call('DELETE', `/payment-service-users/${psuID}/connectors/${connectorID}/connections/${conn.connectionID}`);
      assert.equal(del.status, 404, JSON.stringify(del.body));
    });
  });
});
