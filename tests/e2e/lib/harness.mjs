// Real processes on loopback for end-to-end tests: free ports, process lifecycle with logs,
// readiness, and a small v3 API client. Every wait is bounded in count and time.
import { after } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUILD = process.env.CX_BUILD_DIR ?? new URL('../../../build', import.meta.url).pathname;
export const BIN = join(BUILD, 'bin');

/** A TCP port nothing listens on right now (picked by the kernel). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'cx-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn (async, truthy = done) every intervalMs until timeoutMs; returns its last value or throws. */
export async function eventually(fn, { timeoutMs = 30000, intervalMs = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (let i = 0; Date.now() < end && i < 100000; i++) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/** A child process whose stdout+stderr go to a log file (printed when a test fails). */
export class Proc {
  constructor(name, cmd, args, { env = {}, dir } = {}) {
    this.name = name;
    this.logPath = join(dir ?? tempDir(), `${name}.log`);
    const fd = openSync(this.logPath, 'a');
    this.child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }
  log() {
    try { return readFileSync(this.logPath, 'utf8'); } catch { return ''; }
  }
  async stop(signal = 'SIGTERM', timeoutMs = 10000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    let handle;
    const timer = new Promise((resolve) => {
      handle = setTimeout(() => { this.child.kill('SIGKILL'); resolve({ code: null, signal: 'TIMEOUT' }); }, timeoutMs);
    });
    // The timer is cleared once the process exits, so it does not hold the test process open.
    return Promise.race([this.exited, timer]).finally(() => clearTimeout(handle));
  }
}

/** Waits until url answers at all (any status: the server is up). */
async function waitHttp(url, timeoutMs = 20000) {
  await eventually(async () => { await fetch(url); return true; }, { timeoutMs, intervalMs: 50, what: url });
}

/** Starts connectivity-sandbox <provider> on a free port; resolves once it answers. */
export async function startSandbox(provider, args = [], { dir } = {}) {
  const port = await freePort();
  const proc = new Proc(`sandbox-${provider}`, join(BIN, 'connectivity-sandbox'),
    [provider, '--listen', `127.0.0.1:${port}`, ...args], { dir });
  proc.port = port;
  proc.url = `http://127.0.0.1:${port}`;
  await waitHttp(proc.url + '/');
  return proc;
}

/** Starts connectivityd on a free port with a fresh (or given) data dir and a known token. */
export async function startDaemon({ dataDir = tempDir('cx-data-'), port, extraArgs = [], env = {} } = {}) {
  port = port ?? await freePort();
  const token = 'e2e-token-' + Math.random().toString(36).slice(2);
  const proc = new Proc('connectivityd', join(BIN, 'connectivityd'), [
    '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--polling-period-minimum', '1s', ...extraArgs,
  ], { env: { CONNECTIVITY_API_TOKEN: token, ...env }, dir: dataDir });
  const d = { proc, port, dataDir, token, url: `http://127.0.0.1:${port}` };
  d.api = new Api(`${d.url}/api/payments/v3`, token);
  await waitHttp(`${d.url}/_healthcheck`);
  return d;
}

/** A minimal v3 client: JSON in, {status, body, headers} out. */
export class Api {
  constructor(base, token) { this.base = base; this.token = token; }
  async call(method, path, body, { headers = {}, redirect = 'manual' } = {}) {
    const res = await fetch(this.base + path, {
      method,
      redirect,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    return { status: res.status, body: json, headers: res.headers };
  }
  get(path) { return this.call('GET', path); }
  post(path, body) { return this.call('POST', path, body); }
  /** Every item of a cursor list (follows `next`, bounded). */
  async all(path, query) {
    const items = [];
    let url = path + (path.includes('?') ? '&' : '?') + 'pageSize=100' + (query ? '&query=' + encodeURIComponent(JSON.stringify(query)) : '');
    for (let i = 0; i < 10000; i++) {
      const r = await this.get(url);
      if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      items.push(...r.body.cursor.data);
      if (!r.body.cursor.hasMore) return items;
      url = path + (path.includes('?') ? '&' : '?') + 'cursor=' + r.body.cursor.next;
    }
    throw new Error('too many pages');
  }
}

/**
 * Processes and directories a test file stops and removes after its last test: `running` takes
 * processes (SIGTERM, 5 s), `dirs` directories; `daemon(opts)` starts a daemon tracked in both.
 */
export function stoppedAfterTests() {
  const running = [];
  const dirs = [];
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
    cleanup(...dirs);
  });
  const daemon = async (opts) => {
    const d = await startDaemon(opts);
    running.push(d.proc);
    dirs.push(d.dataDir);
    return d;
  };
  return { running, dirs, daemon };
}

export function cleanup(...dirs) {
  for (const d of dirs) try { rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
}

/** Prints the logs of the given processes (daemons, sandboxes or Procs) to stderr. */
export function printLogs(...procs) {
  for (const p of procs) {
    const proc = p?.proc ?? p;
    if (!proc?.log) continue;
    console.error(`----- ${proc.name} log (${proc.logPath}) -----\n${proc.log()}\n----- end of ${proc.name} log -----`);
  }
}

/**
 * Runs body(); when it throws, stops the processes of procs() (evaluated then, so processes
 * started inside body are included; stopping flushes their logs) and prints their logs before
 * rethrowing.
 */
export async function withLogsOnFailure(procs, body) {
  try {
    return await body();
  } catch (e) {
    const list = procs().filter(Boolean);
    for (const p of list) await (p.proc ?? p).stop('SIGTERM', 5000);
    printLogs(...list);
    throw e;
  }
}

/**
 * One value from the daemon's SQLite file through the sqlite3 command-line shell, read-only
 * (null when sqlite3 is not installed). For assertions about rows the API does not show.
 */
export function sqliteScalar(dataDir, sql) {
  let out;
  try {
    out = execFileSync('sqlite3', ['-readonly', join(dataDir, 'connectivity.db'), sql], { timeout: 10000 });
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
  return out.toString().trim();
}

/**
 * Sequential steps of one test as subtests: once a step fails the later ones are skipped, and
 * step.check() (call it last, inside withLogsOnFailure) throws so the logs get printed.
 */
export function stepper(t) {
  let failed = null;
  const step = (name, fn) => t.test(name, { skip: failed ? `an earlier step failed: ${failed}` : false }, async (st) => {
    try {
      await fn(st);
    } catch (e) {
      failed = name;
      throw e;
    }
  });
  step.check = () => {
    if (failed) throw new Error(`step failed: ${failed}`);
  };
  return step;
}
