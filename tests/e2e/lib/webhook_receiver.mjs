// A loopback webhook receiver for the outbound-webhooks tests: records every request, verifies
// its Formance signature (HMAC-SHA256 keyed by the secret string over "<id>.<ts>.<body>",
// "v1,<base64>" — docs/events.md "Signature"), and answers with the statuses it is told to.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { freePort } from './harness.mjs';

/** True when `header` carries a valid v1 signature of body under secret. */
export function verifySignature(secret, id, ts, body, header) {
  const want = Buffer.from('v1,' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${ts}.${body}`).digest('base64'));
  return (header ?? '').split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

export class Receiver {
  /** Starts on a free loopback port. */
  static async start() {
    const r = new Receiver();
    r.port = await freePort();
    await new Promise((resolve) => r.server.listen(r.port, '127.0.0.1', resolve));
    return r;
  }

  constructor() {
    this.requests = [];      // {id, ts, test, idempotencyKey, body, json, signed}
    this.badSignatures = 0;
    this.secret = '';
    this.next = [];          // statuses for the next requests ('hang' holds the request open)
    this.held = [];
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = req.headers['formance-webhook-id'];
        const ts = req.headers['formance-webhook-timestamp'];
        const signed = verifySignature(this.secret, id, ts, body, req.headers['formance-webhook-signature']);
        if (!signed) this.badSignatures++;
        let json;
        try { json = JSON.parse(body); } catch { json = undefined; }
        this.requests.push({ id, ts, test: req.headers['formance-webhook-test'], idempotencyKey: req.headers['formance-webhook-idempotency-key'], body, json, signed });
        const status = this.next.length ? this.next.shift() : 200;
        if (status === 'hang') { this.held.push(res); return; }
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'nope' : 'ok');
      });
    });
  }

  get url() { return `http://127.0.0.1:${this.port}/hook`; }
  /** Event requests (not test pings) from index `from` on. */
  events(from = 0) { return this.requests.slice(from).filter((r) => r.test === 'false'); }
  /** Short event type names ("DISCONNECTED"…) of events(from). */
  types(from = 0) { return this.events(from).map((r) => short(r.json.type)); }
  async stop() {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** "payments.open_banking_user_connection_disconnected" → "DISCONNECTED". */
export function short(type) {
  return type.replace('payments.open_banking_user_connection_', '').replace('payments.open_banking_user_', 'USER_').toUpperCase();
}

export const OPEN_BANKING_EVENTS = [
  'payments.open_banking_user_link_status',
  'payments.open_banking_user_connection_data_synced',
  'payments.open_banking_user_connection_pending_disconnect',
  'payments.open_banking_user_connection_disconnected',
  'payments.open_banking_user_connection_reconnected',
  'payments.open_banking_user_disconnected',
];
