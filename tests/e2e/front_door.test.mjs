// The HTTP front door under hostile clients, on raw sockets against the real daemon:
//  * a hundred slow connections (slowloris) do not delay the health check or an authenticated
//    list, and each is cut off at the head deadline with a 408;
//  * every request-smuggling variant gets one 4xx answer and the connection closed: the request
//    hidden after it is never executed;
//  * the connection caps refuse cleanly with 503 in the API's error shape;
//  * a 2 000-leaf filter is a 400 naming the limit; an absolute-form target is served.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startDaemon, cleanup, withLogsOnFailure, sleep } from './lib/harness.mjs';

const running = [];
const dirs = [];
after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM', 5000)));
  cleanup(...dirs);
});

async function daemon(extraArgs = []) {
  const d = await startDaemon({ extraArgs });
  running.push(d.proc);
  dirs.push(d.dataDir);
  return d;
}

/** A raw connection that records what it receives and when the server closes it. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.received = '';
    s.gone = false;
    s.on('data', (b) => { s.received += b.toString('latin1'); });
    s.on('close', () => { s.gone = true; });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Waits until `s` is closed by the server, at most `ms`. */
async function closedWithin(s, ms) {
  const end = Date.now() + ms;
  while (!s.gone && Date.now() < end) await sleep(20);
  return s.gone;
}

const statusLines = (text) => text.match(/HTTP\/1\.1 \d{3}/g) ?? [];

/** GET on a fresh connection (fetch), timed in ms. */
async function timed(url, headers = {}) {
  const t0 = performance.now();
  const r = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  await r.text();
  return { status: r.status, ms: performance.now() - t0 };
}

test('a hundred slow connections delay neither the health check nor an authenticated list', async () => {
  const d = await daemon(['--http-head-timeout-ms', '4000']);
  await withLogsOnFailure(() => [d.proc], async () => {
    const slow = [];
    for (let i = 0; i < 100; i++) {
      const s = await connect(d.port);
      s.write('GET /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\n');
      slow.push(s);
    }
    // One more header line per connection every 500 ms: each keeps "making progress".
    const trickle = setInterval(() => { for (const s of slow) if (!s.gone) s.write('X-Slow: 1\r\n'); }, 500);
    try {
      await sleep(600);
      const auth = { authorization: `Bearer ${d.token}` };
      const times = [];
      for (let i = 0; i < 10; i++) {
        const h = await timed(`${d.url}/_healthcheck`);
        const l = await timed(`${d.url}/api/payments/v3/payment-service-users?pageSize=10`, auth);
        assert.equal(h.status, 200);
        assert.equal(l.status, 200);
        times.push(h.ms, l.ms);
      }
      // Every answer is fast; 100 ms each (two allowed over it, never over 1 s, for a machine
      // whose cores other processes share: a blocked front door would take seconds).
      const over = times.filter((ms) => ms >= 100);
      assert.ok(over.length <= 2, `answers over 100 ms: ${over.map((m) => m.toFixed(0)).join(', ')}`);
      assert.ok(Math.max(...times) < 1000, `slowest answer ${Math.max(...times).toFixed(0)} ms`);
      // Still trickling, every slow connection is cut off at the head deadline with a 408.
      const t0 = Date.now();
      for (const s of slow) assert.ok(await closedWithin(s, 6000 - (Date.now() - t0)), 'a slow connection outlived the head deadline');
      for (const s of slow) {
        assert.match(s.received, /^HTTP\/1\.1 408 /);
        assert.match(s.received, /"errorCode":"REQUEST_TIMEOUT"/);
      }
    } finally {
      clearInterval(trickle);
      for (const s of slow) s.destroy();
    }
  });
});

test('a slow body is cut off at the body deadline', async () => {
  const d = await daemon(['--http-body-timeout-ms', '1500']);
  await withLogsOnFailure(() => [d.proc], async () => {
    const s = await connect(d.port);
    s.write(`POST /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${d.token}\r\nContent-Length: 100\r\n\r\n{`);
    const trickle = setInterval(() => { if (!s.gone) s.write(' '); }, 200);
    try {
      assert.ok(await closedWithin(s, 4000), 'the connection outlived the body deadline');
      assert.match(s.received, /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
      s.destroy();
    }
  });
});

// Each variant is a badly framed request whose body carries a complete, authenticated request
// creating a PSU named after the variant. A server that reads the body's bytes as a new request
// executes it.
function smugglingVariants(token) {
  const hidden = (name) => {
    const body = JSON.stringify({ name });
    return `POST /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };
  const auth = `Authorization: Bearer ${token}\r\n`;
  const line = 'POST /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\n' + auth;
  const v = [];
  const add = (name, make) => v.push({ name, text: make(hidden(`smuggled-${v.length}`)) });
  add('two Content-Length, the first 0', (h) => `${line}Content-Length: 0\r\nContent-Length: ${h.length}\r\n\r\n${h}`);
  add('two equal Content-Length', (h) => `${line}Content-Length: ${h.length}\r\nContent-Length: ${h.length}\r\n\r\n${h}`);
  add('Content-Length list "0, N"', (h) => `${line}Content-Length: 0, ${h.length}\r\n\r\n${h}`);
  add('Content-Length "0abc"', (h) => `${line}Content-Length: 0abc\r\n\r\n${h}`);
  add('Content-Length "+0"', (h) => `${line}Content-Length: +0\r\n\r\n${h}`);
  add('Content-Length and chunked', (h) => `${line}Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n${h.length.toString(16)}\r\n${h}\r\n0\r\n\r\n`);
  add('chunked and Content-Length', (h) => `${line}Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n${h}`);
  add('unknown coding', (h) => `${line}Transfer-Encoding: gzip\r\n\r\n${h}`);
  add('coding list ending in identity', (h) => `${line}Transfer-Encoding: chunked, identity\r\n\r\n${h}`);
  add('obfuscated "xchunked"', (h) => `${line}Transfer-Encoding: xchunked\r\n\r\n${h}`);
  add('space before the colon', (h) => `${line}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n${h}`);
  add('two Transfer-Encoding', (h) => `${line}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${h}`);
  add('bad chunk size', (h) => `${line}Transfer-Encoding: chunked\r\n\r\nzz\r\n${h}`);
  add('malformed request line', (h) => `POST  /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\n${auth}\r\n${h}`);
  add('request line with a trailing word', (h) => `GET /_info HTTP/1.1 x\r\nHost: x\r\n\r\n${h}`);
  add('bare LF line endings', (h) => `GET /_info HTTP/1.1\nHost: x\n\n${h}`);
  add('bare LF inside the head', (h) => `GET /_info HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n${h}`);
  add('oversized head', (h) => `GET /_info HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n${h}`);
  add('no Host', (h) => `GET /_info HTTP/1.1\r\n\r\n${h}`);
  add('two Host', (h) => `GET /_info HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n${h}`);
  return v;
}

test('every smuggling variant gets one 4xx, the connection closed, the hidden request never executed', async () => {
  const d = await daemon();
  await withLogsOnFailure(() => [d.proc], async () => {
    const variants = smugglingVariants(d.token);
    for (const { name, text } of variants) {
      const s = await connect(d.port);
      s.write(text);
      assert.ok(await closedWithin(s, 3000), `${name}: the connection stayed open`);
      const lines = statusLines(s.received);
      assert.equal(lines.length, 1, `${name}: answers ${JSON.stringify(lines)}`);
      assert.match(lines[0], /HTTP\/1\.1 4\d\d/, `${name}: ${lines[0]}`);
      assert.match(s.received, /"errorCode":"[A-Z_]+","errorMessage":"[^"]+"/, `${name}: error shape`);
    }
    const psus = await d.api.all('/payment-service-users');
    assert.deepEqual(psus.filter((p) => p.name.startsWith('smuggled-')).map((p) => p.name), []);
    // The server still serves a well-formed request.
    const ok = await d.api.post('/payment-service-users', { name: 'after' });
    assert.equal(ok.status, 201);
  });
});

test('past the connection caps a new connection gets 503 in the API error shape', async () => {
  const d = await daemon(['--http-max-connections-per-peer', '20']);
  await withLogsOnFailure(() => [d.proc], async () => {
    // 25 silent connections: past the cap of 20 (one of which the harness's own HTTP client may
    // hold), the server answers 503 before reading anything and closes.
    const conns = [];
    try {
      for (let i = 0; i < 25; i++) conns.push(await connect(d.port));
      const end = Date.now() + 3000;
      while (conns.filter((s) => s.gone).length < 5 && Date.now() < end) await sleep(20);
      const refused = conns.filter((s) => s.gone);
      const held = conns.filter((s) => !s.gone);
      assert.ok(refused.length >= 5 && refused.length <= 6, `${refused.length} refused`);
      for (const s of refused) {
        assert.match(s.received, /^HTTP\/1\.1 503 /);
        assert.match(s.received, /"errorCode":"TOO_MANY_CONNECTIONS","errorMessage":"this address holds its maximum of 20 connections; retry later"/);
      }
      // The held ones are still served.
      held[0].write('GET /_healthcheck HTTP/1.1\r\nHost: x\r\n\r\n');
      const until = Date.now() + 3000;
      while (!held[0].received.includes('\r\n\r\n') && Date.now() < until) await sleep(20);
      assert.match(held[0].received, /^HTTP\/1\.1 200 /);
    } finally {
      for (const s of conns) s.destroy();
    }
    // Once they are gone, new connections are served again.
    const h = await (async () => {
      for (let i = 0; i < 50; i++) {
        const r = await timed(`${d.url}/_healthcheck`).catch(() => ({ status: 0 }));
        if (r.status === 200) return r;
        await sleep(50);
      }
      return { status: 0 };
    })();
    assert.equal(h.status, 200);
  });
});

test('client mistakes are 4xx in the API error shape, never 500', async () => {
  const d = await daemon();
  await withLogsOnFailure(() => [d.proc], async () => {
    // A list filter of 2 000 leaves (~56 KB, well under the 1 MiB body limit), as a GET body.
    const leaves = Array.from({ length: 2000 }, (_, i) => ({ $match: { name: `n${i}` } }));
    const filter = JSON.stringify({ $or: leaves });
    const big = await connect(d.port);
    big.write(`GET /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${d.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${filter.length}\r\nConnection: close\r\n\r\n${filter}`);
    assert.ok(await closedWithin(big, 3000));
    assert.match(big.received, /^HTTP\/1\.1 400 /);
    assert.match(big.received, /"errorCode":"VALIDATION","errorMessage":"filter has more than 100 terms \(the limit\)"/);

    // Two Authorization fields (raw: fetch would join them into one).
    const dup = await connect(d.port);
    dup.write(`GET /api/payments/v3/payment-service-users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n` +
      `Authorization: Bearer ${d.token}\r\n\r\n`);
    assert.ok(await closedWithin(dup, 3000));
    assert.match(dup.received, /^HTTP\/1\.1 400 /);
    assert.match(dup.received, /more than one Authorization header/);

    // Without a token, routing tells nothing under /api.
    for (const [method, path] of [['GET', '/api/payments/v3/no-such-route'], ['PATCH', '/api/payments/v3/payment-service-users']]) {
      const r = await fetch(d.url + path, { method });
      assert.equal(r.status, 401, `${method} ${path}`);
    }

    // The absolute-form is accepted (RFC 9112 section 3.2.2): its path and query are served.
    const abs = await connect(d.port);
    abs.write(`GET http://elsewhere.example/api/payments/v3/payment-service-users?pageSize=1 HTTP/1.1\r\nHost: x\r\n` +
      `Authorization: Bearer ${d.token}\r\nConnection: close\r\n\r\n`);
    assert.ok(await closedWithin(abs, 3000));
    assert.match(abs.received, /^HTTP\/1\.1 200 /);
    assert.match(abs.received, /"pageSize":1/);
    const ftp = await connect(d.port);
    ftp.write('GET ftp://x/_healthcheck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.ok(await closedWithin(ftp, 3000));
    assert.match(ftp.received, /^HTTP\/1\.1 400 /);
    assert.match(ftp.received, /absolute URI/);

    const long = await timed(`${d.url}/_healthcheck?x=${'a'.repeat(80 * 1024)}`).catch((e) => ({ status: String(e) }));
    assert.equal(long.status, 431);
    const s = await connect(d.port);
    s.write('BREW /_healthcheck HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(await closedWithin(s, 3000));
    assert.match(s.received, /^HTTP\/1\.1 501 /);
    assert.match(s.received, /"errorCode":"VALIDATION"/);
  });
});
