// Running the operator CLI (build/bin/connectivity) from e2e tests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BIN } from './harness.mjs';

/**
 * Runs the CLI; resolves {code, stdout, stderr} (never rejects on a non-zero exit). The daemon is
 * given through the environment, as an operator's shell would: never a token on the command line.
 */
export function cli(args, { env = {}, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(join(BIN, 'connectivity'), args, {
      env: { PATH: process.env.PATH, HOME: env.HOME ?? '/nonexistent', TZ: 'UTC', ...env }, timeout: 30000,
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

/** cli() that must succeed; returns stdout. */
export async function ok(args, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `connectivity ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** CONNECTIVITY_URL / CONNECTIVITY_API_TOKEN of a started daemon. */
export const envOf = (d) => ({ CONNECTIVITY_URL: d.url, CONNECTIVITY_API_TOKEN: d.token });

/** A --json list answer's items (one page: cursor.data; --all over several pages: data). */
export const itemsOf = (text) => {
  const r = JSON.parse(text);
  return r.cursor?.data ?? r.data;
};

/** The decimal text of minor units (the test's own reference, on BigInt): ("-1234", "EUR/2") → "-12.34 EUR". */
export function decimal(minor, asset) {
  const [code, p] = asset.split('/');
  const places = Number(p ?? 0);
  const neg = String(minor).startsWith('-');
  const digits = BigInt(neg ? String(minor).slice(1) : String(minor)).toString().padStart(places + 1, '0');
  const txt = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return `${neg && /[1-9]/.test(digits) ? '-' : ''}${txt} ${code}`;
}
