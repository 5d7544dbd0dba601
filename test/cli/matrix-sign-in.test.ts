import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MatrixLoginError, requestOpenIDToken } from '../../src/cli/client/matrix-sign-in.ts';
import { credentialsPath, readCredentials, removeCredentials, writeCredentials } from '../../src/cli/client/credentials.ts';
import { startFakeHomeserver } from '../support/fake-homeserver.ts';

test('Matrix sign-in: password login, an OpenID token the homeserver vouches for, and no Matrix session left', async (t) => {
  const hs = await startFakeHomeserver({ serverName: 'example.test' });
  t.after(() => hs.close());
  const alice = hs.addUser('alice', 'correct horse');
  const openid = await requestOpenIDToken({ homeserver: hs.baseURL, user: 'alice', password: 'correct horse', fetch });
  assert.equal(openid.userID, alice);
  assert.equal(openid.matrixServerName, 'example.test');
  const check = await fetch(`${hs.baseURL}/_matrix/federation/v1/openid/userinfo?access_token=${openid.accessToken}`);
  assert.deepEqual(await check.json(), { sub: alice });
  assert.equal(hs.liveSessions(), 0);

  await assert.rejects(requestOpenIDToken({ homeserver: hs.baseURL, user: '@alice:example.test', password: 'wrong', fetch }), (err: unknown) => err instanceof MatrixLoginError && err.reason === 'invalid_credentials');
});

test('credentials: written 0600 under XDG_CONFIG_HOME, read back, removed', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-cred-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = credentialsPath({ XDG_CONFIG_HOME: dir }, '/nonexistent-home');
  assert.equal(file, path.join(dir, 'bridge-login', 'credentials.json'));
  assert.equal(credentialsPath({}, '/home/x'), path.join('/home/x', '.config', 'bridge-login', 'credentials.json'));
  const stored = { baseURL: 'http://127.0.0.1:1', userID: '@a:b', accessToken: 'bl_x', expiresAt: '2027-01-01T00:00:00.000Z' };
  writeCredentials(file, stored);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readCredentials(file), stored);
  assert.equal(removeCredentials(file), true);
  assert.equal(readCredentials(file), undefined);
  assert.equal(removeCredentials(file), false);
});

test('error lines: a refused Matrix password is a permission error, an unreachable homeserver an unavailable one', async () => {
  const { describeError } = await import('../../src/cli/client/error-line.ts');
  const refused = describeError(new MatrixLoginError('invalid_credentials', 'the homeserver refused the user name or password (M_FORBIDDEN)'));
  assert.equal(refused.line, 'error: matrix_invalid_credentials: the homeserver refused the user name or password (M_FORBIDDEN)');
  assert.equal(refused.exitCode, 77);
  assert.equal(describeError(new MatrixLoginError('unreachable', 'x')).exitCode, 69);
});
