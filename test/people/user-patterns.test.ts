import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserPatterns } from '../../src/people/glob.ts';

test('user patterns: * and ? are wildcards, everything else is literal', () => {
  const cases: [string[], string, boolean][] = [
    [['@*:example.org'], '@alice:example.org', true],
    [['@*:example.org'], '@alice:example.org.evil', false],
    [['@*:example.org'], '@alice:exampleXorg', false],
    [['@al?ce:example.org'], '@alice:example.org', true],
    [['@al?ce:example.org'], '@allice:example.org', false],
    [['@alice:example.org'], '@Alice:example.org', false],
    [['*'], '@anyone:anywhere', true],
    [['@(a|b):x'], '@a:x', false],
    [['@(a|b):x'], '@(a|b):x', true],
    [[], '@alice:example.org', false],
  ];
  for (const [patterns, id, expected] of cases) assert.equal(new UserPatterns(patterns).allows(id), expected, `${patterns} ~ ${id}`);
});

test('user patterns: a server is worth asking only when some pattern can match its users', () => {
  const p = new UserPatterns(['@*:example.org', '@bot:*.example.net']);
  assert.equal(p.mayAllowServer('example.org'), true);
  assert.equal(p.mayAllowServer('chat.example.net'), true);
  assert.equal(p.mayAllowServer('evil.test'), false);
  assert.equal(new UserPatterns(['*']).mayAllowServer('evil.test'), true);
});
