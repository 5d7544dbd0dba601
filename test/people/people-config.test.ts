import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

function withFile(t: { after(fn: () => void): void }, yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bridge-login.yaml');
  writeFileSync(file, yaml);
  return file;
}

test('people settings: sign-in off, 30-day tokens, 20 sessions a person and no trusted proxy by default', () => {
  const c = loadConfig({}, {});
  assert.deepEqual(c.matrix, { allowedUsers: [], homeservers: {} });
  assert.equal(c.auth.tokenTTLSeconds, 30 * 24 * 3600);
  assert.equal(c.sessions.maxActivePerUser, 20);
  assert.deepEqual(c.trustProxy, []);
});

test('people settings are read from the file', (t) => {
  const file = withFile(t, [
    'matrix:',
    '  allowedUsers: ["@*:example.org"]',
    '  homeservers: { example.org: "http://127.0.0.1:8008/" }',
    'auth: { tokenTTLSeconds: 3600 }',
    'sessions: { maxActivePerUser: 3 }',
    'trustProxy: [127.0.0.1, 10.0.0.0/8]',
  ].join('\n'));
  const c = loadConfig({ config: file }, {});
  assert.deepEqual(c.matrix, { allowedUsers: ['@*:example.org'], homeservers: { 'example.org': 'http://127.0.0.1:8008' } });
  assert.equal(c.auth.tokenTTLSeconds, 3600);
  assert.equal(c.sessions.maxActivePerUser, 3);
  assert.deepEqual(c.trustProxy, ['127.0.0.1', '10.0.0.0/8']);
});

test('bad people settings stop the start, naming the setting', (t) => {
  const cases: [string, RegExp][] = [
    ['matrix: { homeservers: { "bad name/": "http://x" } }', /"matrix\.homeservers\.bad name\/" is not a Matrix server name/],
    ['matrix: { homeservers: { example.org: "ftp://x" } }', /"matrix\.homeservers\.example\.org" must be an http/],
    ['matrix: { allowedUsers: "@*:x" }', /"matrix\.allowedUsers" must be a list/],
    ['matrix: { allowed: [] }', /"matrix\.allowed" is not a known setting/],
    ['auth: { tokenTTLSeconds: 5 }', /"auth\.tokenTTLSeconds" must be a whole number/],
    ['sessions: { maxActivePerUser: 0 }', /"sessions\.maxActivePerUser" must be a whole number/],
  ];
  for (const [yaml, message] of cases) assert.throws(() => loadConfig({ config: withFile(t, yaml) }, {}), (err: unknown) => err instanceof ConfigError && message.test(err.message), yaml);
});
