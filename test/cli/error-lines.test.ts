// What a person sees when the command cannot do its job: one error line, a hint, an exit code,
// never a stack trace (the real binary as a child process).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { runCli, useServerForCli } from './cli-process.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

/** A port on which nothing listens (taken from the system, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a wrong token: the server code and message, how to get a token, exit 77', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runCli(['bridges'], { server: { baseURL: s.baseURL, token: 'not-a-token' } }).exited;
  assert.equal(code, 77);
  assert.equal(stdout, '');
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, stderr);
  assert.match(lines[0]!, /^error: invalid_token: \S.*$/);
  assert.equal(
    lines[1],
    'hint: the token in BEEPER_ACCESS_TOKEN was refused; create one with `npx bridge-login token create`, then pass it with --token or set BEEPER_ACCESS_TOKEN',
  );
});

test('--token wins over BEEPER_ACCESS_TOKEN, and --base-url over BEEPER_DESKTOP_BASE_URL', { timeout: 60_000 }, async () => {
  const port = await closedPort();
  const env = { BEEPER_DESKTOP_BASE_URL: `http://127.0.0.1:${port}`, BEEPER_ACCESS_TOKEN: 'wrong' };
  const { code, stderr } = await runCli(['bridges', '--base-url', s.baseURL, '--token', s.token], { env }).exited;
  assert.equal(code, 0, stderr);
});

test('no token at all: missing_token with the hint', { timeout: 60_000 }, async () => {
  const { code, stderr } = await runCli(['accounts'], { env: { BEEPER_DESKTOP_BASE_URL: s.baseURL } }).exited;
  assert.equal(code, 77);
  assert.match(stderr, /^error: missing_token: .*\nhint: this server needs an access token \(none was given, and there is no token file at .*access-token\): create one with `npx bridge-login token create`/);
});

test('the server is not running: connection refused, how to start it, exit 69', { timeout: 60_000 }, async () => {
  const port = await closedPort();
  const { code, stderr } = await runCli(['connect', 'demo'], { env: { BEEPER_DESKTOP_BASE_URL: `http://127.0.0.1:${port}`, BEEPER_ACCESS_TOKEN: 't' } }).exited;
  assert.equal(code, 69);
  assert.equal(
    stderr,
    `error: connection_refused: no server is listening at http://127.0.0.1:${port}\n` +
      'hint: is the server running? Start it with `npm start` or `npx bridge-login serve`, or point --base-url (BEEPER_BASE_URL) at a running server\n',
  );
});

test('an unknown bridge: not_found and where to look', { timeout: 60_000 }, async () => {
  const { code, stderr } = await runCli(['connect', 'nope', '--json'], { server: s }).exited;
  assert.equal(code, 1);
  assert.match(stderr, /^error: not_found: .+\nhint: `bridge-login bridges` lists the bridges/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});

test('a base URL that is not one is a usage error', { timeout: 60_000 }, async () => {
  const { code, stderr } = await runCli(['bridges', '--base-url', 'localhost:23373'], {}).exited;
  assert.equal(code, 64);
  assert.match(stderr, /^error: invalid_base_url: /);
});
