// docs/bridgev2.md's version table is what the real-bridge tests assert (expectations.ts), not
// something written from memory: the two must stay equal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderVersionTable } from '../real-bridges/expectations.ts';

test("docs/bridgev2.md's version table equals the real-bridge tests' expectations", () => {
  const doc = readFileSync(new URL('../../docs/bridgev2.md', import.meta.url), 'utf8');
  const table = /<!-- versions:start -->\n([\s\S]*?)\n<!-- versions:end -->/.exec(doc)?.[1];
  assert.ok(table, 'the versions:start/end markers in docs/bridgev2.md');
  assert.equal(table, renderVersionTable());
});
