// `bridge-login connect` as a person uses it, driven through standard input (the real binary
// against a real server on an ephemeral port).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { runCli, useServerForCli } from './cli-process.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

test('a password login: chooses the flow, asks username and password, prints the account', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo'], { server: s });
  await cli.waitFor(/How do you want to log in\?[\s\S]*1\) Password[\s\S]*2\) Password and code[\s\S]*Choose/);
  cli.write('\n'); // Enter takes the first flow
  await cli.waitFor(/Username \(e\.g\. alice\): $/);
  cli.write('ann\n');
  await cli.waitFor(/Password \(hidden\): $/);
  cli.write('s3cret-pw\n');
  const { code, stdout, stderr } = await cli.exited;
  assert.equal(code, 0, stderr);
  assert.match(stdout, /✓ Connected ann on Demo Chat/);
  assert.match(stdout, /Account ID {2}demo_ann-\w+/);
  assert.doesNotMatch(stdout, /s3cret-pw/, 'the password is never shown');
  assert.doesNotMatch(stdout, /\x1b\[/, 'no escape sequences when the output is not a terminal'); // eslint-disable-line no-control-regex
  const accounts = await s.api('GET', '/v1/accounts');
  assert.ok(accounts.body.some((a: any) => a.user.username === 'ann' && a.status === 'connected'));
});

test('a 2FA login: a wrong code is asked again with the new instructions, the right one completes', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'password-2fa'], { server: s });
  await cli.waitFor('Username');
  cli.write('bea\n');
  await cli.waitFor('Password');
  cli.write('pw\n');
  await cli.waitFor(/authenticator app[\s\S]*Two-factor code \(e\.g\. 123456, hidden\): $/);
  cli.write('000000\n');
  await cli.waitFor(/That code was wrong\. Try again \(2 attempts left\)\.\nTwo-factor code[^\n]*: $/);
  cli.write('123456\n');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 0);
  assert.match(stdout, /✓ Connected bea on Demo Chat/);
});

test('answers given all at once on standard input work too', { timeout: 60_000 }, async () => {
  const { code, stdout } = await runCli(['connect', 'demo', '--flow', 'password'], { server: s, input: 'cy\npw\n' }).exited;
  assert.equal(code, 0);
  assert.match(stdout, /Connected cy/);
});

test('a wrong password ends with the error line and exit code 1', { timeout: 60_000 }, async () => {
  const { code, stderr } = await runCli(['connect', 'demo', '--flow', 'password'], { server: s, input: 'dan\nincorrectpassword\n' }).exited;
  assert.equal(code, 1);
  assert.equal(stderr, 'error: invalid_credentials: The username or password is incorrect.\n');
});

test('Ctrl+C at a question cancels the login session on the server and says so', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--flow', 'password'], { server: s });
  await cli.waitFor('Username');
  cli.child.kill('SIGINT');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 2);
  const id = /login session (\S+) was cancelled on the server/.exec(stdout)?.[1];
  assert.ok(id, stdout);
  const session = await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`);
  assert.equal(session.body.status, 'cancelled');
});

test('input that ends before the login does cancels the session (exit 2)', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runCli(['connect', 'demo', '--flow', 'password'], { server: s, input: 'eve\n' }).exited;
  assert.equal(code, 2);
  assert.match(stderr, /^error: cancelled: the input ended before the login finished$/m);
  const id = /login session (\S+) was cancelled/.exec(stdout)?.[1];
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).body.status, 'cancelled');
});
