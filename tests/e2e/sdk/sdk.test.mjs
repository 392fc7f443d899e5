// The official client against a real connectivityd: @formance/formance-sdk 7.0.1 (locked in
// tests/e2e/package-lock.json) drives connectors, payment service users, accounts, balances and
// payments over loopback, with the generic connector polling the generic sandbox. The client
// validates every answer against its schemas and throws on any mismatch, so a passing run means
// the wire format is what the reference's clients expect.
// Needs connectivityd, connectivity-sandbox and plugins/generic.so built (CX_BUILD_DIR, default
// build/) and the locked node packages (tools/setup). Run: cd tests/e2e && node --test sdk/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SDK } from '@formance/formance-sdk';
import { HTTPClient } from '@formance/formance-sdk/lib/http.js';
import { startDaemon, startSandbox, eventually, cleanup } from '../lib/harness.mjs';

const API_KEY = 'sdk-sandbox-key';
let sandbox;
let daemon;
let v3;

before(async () => {
  sandbox = await startSandbox('generic', ['--api-key', API_KEY, '--seed', '7', '--transactions', '120']);
  daemon = await startDaemon();
  // The SDK authenticates with OAuth client credentials; our API takes a static bearer token.
  const http = new HTTPClient();
  http.addHook('beforeRequest', (req) => {
    const r = new Request(req);
    r.headers.set('authorization', `Bearer ${daemon.token}`);
    return r;
  });
  v3 = new SDK({ serverURL: daemon.url, httpClient: http }).payments.v3;
});

after(async () => {
  await daemon?.proc.stop();
  await sandbox?.stop();
  cleanup(daemon?.dataDir);
});

function dumpOnFailure(t) {
  t.after(() => {
    if (t.passed === false) {
      console.error(daemon?.proc.log());
    }
  });
}

test('the official SDK drives connectors, PSUs, accounts, balances and payments', async (t) => {
  dumpOnFailure(t);
  let connectorID;

  await t.test('install, list, get config', async () => {
    const res = await v3.installConnector({
      connector: 'generic',
      v3ConnectorConfig: { provider: 'Generic', name: 'sdk-generic', apiKey: API_KEY, endpoint: sandbox.url, pollingPeriod: '1m' },
    });
    assert.equal(res.statusCode, 202);
    connectorID = res.v3InstallConnectorResponse.data;
    assert.match(connectorID, /^[A-Za-z0-9_-]+$/);

    const list = await v3.listConnectors({ pageSize: 10 });
    const found = list.v3ConnectorsCursorResponse.cursor.data.find((c) => c.id === connectorID);
    assert.ok(found, 'installed connector listed');
    assert.equal(found.provider, 'generic');
    assert.equal(found.name, 'sdk-generic');

    const cfg = await v3.getConnectorConfig({ connectorID });
    const data = cfg.v3GetConnectorConfigResponse.data;
    assert.equal(data.provider, 'Generic');
    assert.equal(data.name, 'sdk-generic');
    assert.equal(data.endpoint, sandbox.url);

    const configs = await v3.listConnectorConfigs();
    const generic = configs.v3ConnectorConfigsResponse.data.generic;
    assert.equal(generic.apiKey.required, true);
    assert.equal(generic.name.dataType, 'string');

    const caps = await v3.listConnectorCapabilities({});
    assert.ok(caps.v3ConnectorCapabilitiesResponse.data.generic.includes('FETCH_ACCOUNTS'));
    const etag = caps.headers?.etag?.[0] ?? caps.rawResponse.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+"$/);
    const own = await v3.getConnectorCapabilities({ connectorID });
    assert.ok(own.v3ConnectorCapabilityResponse.data.includes('FETCH_PAYMENTS'));
  });

  let psuID;
  await t.test('payment service users: create, get, list', async () => {
    const created = await v3.createPaymentServiceUser({
      name: 'Ada Lovelace',
      contactDetails: { email: 'ada@example.com', phoneNumber: '+33612345678' },
      address: { streetNumber: '12', streetName: 'Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
      metadata: { segment: 'sdk' },
    });
    assert.equal(created.statusCode, 201);
    psuID = created.v3CreatePaymentServiceUserResponse.data;

    const got = await v3.getPaymentServiceUser({ paymentServiceUserID: psuID });
    const psu = got.v3GetPaymentServiceUserResponse.data;
    assert.equal(psu.name, 'Ada Lovelace');
    assert.equal(psu.contactDetails.email, 'ada@example.com');
    assert.equal(psu.address.city, 'Paris');
    assert.equal(psu.metadata.segment, 'sdk');

    const bare = await v3.createPaymentServiceUser({ name: 'No Details' });
    const bareGot = await v3.getPaymentServiceUser({ paymentServiceUserID: bare.v3CreatePaymentServiceUserResponse.data });
    assert.equal(bareGot.v3GetPaymentServiceUserResponse.data.contactDetails, undefined);

    const list = await v3.listPaymentServiceUsers({ pageSize: 1 });
    const cursor = list.v3PaymentServiceUsersCursorResponse.cursor;
    assert.equal(cursor.data.length, 1);
    assert.equal(cursor.hasMore, true);
    const next = await v3.listPaymentServiceUsers({ cursor: cursor.next });
    assert.equal(next.v3PaymentServiceUsersCursorResponse.cursor.data.length, 1);
  });

  let account;
  await t.test('accounts: list with a $match filter, get, balances', async () => {
    const accounts = await eventually(async () => {
      const r = await v3.listAccounts({ pageSize: 100, query: { $match: { connector_id: connectorID } } });
      const items = r.v3AccountsCursorResponse.cursor.data;
      return items.length >= 6 ? items : null;
    }, { timeoutMs: 60000, intervalMs: 500, what: 'accounts fetched from the sandbox' });
    const internal = accounts.filter((a) => a.type === 'INTERNAL');
    assert.ok(internal.length >= 6, `internal accounts: ${internal.length}`);
    account = internal[0];
    assert.equal(account.connectorID, connectorID);
    assert.equal(typeof account.raw, 'object');

    const one = await v3.listAccounts({ query: { $match: { reference: account.reference } } });
    const only = one.v3AccountsCursorResponse.cursor.data;
    assert.equal(only.length, 1);
    assert.equal(only[0].id, account.id);

    const got = await v3.getAccount({ accountID: account.id });
    assert.equal(got.v3GetAccountResponse.data.reference, account.reference);

    const balances = await eventually(async () => {
      const r = await v3.getAccountBalances({ accountID: account.id, pageSize: 10 });
      const items = r.v3BalancesCursorResponse.cursor.data;
      return items.length ? items : null;
    }, { timeoutMs: 60000, intervalMs: 500, what: 'balances' });
    assert.equal(balances[0].accountID, account.id);
    assert.equal(typeof balances[0].balance, 'bigint');
    assert.match(balances[0].asset, /^[A-Z]+\/\d+$/);
  });

  await t.test('payments: list with a $match filter', async () => {
    const payments = await eventually(async () => {
      const r = await v3.listPayments({ pageSize: 50, query: { $match: { connector_id: connectorID } } });
      const items = r.v3PaymentsCursorResponse.cursor.data;
      return items.length ? items : null;
    }, { timeoutMs: 60000, intervalMs: 500, what: 'payments fetched from the sandbox' });
    const p = payments[0];
    assert.equal(typeof p.amount, 'bigint');
    const one = await v3.listPayments({ query: { $and: [{ $match: { reference: p.reference } }, { $match: { type: p.type } }] } });
    assert.ok(one.v3PaymentsCursorResponse.cursor.data.some((x) => x.id === p.id));
    const got = await v3.getPayment({ paymentID: p.id });
    assert.equal(got.v3GetPaymentResponse.data.id, p.id);
  });

  await t.test('bank accounts and schedules', async () => {
    const created = await v3.createBankAccount({ name: 'Main', iban: 'FR1420041010050500013M02606', country: 'FR' });
    assert.equal(created.statusCode, 201);
    const id = created.v3CreateBankAccountResponse.data;
    const got = await v3.getBankAccount({ bankAccountID: id });
    assert.equal(got.v3GetBankAccountResponse.data.iban, 'FR14*******************2606');
    const list = await v3.listBankAccounts({});
    assert.ok(list.v3BankAccountsCursorResponse.cursor.data.some((b) => b.id === id));
    await v3.addBankAccountToPaymentServiceUser({ paymentServiceUserID: psuID, bankAccountID: id });
    const psu = await v3.getPaymentServiceUser({ paymentServiceUserID: psuID });
    assert.deepEqual(psu.v3GetPaymentServiceUserResponse.data.bankAccountIDs, [id]);

    const schedules = await v3.listConnectorSchedules({ connectorID });
    const first = schedules.v3ConnectorSchedulesCursorResponse.cursor.data[0];
    assert.ok(first, 'the connector has schedules');
    assert.equal(first.connectorID, connectorID);
  });

  await t.test('delete the PSU and uninstall the connector', async () => {
    const del = await v3.deletePaymentServiceUser({ paymentServiceUserID: psuID });
    assert.equal(del.statusCode, 202);
    const taskID = del.v3PaymentServiceUserDeleteResponse.data.taskID;
    await eventually(async () => {
      const r = await v3.getTask({ taskID });
      return r.v3GetTaskResponse.data.status === 'SUCCEEDED';
    }, { timeoutMs: 30000, intervalMs: 200, what: 'PSU deletion task' });
    await assert.rejects(v3.getPaymentServiceUser({ paymentServiceUserID: psuID }), (e) => e.statusCode === 404 || e.httpMeta?.response?.status === 404);

    const un = await v3.uninstallConnector({ connectorID });
    assert.equal(un.statusCode, 202);
    const uninstallTask = un.v3UninstallConnectorResponse.data.taskID;
    await eventually(async () => {
      const r = await v3.getTask({ taskID: uninstallTask });
      return r.v3GetTaskResponse.data.status === 'SUCCEEDED';
    }, { timeoutMs: 30000, intervalMs: 200, what: 'uninstall task' });
    await eventually(async () => {
      const r = await v3.listConnectors({});
      return !r.v3ConnectorsCursorResponse.cursor.data.some((c) => c.id === connectorID);
    }, { timeoutMs: 30000, intervalMs: 200, what: 'connector removed' });
  });
});
