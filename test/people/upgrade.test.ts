/**
 * Upgrade (api.md §10): a database written before people existed keeps its owner tokens, logins
 * and sessions, all the owner's, and works at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { databaseAtVersion } from '../support/old-database.ts';
import { startTestServer, tempDir } from '../support/server.ts';

/** The schema version before the people migration. */
const BEFORE_PEOPLE = 3;

test('a database written before people keeps its owner token, login and finished session', async (t) => {
  const { dir, remove } = tempDir();
  t.after(remove);
  const now = Date.now();
  const old = databaseAtVersion(path.join(dir, 'bridge-login.sqlite'), BEFORE_PEOPLE);
  const token = 'bl_an-owner-token-from-before-people';
  old.prepare('INSERT INTO tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)').run('0ld70ken', 'first-start', createHash('sha256').update(token).digest('hex'), now - 1000);
  const user = { id: 'kim', username: 'kim', fullName: 'kim' };
  old.prepare('INSERT INTO logins (bridge_id, login_id, status, user_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run('demo', 'demo_kim-0123456789', 'connected', JSON.stringify(user), now - 900, now - 900);
  old.close();

  const s = await startTestServer({ dataDir: dir });
  t.after(() => s.close());
  const asOld = { authorization: `Bearer ${token}` };
  const accounts = await s.api('GET', '/v1/accounts', undefined, asOld);
  assert.equal(accounts.status, 200, accounts.text);
  assert.deepEqual(accounts.body.map((a: any) => a.user.username), ['kim']);
  const login = await s.api('GET', '/v1/bridges/demo/logins/demo_kim-0123456789', undefined, asOld);
  assert.equal(login.status, 200);
  // The old token is the owner's and does not expire.
  const info = (await s.app.tokens.list()).find((t) => t.id === '0ld70ken');
  assert.deepEqual(info, { id: '0ld70ken', name: 'first-start', createdAt: now - 1000 });
  assert.deepEqual(await s.app.tokens.verify(token, now + 10 * 365 * 24 * 3600_000), { id: '0ld70ken' });
  // A new login on the upgraded database works.
  const created = await s.api('POST', '/v1/bridges/demo/login-sessions', {}, asOld);
  assert.equal(created.status, 200);
});
