import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, resolveConnection, type Connection, type ConnectionFlags } from '../../src/cli/client/connection.ts';
import { UsageError } from '../../src/cli/client/errors.ts';

describe('resolveConnection', () => {
  const file = () => '  file-token\n';
  const noFile = () => undefined;
  const cases: [string, ConnectionFlags, Record<string, string>, (p: string) => string | undefined, Connection][] = [
    ['defaults: local server and its token file (trimmed)', {}, {}, file, { baseURL: 'http://127.0.0.1:23373', token: 'file-token', tokenSource: 'file' }],
    ['no token anywhere', {}, {}, noFile, { baseURL: 'http://127.0.0.1:23373', tokenSource: 'none' }],
    ['environment', {}, { BEEPER_DESKTOP_BASE_URL: 'http://localhost:9/', BEEPER_ACCESS_TOKEN: 'env' }, file, { baseURL: 'http://localhost:9', token: 'env', tokenSource: 'env' }],
    [
      'flags override the environment',
      { baseUrl: 'http://127.0.0.1:1', token: 'flag' },
      { BEEPER_DESKTOP_BASE_URL: 'http://localhost:9', BEEPER_ACCESS_TOKEN: 'env' },
      file,
      { baseURL: 'http://127.0.0.1:1', token: 'flag', tokenSource: 'flag' },
    ],
    ['the official SDK\'s BEEPER_BASE_URL', {}, { BEEPER_BASE_URL: 'http://localhost:8/', BEEPER_ACCESS_TOKEN: 'env' }, file, { baseURL: 'http://localhost:8', token: 'env', tokenSource: 'env' }],
    [
      'BEEPER_BASE_URL wins over BEEPER_DESKTOP_BASE_URL, as in the SDK',
      {},
      { BEEPER_BASE_URL: 'http://localhost:8', BEEPER_DESKTOP_BASE_URL: 'http://localhost:9' },
      noFile,
      { baseURL: 'http://localhost:8', tokenSource: 'none' },
    ],
    ['an empty BEEPER_BASE_URL falls back to BEEPER_DESKTOP_BASE_URL', {}, { BEEPER_BASE_URL: '', BEEPER_DESKTOP_BASE_URL: 'http://localhost:9' }, noFile, { baseURL: 'http://localhost:9', tokenSource: 'none' }],
    ['--base-url wins over BEEPER_BASE_URL', { baseUrl: 'http://127.0.0.1:1' }, { BEEPER_BASE_URL: 'http://localhost:8' }, noFile, { baseURL: 'http://127.0.0.1:1', tokenSource: 'none' }],
    ['an empty variable counts as unset', {}, { BEEPER_ACCESS_TOKEN: '' }, file, { baseURL: 'http://127.0.0.1:23373', token: 'file-token', tokenSource: 'file' }],
    ['the token file is never sent to another machine', { baseUrl: 'https://chat.example.com' }, {}, file, { baseURL: 'https://chat.example.com', tokenSource: 'none' }],
  ];
  for (const [name, flags, env, read, expected] of cases) {
    it(name, () => assert.deepEqual(resolveConnection(flags, env, '/data/access-token', read), expected));
  }
  for (const bad of ['not a url', 'ftp://127.0.0.1']) {
    it(`refuses base URL "${bad}"`, () => assert.throws(() => resolveConnection({ baseUrl: bad }, {}, '', noFile), UsageError));
  }
});

describe('isLoopback', () => {
  const cases: [string, boolean][] = [
    ['localhost', true],
    ['LOCALHOST', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['example.com', false],
    ['127.0.0.1.example.com', false],
  ];
  for (const [host, expected] of cases) it(`${host} → ${expected}`, () => assert.equal(isLoopback(host), expected));
});
