// The promise to end users, checked byte by byte: after a sync, no personal string of the
// provider's truth (names, IBANs, account numbers, emails, phones, wordings) and no secret is in
// any file of the daemon's data directory — database, WAL, its own log, everything — in clear,
// JSON-escaped, URL-encoded, or inside base64 / base64url text at any alignment (IDs are base64url).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Keys whose string values are personal data or secrets, wherever they sit in a truth object. */
const PERSONAL_KEY = /(^|_)(name|names|original_name|official_name|merchant_name|ownername|accountname|iban|number|accountnumber|account_identification|identification|email|emails|phone|phonenumber|phone_numbers|wording|original_wording|simplified_wording|description|original_description|label|street|streetname|city|postal_code|postalcode|address|secret|clientsecret|token|access_token|user_token|password)$/i;
/** Containers whose string members are not about a person (the bank, the currency, categories). */
const NOT_PERSONAL_CONTAINER = /^(connector|bank|institution|currency|currencies|category|categories|personal_finance_category|location|counterparties_meta)$/i;

/**
 * Every personal string of `truth` (any JSON) plus `extra` strings (the PSU we sent, secrets).
 * Strings too short to be distinctive are left out: fewer than 4 characters, or digits only and
 * fewer than 8 (they would match timestamps and amounts by chance).
 */
export function personalStrings(truth, extra = []) {
  const out = new Set();
  const add = (s) => {
    if (typeof s !== 'string') return;
    const v = s.trim();
    if (v.length < 4 || (/^[0-9 +.-]+$/.test(v) && v.replace(/\D/g, '').length < 8)) return;
    out.add(v);
  };
  const walk = (v, key, depth) => {
    if (depth > 40 || v === null || v === undefined) return;
    if (Array.isArray(v)) { for (const x of v) walk(x, key, depth + 1); return; }
    if (typeof v === 'object') {
      if (key && NOT_PERSONAL_CONTAINER.test(key)) return;
      for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
      return;
    }
    if (typeof v === 'string' && key && PERSONAL_KEY.test(key) && !/scheme_name$/i.test(key)) add(v);
  };
  walk(truth, '', 0);
  for (const s of extra) add(s);
  return [...out];
}

function filesOf(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesOf(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

// The base64 text that any encoding of a buffer containing `s` at any offset contains: for each
// alignment, the full 4-character groups made only of bytes of `s`. Cores shorter than 8
// characters are left out: they occur by chance in random bytes (sealed values, keys).
function base64Cores(bytes) {
  const cores = [];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const head = shift ? 4 : 0;
    const core = b64.slice(head, b64.length - 4);
    if (core.length < 8) continue;
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

// Every form of `s` to look for: as is, JSON-escaped, URL-encoded, compact IBAN, and base64.
function forms(s) {
  const texts = new Set([s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  if (/^[A-Z]{2}[0-9]{2}[A-Z0-9 ]+$/.test(s)) texts.add(s.replace(/ /g, ''));  // IBAN compact form
  const out = [];
  for (const t of texts) {
    out.push({ how: 'text', needle: Buffer.from(t) });
    for (const c of base64Cores(Buffer.from(t))) out.push({ how: 'base64', needle: Buffer.from(c) });
  }
  return out;
}

/**
 * {hits: [{string, file, how}] for every personal string found in any file under `dir`, files}.
 * The scan blocks the event loop for seconds; it yields afterwards so that keep-alive sockets the
 * servers closed meanwhile are seen closed before the next request (else "other side closed").
 */
export async function scanDir(dir, strings) {
  const out = scanFiles(dir, strings);
  await new Promise((r) => setTimeout(r, 200));
  return out;
}

// GNU grep -F matches thousands of fixed strings in one pass over each file (Aho-Corasick).
function scanFiles(dir, strings) {
  const files = filesOf(dir);
  const owner = new Map();  // needle text → {string, how}
  for (const s of strings)
    for (const f of forms(s)) {
      const needle = f.needle.toString('latin1');
      if (!needle.includes('\n') && !owner.has(needle)) owner.set(needle, { string: s, how: f.how });
    }
  const tmp = mkdtempSync(join(tmpdir(), 'cx-markers-'));
  const patterns = join(tmp, 'patterns');
  writeFileSync(patterns, Buffer.from([...owner.keys()].join('\n'), 'latin1'));
  const hits = new Map();
  try {
    for (const file of files) {
      let out;
      try {
        out = execFileSync('grep', ['-F', '-a', '-o', '-f', patterns, file], { maxBuffer: 1 << 28, env: { LC_ALL: 'C' } });
      } catch (e) {
        if (e.status === 1) continue;  // no match
        throw e;
      }
      for (const m of out.toString('latin1').split('\n')) {
        const o = owner.get(m);
        if (o && !hits.has(o.string)) hits.set(o.string, { string: o.string, file: file.slice(dir.length + 1), how: o.how });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { hits: [...hits.values()], files: files.map((p) => p.slice(dir.length + 1)) };
}
