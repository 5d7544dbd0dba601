// `bridges`, `logins`, `accounts` and `remove`: tables for people, JSON for scripts (the real
// binary against a real server on an ephemeral port).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { runCli, useServerForCli } from './cli-process.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

/** Logs `username` in through the API and returns its login ID. */
async function login(username: string): Promise<string> {
  const session = await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  const done = await s.api('POST', `/v1/bridges/demo/login-sessions/${session.body.loginSessionID}/steps/demo.password`, {
    type: 'user_input',
    fields: { username, password: 'pw' },
  });
  assert.equal(done.body.status, 'complete');
  return done.body.loginID;
}

test('empty lists say so, and how to add an account', { timeout: 60_000 }, async () => {
  const [accounts, logins] = await Promise.all([runCli(['accounts'], { server: s }).exited, runCli(['logins', 'demo'], { server: s }).exited]);
  assert.equal(accounts.code, 0);
  assert.equal(accounts.stdout, 'No accounts yet. Connect one with: bridge-login connect <bridgeID>\n');
  assert.equal(logins.stdout, 'No logins on demo yet. Add one with: bridge-login connect demo\n');
});

test('bridges, logins and accounts as aligned tables', { timeout: 60_000 }, async () => {
  const loginID = await login('ann');
  const [bridges, logins, accounts] = await Promise.all(
    [['bridges'], ['logins', 'demo'], ['accounts']].map((args) => runCli(args, { server: s }).exited),
  );
  assert.equal(bridges!.stdout, ['ID    NAME       NETWORK  STATUS     ACCOUNTS  MULTIPLE', 'demo  Demo Chat  Demo     available  1         yes', ''].join('\n'));
  const loginLines = logins!.stdout.split('\n');
  assert.match(loginLines[0]!, /^LOGIN ID\s+USER\s+STATUS\s+ACCOUNTS\s+REMOVE SCOPES$/);
  assert.match(loginLines[1]!, new RegExp(`^${loginID}\\s+ann\\s+connected\\s+demo_${loginID}\\s+current-device, all-devices$`));
  assert.match(accounts!.stdout.split('\n')[1]!, new RegExp(`^demo_${loginID}\\s+demo\\s+Demo\\s+ann\\s+connected$`));
  // Columns line up: each header starts where its values start.
  const statusColumn = loginLines[0]!.indexOf('STATUS');
  assert.equal(loginLines[1]!.indexOf('connected'), statusColumn);
});

test('--json prints the API objects', { timeout: 60_000 }, async () => {
  const [bridges, accounts] = await Promise.all([runCli(['bridges', '--json'], { server: s }).exited, runCli(['accounts', '--json'], { server: s }).exited]);
  assert.deepEqual(JSON.parse(bridges.stdout), (await s.api('GET', '/v1/bridges')).body.items);
  assert.deepEqual(JSON.parse(accounts.stdout), (await s.api('GET', '/v1/accounts')).body);
});

test('remove needs --scope when the login offers two and no one can be asked', { timeout: 60_000 }, async () => {
  const loginID = await login('bea');
  const { code, stderr } = await runCli(['remove', 'demo', loginID], { server: s, input: '' }).exited;
  assert.equal(code, 64);
  assert.equal(stderr, `error: scope_required: login ${loginID} can be removed with --scope current-device or --scope all-devices; say which\n`);
  assert.equal((await s.api('GET', `/v1/bridges/demo/logins/${loginID}`)).status, 200, 'still there');
});

test('remove --scope logs the login out and deletes it with its accounts', { timeout: 60_000 }, async () => {
  const loginID = await login('cy');
  const { code, stdout } = await runCli(['remove', 'demo', loginID, '--scope', 'all-devices'], { server: s }).exited;
  assert.equal(code, 0);
  assert.equal(stdout, `✓ Removed login ${loginID} from demo (all-devices); accounts removed: demo_${loginID}\n`);
  assert.equal((await s.api('GET', `/v1/bridges/demo/logins/${loginID}`)).status, 404);

  const again = await runCli(['remove', 'demo', loginID, '--scope', 'all-devices', '--json'], { server: s }).exited;
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error: not_found: .*\nhint: `bridge-login bridges` lists the bridges/);
});
