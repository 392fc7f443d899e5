// The host applies a plugin's declared config schema (kConfigSchema) before create(): a config
// that breaks it is refused with a 400 naming every bad field, and nothing is installed.
// GET /connectors/configs shows the declared types, formats, bounds and descriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, cleanup } from './lib/harness.mjs';

test('config schema: declared in /connectors/configs and applied before create()', { timeout: 60000 }, async () => {
  let daemon;
  try {
    daemon = await startDaemon();
    const cfg = await daemon.api.get('/connectors/configs');
    assert.equal(cfg.status, 200);
    const powens = cfg.body.data.powens;
    assert.equal(powens.pageSize.dataType, 'integer');
    assert.equal(powens.pageSize.maximum, 1000);
    assert.equal(powens.pageSize.description, 'transactions per page');
    assert.equal(powens.endpoint.format, 'url');
    assert.equal(powens.pollingPeriod.format, 'duration');
    assert.ok(cfg.body.data.generic.apiKey.description, JSON.stringify(cfg.body.data.generic));
    assert.ok(cfg.body.data.plaid.clientID.description, JSON.stringify(cfg.body.data.plaid));

    const good = {
      name: 'powens-schema', clientID: 'id', clientSecret: 'secret', configurationToken: 'tok', domain: 'acme',
      endpoint: 'http://127.0.0.1:9/2.0', maxConnectionsPerLink: 1,
    };
    const bad = await daemon.api.post('/connectors/install/powens', { ...good, maxConnectionsPerLink: 0, endpoint: 'not a url' });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.errorCode, 'VALIDATION');
    assert.match(bad.body.errorMessage, /endpoint must be an http\(s\) URL/);
    assert.match(bad.body.errorMessage, /maxConnectionsPerLink must be >= 1/);
    const missing = await daemon.api.post('/connectors/install/generic', { name: 'generic-schema', endpoint: 'http://127.0.0.1:9' });
    assert.equal(missing.status, 400, JSON.stringify(missing.body));
    assert.match(missing.body.errorMessage, /apiKey is required/);
    assert.doesNotMatch(missing.body.errorMessage, /secret/);

    const listed = await daemon.api.get('/connectors');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.cursor.data, [], 'a refused config installs nothing');
  } finally {
    await daemon?.proc.stop();
    if (daemon) cleanup(daemon.dataDir);
  }
});
