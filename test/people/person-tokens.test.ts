import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/db.ts';
import { TokenStore } from '../../src/store/tokens.ts';

test('a person\'s token names them, stops at its expiry, and is revoked with their other tokens only', async () => {
  const db = openDatabase(':memory:');
  const tokens = new TokenStore(db);
  const owner = await tokens.create('cli', 1000);
  const alice1 = await tokens.create('matrix', 1001, { userID: '@alice:x', expiresAt: 5000 });
  const alice2 = await tokens.create('matrix', 1002, { userID: '@alice:x', expiresAt: 9000 });
  const bob = await tokens.create('matrix', 1003, { userID: '@bob:x', expiresAt: 9000 });
  assert.deepEqual(await tokens.verify(owner.token, 2000), { id: owner.info.id });
  assert.deepEqual(await tokens.verify(alice1.token, 2000), { id: alice1.info.id, userID: '@alice:x' });
  // Expiry holds for a token already verified (and so remembered) too.
  assert.equal(await tokens.verify(alice1.token, 5000), undefined);
  assert.deepEqual(await tokens.activeByUser(5000), new Map([['@alice:x', 1], ['@bob:x', 1]]));
  assert.equal(await tokens.revokeUser('@alice:x', 6000), 2);
  assert.equal(await tokens.verify(alice2.token, 6000), undefined);
  assert.deepEqual(await tokens.verify(bob.token, 6000), { id: bob.info.id, userID: '@bob:x' });
  assert.deepEqual(await tokens.verify(owner.token, 6000), { id: owner.info.id });
  // The owner is never "a user" to revoke.
  assert.equal(await tokens.revokeUser('', 6000), 0);
  assert.deepEqual((await tokens.list()).map((t) => [t.userID ?? 'owner', t.revokedAt !== undefined]), [['owner', false], ['@alice:x', true], ['@alice:x', true], ['@bob:x', false]]);
  db.close();
});
