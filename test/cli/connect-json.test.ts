// `bridge-login connect --json`: the non-interactive mode for scripts and agents, with its exit
// codes (the real binary against a real server on an ephemeral port).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { jsonLines, runCli, useServerForCli } from './cli-process.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

test('a password login from --field values prints each state as a JSON line and exits 0', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runCli(['connect', 'demo', '--json', '--field', 'username=ann', '--field', 'password=pw'], { server: s }).exited;
  assert.equal(code, 0, stderr);
  const states = jsonLines(stdout);
  assert.deepEqual(
    states.map((x) => [x.status, x.currentStep?.stepID ?? x.currentStep?.type]),
    [
      ['waiting_for_input', 'demo.password'],
      ['complete', 'complete'],
    ],
  );
  assert.equal(states[0].loginSessionID, states[1].loginSessionID);
  assert.equal(states[1].account.user.username, 'ann');
  assert.equal(stderr, '');
});

test('field values from a JSON object on standard input', { timeout: 60_000 }, async () => {
  const input = JSON.stringify({ username: 'bea', password: 'pw' });
  const { code, stdout } = await runCli(['connect', 'demo', '--json', '--flow', 'password'], { server: s, input }).exited;
  assert.equal(code, 0);
  assert.equal(jsonLines(stdout).at(-1).account.user.username, 'bea');
});

test('a 2FA login answered step by step on standard input, as an agent would', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--json', '--flow', 'password-2fa'], { server: s });
  await cli.waitFor(/"stepID":"demo.password"/);
  cli.write('{"username": "cy", "password": "pw"}\n');
  await cli.waitFor(/"stepID":"demo.2fa"/);
  cli.write('{"code": 123456}\n');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 0);
  assert.deepEqual(
    jsonLines(stdout).map((x) => x.status),
    ['waiting_for_input', 'waiting_for_input', 'complete'],
  );
});

test('--login reconnects an existing login; its username is kept from the step', { timeout: 60_000 }, async () => {
  const first = jsonLines((await runCli(['connect', 'demo', '--json', '--field', 'username=gus', '--field', 'password=pw'], { server: s }).exited).stdout);
  const loginID = first.at(-1).loginID;
  const { code, stdout } = await runCli(['connect', 'demo', '--json', '--login', loginID, '--field', 'password=pw2'], { server: s }).exited;
  assert.equal(code, 0);
  const states = jsonLines(stdout);
  assert.equal(states[0].loginID, loginID, 'a reconnect session names its login from the start');
  assert.equal(states.at(-1).status, 'complete');
  assert.equal(states.at(-1).loginID, loginID);
});

test('a failed login exits 1, with the session error in the last line', { timeout: 60_000 }, async () => {
  const { code, stdout } = await runCli(['connect', 'demo', '--json', '--field', 'username=dan', '--field', 'password=incorrectpassword'], { server: s }).exited;
  assert.equal(code, 1);
  const last = jsonLines(stdout).at(-1);
  assert.equal(last.status, 'failed');
  assert.equal(last.error.code, 'invalid_credentials');
});

test('a missing field value is a usage error (64); the session is cancelled, not left open', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runCli(['connect', 'demo', '--json', '--flow', 'password', '--field', 'username=eve'], { server: s, input: '' }).exited;
  assert.equal(code, 64);
  assert.equal(stderr, 'error: missing_field: no value for "password": give --field password=…, or a JSON object on standard input\n');
  const states = jsonLines(stdout);
  assert.equal(states.at(-1).status, 'cancelled');
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${states[0].loginSessionID}`)).body.status, 'cancelled');
});

test('a wrong 2FA code with no other value to try is a usage error (64)', { timeout: 60_000 }, async () => {
  const args = ['connect', 'demo', '--json', '--flow', 'password-2fa', '--field', 'username=fay', '--field', 'password=pw', '--field', 'code=000000'];
  const { code, stdout, stderr } = await runCli(args, { server: s, input: '' }).exited;
  assert.equal(code, 64);
  assert.match(stderr, /no value for "code"/);
  assert.match(jsonLines(stdout).at(-2).currentStep.instructions, /That code was wrong/);
});

test('--timeout cancels a login that does not finish in time (exit 2)', { timeout: 60_000 }, async () => {
  // Standard input stays open and silent: the command waits for the password until the timeout.
  const cli = runCli(['connect', 'demo', '--json', '--flow', 'password', '--timeout', '0.5'], { server: s });
  const { code, stdout, stderr } = await cli.exited;
  assert.equal(code, 2);
  assert.match(stderr, /^error: timed_out: the login did not finish within 0\.5 s; the login session was cancelled$/m);
  const states = jsonLines(stdout);
  assert.equal(states.at(-1).status, 'cancelled');
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${states[0].loginSessionID}`)).body.status, 'cancelled');
});

test('SIGINT cancels the login session on the server (exit 2)', { timeout: 60_000 }, async () => {
  const cli = runCli(['connect', 'demo', '--json', '--flow', 'password'], { server: s });
  await cli.waitFor(/"status":"waiting_for_input"/);
  cli.child.kill('SIGINT');
  const { code, stdout } = await cli.exited;
  assert.equal(code, 2);
  const states = jsonLines(stdout);
  assert.equal(states.at(-1).status, 'cancelled');
  assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${states[0].loginSessionID}`)).body.status, 'cancelled');
});

test('bad flags and arguments are usage errors (64)', { timeout: 60_000 }, async () => {
  const cases: [string[], RegExp][] = [
    [['connect', 'demo', '--json', '--timeout', 'soon'], /--timeout.*expected a number of seconds/],
    [['connect', 'demo', '--json', '--field', 'username'], /error: invalid_field: --field needs id=value/],
    [['connect', 'demo', '--login', 'a', '--account', 'b'], /cannot be used with option '--account/],
    [['connect', 'demo', '--colour'], /unknown option '--colour'/],
    [['connect'], /missing required argument 'bridgeID'/],
    [['remove', 'demo', 'x', '--scope', 'everywhere'], /Allowed choices are current-device, all-devices/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args, { server: s, input: '' }).exited));
  results.forEach((result, i) => {
    assert.equal(result.code, 64, `${cases[i]![0].join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, cases[i]![1]);
  });
});
