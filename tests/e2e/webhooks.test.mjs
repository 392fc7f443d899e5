// Outbound webhooks end to end (docs/events.md): the official SDK (sdk.webhooks.v1) subscribes a
// loopback receiver to the open-banking events; the receiver verifies every signature while the
// Powens flow runs (link, sync, consent expiry through the sandbox clock, disconnection,
// reconnection, PSU deletion) and gets exactly the expected events in a valid order. Then delivery
// guarantees: 500 then 200 is retried; 400 is final until replayed; a SIGKILL while a delivery
// waits for its answer and a provider call is in flight delivers it after restart with the same
// id, and the provider's next webhook is processed at once (nothing the dead process held, task
// leases included, makes it wait). Last, unsafe endpoints are refused when a config is saved.
// Retry delays are shortened by flag.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SDK } from '@formance/formance-sdk';
import { HTTPClient } from '@formance/formance-sdk/lib/http.js';
import { startDaemon, cleanup, withLogsOnFailure, stepper, sleep, eventually } from './lib/harness.mjs';
import { startPowensSandbox, linkedPsu, console_ } from './lib/powens.mjs';
import { Receiver, OPEN_BANKING_EVENTS, short } from './lib/webhook_receiver.mjs';

const FLAGS = ['--webhooks-allow-insecure', '--webhooks-min-backoff', '300ms', '--webhooks-max-backoff', '1s',
  '--webhooks-poll-interval', '50ms', '--webhooks-inflight-per-endpoint', '1'];
const running = [];
const dirs = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

async function daemon(opts = {}) {
  const d = await startDaemon({ extraArgs: FLAGS, ...opts });
  running.push(d.proc);
  if (!dirs.includes(d.dataDir)) dirs.push(d.dataDir);
  return d;
}

/** sdk.webhooks.v1 of the official SDK, authenticated with the daemon's bearer token. */
function webhooksSdk(d) {
  const http = new HTTPClient();
  http.addHook('beforeRequest', (req) => {
    const r = new Request(req);
    r.headers.set('authorization', `Bearer ${d.token}`);
    return r;
  });
  return new SDK({ serverURL: d.url, httpClient: http }).webhooks.v1;
}

async function receiver() {
  const r = await Receiver.start();
  running.push({ stop: () => r.stop() });
  return r;
}

/** Waits until an event of that short type arrived at index ≥ from; returns it. */
function arrival(rcv, type, from) {
  return eventually(() => rcv.events(from).find((e) => short(e.json?.type ?? '') === type),
    { timeoutMs: 20000, what: `the ${type} webhook` });
}

/** The daemon's cx_tasks{state="running"} gauge. */
async function runningTasks(d) {
  const text = await (await fetch(`${d.url}/metrics`, { headers: { authorization: `Bearer ${d.token}` } })).text();
  const m = text.match(/^cx_tasks\{state="running"\} (\d+)/m);
  return m ? Number(m[1]) : 0;
}

/** The connection the PSU got once its first sync landed. */
async function connectionOf(d, psuID) {
  return eventually(async () => {
    const conns = await d.api.all(`/payment-service-users/${psuID}/connections`);
    return conns.length === 1 ? conns[0] : null;
  }, { timeoutMs: 20000, what: 'the linked connection' });
}

test('the SDK subscribes a receiver; the Powens flow sends exactly the expected, signed open-banking events', async (t) => {
  const sbx = await startPowensSandbox({ seed: 11 });
  running.push(sbx);
  const d = await daemon();
  const rcv = await receiver();
  const step = stepper(t);
  const sdk = webhooksSdk(d);
  await withLogsOnFailure(() => [d, sbx], async () => {
    let config;
    await step('insertConfig / getManyConfigs / testConfig through the official SDK', async () => {
      const res = await sdk.insertConfig({ endpoint: rcv.url, eventTypes: OPEN_BANKING_EVENTS });
      config = res.configResponse.data;
      assert.equal(config.active, true);
      assert.equal(config.secret.length, 32);
      rcv.secret = config.secret;
      const many = await sdk.getManyConfigs({ endpoint: rcv.url });
      assert.deepEqual(many.configsResponse.cursor.data.map((c) => c.id), [config.id]);
      const ping = await sdk.testConfig({ id: config.id });
      assert.equal(ping.attemptResponse.data.status, 'success');
      assert.equal(rcv.requests.at(-1).test, 'true');
      assert.equal(rcv.requests.at(-1).body, '{"data":"test"}');
    });

    const { connectorID, psuID, attemptID } = await linkedPsu(d, sbx);
    let conn;
    await step('link and first sync: LINK_STATUS completed, DATA_SYNCED with the connection', async () => {
      await arrival(rcv, 'USER_LINK_STATUS', 0);
      conn = await connectionOf(d, psuID);
      await eventually(() => rcv.events(0).some((e) => e.json.payload.connectionID === conn.connectionID && e.json.type.endsWith('data_synced')),
        { timeoutMs: 20000, what: 'DATA_SYNCED of the connection' });
      const types = new Set(rcv.types(0));
      assert.deepEqual([...types].sort(), ['DATA_SYNCED', 'USER_LINK_STATUS'], rcv.types(0).join(','));
      const links = rcv.events(0).filter((e) => e.json.type.endsWith('link_status'));
      assert.equal(links.length, 1);
      assert.deepEqual(links[0].json.payload, { attemptID, connectorID, psuID, status: 'completed' });
    });

    let from = rcv.requests.length;
    await step('consent expiry through the sandbox clock: 9 days left is quiet; 3 days on, PENDING_DISCONNECT', async () => {
      const clock = await console_(sbx, 'GET', '/clock');
      await console_(sbx, 'POST', `/connections/${conn.connectionID}/state`, { state: null, expireInDays: 9 });
      await eventually(() => rcv.types(from).includes('DATA_SYNCED'), { timeoutMs: 20000, what: 'the sync reporting 9 days left' });
      assert.deepEqual([...new Set(rcv.types(from))], ['DATA_SYNCED'], 'nothing pending 9 days ahead');
      from = rcv.requests.length;
      await console_(sbx, 'POST', '/clock', { advance: '72h' });
      const e = await arrival(rcv, 'PENDING_DISCONNECT', from);
      assert.equal(e.json.payload.connectionID, conn.connectionID);
      assert.match(e.json.payload.reason, /consent expires/);
      const left = Date.parse(e.json.payload.at) - Date.parse(clock.now);
      assert.ok(Math.abs(left - 9 * 86400000) < 120000, `at is when the consent ends: ${e.json.payload.at} (clock was ${clock.now})`);
      assert.deepEqual([...new Set(rcv.types(from))].filter((x) => x !== 'DATA_SYNCED'), ['PENDING_DISCONNECT']);
    });

    from = rcv.requests.length;
    await step('the bank asks for SCA: DISCONNECTED with Powens\' classification', async () => {
      await console_(sbx, 'POST', `/connections/${conn.connectionID}/state`, { state: 'SCARequired' });
      const e = await arrival(rcv, 'DISCONNECTED', from);
      assert.equal(e.json.payload.errorType, 'USER_ACTION_NEEDED');
      assert.equal(e.json.payload.connectionID, conn.connectionID);
      await sleep(300);
      assert.deepEqual(rcv.types(from).filter((x) => x !== 'DATA_SYNCED'), ['DISCONNECTED']);
    });

    from = rcv.requests.length;
    await step('repaired: RECONNECTED, then DATA_SYNCED', async () => {
      await console_(sbx, 'POST', `/connections/${conn.connectionID}/state`, { state: null, expireInDays: 90 });
      await arrival(rcv, 'RECONNECTED', from);
      await eventually(() => rcv.types(from).includes('DATA_SYNCED'), { timeoutMs: 20000, what: 'DATA_SYNCED after reconnection' });
      const types = rcv.types(from);
      assert.equal(types[0], 'RECONNECTED', types.join(','));
      assert.deepEqual([...new Set(types)], ['RECONNECTED', 'DATA_SYNCED']);
    });

    from = rcv.requests.length;
    await step('the PSU deleted through the API: USER_DISCONNECTED, and nothing after it', async () => {
      const del = await d.api.call('DELETE', `/payment-service-users/${psuID}`);
      assert.equal(del.status, 202, JSON.stringify(del.body));
      const e = await arrival(rcv, 'USER_DISCONNECTED', from);
      assert.deepEqual(Object.keys(e.json.payload).sort(), ['at', 'connectorID', 'psuID', 'reason']);
      await sleep(500);
      const types = rcv.types(from).filter((x) => x !== 'DATA_SYNCED');
      assert.deepEqual(types, ['USER_DISCONNECTED']);
      assert.equal(rcv.types(from).at(-1), 'USER_DISCONNECTED');
    });

    await step('every request was signed, every body is a reference envelope about this PSU, in a valid order', async () => {
      assert.equal(rcv.badSignatures, 0);
      assert.ok(rcv.requests.every((r) => r.signed));
      // The whole story in one line; DATA_SYNCED may also come from polling, anywhere once linked.
      const story = rcv.types().join(' ');
      assert.match(story, new RegExp('^(DATA_SYNCED )*USER_LINK_STATUS( DATA_SYNCED)+ PENDING_DISCONNECT( PENDING_DISCONNECT| DATA_SYNCED)*'
        + ' DISCONNECTED( DATA_SYNCED)* RECONNECTED( DATA_SYNCED)+ USER_DISCONNECTED$'), story);
      const ids = new Set();
      for (const e of rcv.events()) {
        assert.deepEqual(Object.keys(e.json), ['idempotency_key', 'date', 'app', 'version', 'type', 'payload']);
        assert.equal(e.json.app, 'payments');
        assert.equal(e.json.version, 'v3');
        assert.equal(e.json.payload.psuID, psuID);
        assert.equal(e.json.payload.connectorID, connectorID);
        assert.equal(e.idempotencyKey, e.json.idempotency_key);
        assert.ok(!ids.has(e.id), 'one delivery id per event');
        ids.add(e.id);
      }
      const listed = await sdk.getDeliveries({ configId: config.id, status: 'succeeded', pageSize: 1000 });
      assert.equal(listed.deliveriesResponse.cursor.data.length, rcv.events().length);
    });
  });
});

test('delivery: SIGKILL before the answer delivers after restart; 500 then 200 retried; 400 final until replayed', async (t) => {
  const sbx = await startPowensSandbox({ seed: 12 });
  running.push(sbx);
  let d = await daemon();
  const rcv = await receiver();
  const step = stepper(t);
  await withLogsOnFailure(() => [d, sbx], async () => {
    let sdk = webhooksSdk(d);
    const config = (await sdk.insertConfig({
      endpoint: rcv.url,
      eventTypes: ['payments.open_banking_user_connection_disconnected', 'payments.open_banking_user_connection_reconnected'],
    })).configResponse.data;
    rcv.secret = config.secret;
    const { psuID } = await linkedPsu(d, sbx, { pollingPeriod: '2s' });
    const conn = await connectionOf(d, psuID);
    const setState = (state, extra = {}) => console_(sbx, 'POST', `/connections/${conn.connectionID}/state`, { state, ...extra });

    // Each toggle makes the provider report the connection broken, then repaired: at least one
    // new DISCONNECTED or RECONNECTED event (which depends on what polling saw in between).
    // Each report differs from the earlier ones (the daemon drops a provider webhook it already took).
    let toggles = 0;
    const toggle = async () => {
      toggles++;
      await setState(['wrongpass', 'actionNeeded', 'passwordExpired'][toggles % 3], { errorMessage: `broken ${toggles}` });
      await setState(null, { expireInDays: 30 + toggles });
    };
    const first = (from) => eventually(() => rcv.events(from)[0], { timeoutMs: 20000, what: 'a new event' });
    const sent = (id) => rcv.events().filter((e) => e.id === id).length;

    await step('500 then 200: retried with the same id, two attempts', async () => {
      const from = rcv.requests.length;
      rcv.next = [500];
      await toggle();
      const a = await first(from);
      await eventually(() => sent(a.id) === 2, { timeoutMs: 20000, what: 'the retry' });
      const attempts = await eventually(async () => {
        const r = (await sdk.getDeliveryAttempts({ id: a.id })).deliveryAttemptsResponse.cursor.data;
        return r.length === 2 ? r : null;
      }, { timeoutMs: 10000, what: 'two attempts' });
      assert.deepEqual(attempts.map((x) => [x.attemptNumber, x.outcome, x.statusCode]),
        [[2, 'succeeded', 200], [1, 'retryable_failure', 500]]);
    });

    await step('400 is final; a replay through the SDK delivers it', async () => {
      const from = rcv.requests.length;
      rcv.next = [400];
      await toggle();
      const e = await first(from);
      await eventually(async () => (await sdk.getDelivery({ id: e.id })).deliveryResponse.data.status === 'failed',
        { timeoutMs: 10000, what: 'the delivery to fail' });
      await sleep(1200);  // past the longest retry delay
      assert.equal(sent(e.id), 1, 'no retry after a 400');
      const attempts = (await sdk.getDeliveryAttempts({ id: e.id })).deliveryAttemptsResponse.cursor.data;
      assert.deepEqual(attempts.map((x) => [x.outcome, x.statusCode]), [['permanent_failure', 400]]);
      const replay = await sdk.replayDelivery({ id: e.id, idempotencyKey: `replay-${e.id}` });
      assert.equal(replay.deliveryResponse.data.replayGeneration, 1);
      await eventually(() => sent(e.id) === 2, { timeoutMs: 10000, what: 'the replayed delivery' });
      await eventually(async () => (await sdk.getDelivery({ id: e.id })).deliveryResponse.data.status === 'succeeded',
        { timeoutMs: 10000, what: 'the replay to succeed' });
      assert.equal(rcv.badSignatures, 0);
    });
    // Last: the daemon is SIGKILLed while a delivery waits for its answer and a provider call is
    // in flight (the connection was repaired, so it is polled every 2 s, and the sandbox answers slowly).
    await step('SIGKILL mid-delivery and mid-task: delivered after restart with the same id and key; provider webhooks processed at once', async () => {
      rcv.next = ['hang'];
      const from = rcv.requests.length;
      await setState('SCARequired', { errorMessage: 'kill' });
      const first = await arrival(rcv, 'DISCONNECTED', from);
      await console_(sbx, 'POST', '/faults', { latencyMs: 3000, latencyRate: 1 });
      await setState(null, { expireInDays: 50 });  // RECONNECTED waits behind the held delivery
      await eventually(async () => (await runningTasks(d)) >= 1, { timeoutMs: 10000, intervalMs: 50, what: 'a polled fetch in flight' });
      await d.proc.stop('SIGKILL');
      await console_(sbx, 'DELETE', '/faults');
      d = await daemon({ dataDir: d.dataDir, port: d.port });
      sdk = webhooksSdk(d);
      await eventually(() => rcv.events().filter((e) => e.id === first.id).length === 2,
        { timeoutMs: 20000, what: 'the interrupted delivery after restart' });
      const again = rcv.events().filter((e) => e.id === first.id)[1];
      assert.equal(again.body, first.body);
      assert.equal(again.idempotencyKey, first.idempotencyKey);
      await eventually(() => rcv.types(from).includes('RECONNECTED'), { timeoutMs: 10000, what: 'the RECONNECTED queued before the kill' });
      await eventually(async () => (await sdk.getDelivery({ id: first.id })).deliveryResponse.data.status === 'succeeded',
        { timeoutMs: 10000, what: 'the delivery to succeed' });
      assert.equal((await sdk.getDelivery({ id: first.id })).deliveryResponse.data.payload, first.body);

      // Nothing the killed process held (task leases, a quarantine) keeps the provider's next
      // webhook waiting: broken again → DISCONNECTED well within the 10 s bound.
      const next = rcv.requests.length;
      const sent = Date.now();
      await setState('wrongpass', { errorMessage: 'after restart' });
      const e = await eventually(() => rcv.events(next).find((x) => x.json.payload.reason === 'after restart'),
        { timeoutMs: 10000, what: 'the provider webhook processed after the restart' });
      assert.equal(short(e.json.type), 'DISCONNECTED');
      t.diagnostic(`provider webhook after the restart delivered as DISCONNECTED in ${Date.now() - sent} ms`);
      assert.equal(rcv.badSignatures, 0);
    });
  });
});

test('endpoint safety: unsafe endpoints are refused with 400 naming the problem, nothing is saved', async () => {
  const d = await daemon();
  const strict = await daemon({ extraArgs: [] });  // no --webhooks-allow-insecure
  const save = (dm, endpoint) => fetch(`${dm.url}/api/webhooks/configs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dm.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint, eventTypes: ['payments.saved_payment'] }),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const refused = [
    [d, 'http://169.254.169.254/latest/meta-data', /metadata/],      // cloud metadata, always
    [d, 'http://[fe80::1]/hook', /link-local/],                       // link-local, always
    [d, 'http://10.0.0.1/hook', /private or reserved/],               // private, http or not
    [d, 'https://192.168.1.10/hook', /private/],                      // private without its flag
    [d, 'ftp://example.com/hook', /valid url/],
    [d, 'https://user:pw@example.com/hook', /valid url/],
    [strict, 'http://127.0.0.1:9/hook', /https/],                      // loopback http needs the flag
  ];
  for (const [dm, endpoint, why] of refused) {
    const r = await save(dm, endpoint);
    assert.equal(r.status, 400, `${endpoint}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.errorCode, 'VALIDATION');
    assert.match(r.body.errorMessage, why, endpoint);
  }
  const ok = await save(d, 'http://127.0.0.1:9/hook');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  for (const dm of [d, strict]) {
    const list = await webhooksSdk(dm).getManyConfigs({});
    assert.deepEqual(list.configsResponse.cursor.data.map((c) => c.endpoint), dm === d ? ['http://127.0.0.1:9/hook'] : []);
  }
});
