// Every command of the operator CLI has a manual page as --help: walks the tree from
// `connectivity --help` through each COMMANDS section; every page exits 0 and has NAME and
// SYNOPSIS, every verb (a command without subcommands) DESCRIPTION and EXAMPLES, and no example
// puts a token on the command line. No daemon needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './lib/cli.mjs';

/** The command names listed in a help page's COMMANDS section. */
function commandsOf(page) {
  const at = page.indexOf('\nCOMMANDS\n');
  if (at < 0) return [];
  const names = [];
  for (const line of page.slice(at + '\nCOMMANDS\n'.length).split('\n')) {
    const m = line.match(/^ {2}([a-z][a-z0-9-]*)\s/);
    if (!m) break;
    names.push(m[1]);
  }
  return names;
}

/** The lines of a page's section (until the next upper-case heading). */
function section(page, heading) {
  const lines = page.split('\n');
  const at = lines.indexOf(heading);
  if (at < 0) return null;
  const out = [];
  for (const l of lines.slice(at + 1)) {
    if (/^[A-Z][A-Z ]+$/.test(l)) break;
    out.push(l);
  }
  return out.join('\n').trim();
}

test('every command has a man-page-style --help', { timeout: 60000 }, async () => {
  const verbs = [];
  const queue = [[]];
  let pages = 0;
  while (queue.length && pages < 500) {
    const path = queue.shift();
    const r = await cli([...path, '--help']);
    pages++;
    const label = ['connectivity', ...path].join(' ');
    assert.equal(r.code, 0, `${label} --help exited ${r.code}: ${r.stderr}`);
    assert.ok(r.stdout.trim().length > 0, `${label} --help is empty`);
    assert.match(r.stdout, new RegExp(`^NAME\\n {2}${label} - \\S`), `${label}: NAME`);
    assert.match(section(r.stdout, 'SYNOPSIS') ?? '', new RegExp(`^${label}\\b`), `${label}: SYNOPSIS`);
    assert.ok(section(r.stdout, 'EXIT STATUS'), `${label}: EXIT STATUS`);
    const subs = commandsOf(r.stdout);
    if (subs.length === 0) {
      verbs.push(label);
      assert.ok(section(r.stdout, 'DESCRIPTION'), `${label}: DESCRIPTION`);
      const examples = section(r.stdout, 'EXAMPLES');
      assert.ok(examples, `${label}: EXAMPLES`);
      for (const ex of examples.split('\n')) {
        assert.doesNotMatch(ex, /--token(?!-file)|Bearer|API_TOKEN=|token=/i, `${label}: a token on the command line: ${ex}`);
      }
      assert.ok(examples.includes(label), `${label}: an example of itself:\n${examples}`);
    }
    for (const s of subs) queue.push([...path, s]);
  }
  assert.equal(queue.length, 0, 'the walk ended');
  // The tree really was walked: the verbs of every resource, the new ones included.
  for (const v of ['connectors install', 'psus link', 'accounts balances', 'pools balances', 'pools add-account',
    'reconciliation policies create', 'reconciliation reconcile', 'webhooks configs create', 'webhooks deliveries replay',
    'completion'])
    assert.ok(verbs.includes(`connectivity ${v}`), `walked ${v}: ${verbs.join(', ')}`);
});
