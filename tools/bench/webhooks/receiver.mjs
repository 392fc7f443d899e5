// Webhook receiver of tools/bench/webhooks: node receiver.mjs PORT. Answers 200 to every POST,
// counts requests and distinct idempotency keys, and keeps each delivery's lag (arrival minus the
// envelope's `date`, the event's commit time). GET /stats → {requests, distinct, p50_ms, p99_ms}.
import http from 'node:http';

const lags = [];
const keys = new Set();
let requests = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    const sorted = [...lags].sort((a, b) => a - b);
    const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, distinct: keys.size, p50_ms: q(0.5), p99_ms: q(0.99) }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    requests++;
    keys.add(req.headers['formance-webhook-idempotency-key']);
    try { lags.push(now - Date.parse(JSON.parse(Buffer.concat(chunks).toString()).date)); } catch { /* counted only */ }
    res.writeHead(200).end();
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
