// SIGHUP (`systemctl reload connectivityd`): a running daemon re-reads its API tokens file; a
// file it cannot read keeps the tokens it has. Driven through the CLI's --token-file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, eventually, cleanup, withLogsOnFailure, tempDir, BIN } from './lib/harness.mjs';

const running = [];
const dirs = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

/** Runs the CLI; resolves {code, stdout, stderr}. */
function cli(args, env) {
  return new Promise((resolve) => {
    execFile(join(BIN, 'connectivity'), args, { env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env }, timeout: 30000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

test('SIGHUP: the daemon re-reads its API tokens file', { timeout: 30000 }, async () => {
  const work = tempDir('cx-cli-');
  dirs.push(work);
  const tokens = join(work, 'tokens');
  writeFileSync(tokens, 'first-token\n', { mode: 0o600 });
  const d = await startDaemon({ extraArgs: ['--api-tokens-file', tokens], env: { CONNECTIVITY_API_TOKEN: '' } });
  running.push(d.proc);
  dirs.push(d.dataDir);
  await withLogsOnFailure(() => [d], async () => {
    writeFileSync(join(work, 'first'), 'first-token\n');
    writeFileSync(join(work, 'second'), 'second-token\n');
    const as = (which) => cli(['--token-file', join(work, which), 'connectors', 'list'], { CONNECTIVITY_URL: d.url });
    assert.equal((await as('first')).code, 0);
    assert.equal((await as('second')).code, 3);
    writeFileSync(tokens, '# rotated\nsecond-token\n');
    process.kill(d.proc.child.pid, 'SIGHUP');
    await eventually(async () => (await as('second')).code === 0, { timeoutMs: 5000, intervalMs: 100, what: 'the new token to be accepted' });
    const old = await as('first');
    assert.equal(old.code, 3);
    assert.match(old.stderr, /401/);
    // An unreadable file keeps the current tokens.
    cleanup(tokens);
    process.kill(d.proc.child.pid, 'SIGHUP');
    await eventually(() => d.proc.log().includes('not reloaded'), { timeoutMs: 5000, what: 'the reload failure to be logged' });
    assert.equal((await as('second')).code, 0);
  });
});
