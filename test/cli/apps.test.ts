// `apps list` and `apps revoke`: the approved OAuth apps, and revoking one stops its tokens at
// once (the real binary against a real server on an ephemeral port).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { approveApp, tokensFor } from '../support/oauth.ts';
import { runCli, useServerForCli } from './cli-process.ts';

let s: TestServer;
useServerForCli((server) => (s = server));

test('no apps yet says so; an approved app is listed, and revoking it stops its token at once', { timeout: 60_000 }, async () => {
  const empty = await runCli(['apps', 'list'], { server: s }).exited;
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /^No apps have access\./);

  const app = await approveApp(s, 'read');
  const tokens = await tokensFor(s, app);
  const headers = { authorization: `Bearer ${tokens.access_token}` };
  assert.equal((await s.api('GET', '/v1/accounts', undefined, headers)).status, 200);

  const listed = await runCli(['apps', 'list'], { server: s }).exited;
  const lines = listed.stdout.split('\n');
  assert.match(lines[0]!, /^CLIENT ID\s+NAME\s+SCOPES\s+ALLOWED\s+LAST USED$/);
  assert.match(lines[1]!, new RegExp(`^${app.clientID}\\s+Helper App\\s+read\\s+\\S+\\s+\\S+Z$`));
  const json = JSON.parse((await runCli(['apps', 'list', '--json'], { server: s }).exited).stdout);
  assert.deepEqual(json, (await s.api('GET', '/v1/apps')).body.items);

  const revoked = await runCli(['apps', 'revoke', app.clientID], { server: s }).exited;
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout, `Revoked ${app.clientID}: its tokens no longer work.\n`);
  const after = await s.api('GET', '/v1/accounts', undefined, headers);
  assert.equal(after.status, 401);
  assert.equal(after.body.code, 'invalid_token');

  const again = await runCli(['apps', 'revoke', app.clientID], { server: s }).exited;
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /not found/);
});
