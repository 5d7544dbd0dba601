import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/db.ts';
import { TokenStore } from '../../src/store/tokens.ts';

test('a person\'s token names them, stops at its expiry, and is revoked with their other tokens only', () => {
  const db = openDatabase(':memory:');
  const tokens = new TokenStore(db);
  const owner = tokens.create('cli', 1000);
  const alice1 = tokens.create('matrix', 1001, { userID: '@alice:x', expiresAt: 5000 });
  const alice2 = tokens.create('matrix', 1002, { userID: '@alice:x', expiresAt: 9000 });
  const bob = tokens.create('matrix', 1003, { userID: '@bob:x', expiresAt: 9000 });
  assert.deepEqual(tokens.verify(owner.token, 2000), { id: owner.info.id });
  assert.deepEqual(tokens.verify(alice1.token, 2000), { id: alice1.info.id, userID: '@alice:x' });
  // Expiry holds for a token already verified (and so remembered) too.
  assert.equal(tokens.verify(alice1.token, 5000), undefined);
  assert.deepEqual(tokens.activeByUser(5000), new Map([['@alice:x', 1], ['@bob:x', 1]]));
  assert.equal(tokens.revokeUser('@alice:x', 6000), 2);
  assert.equal(tokens.verify(alice2.token, 6000), undefined);
  assert.deepEqual(tokens.verify(bob.token, 6000), { id: bob.info.id, userID: '@bob:x' });
  assert.deepEqual(tokens.verify(owner.token, 6000), { id: owner.info.id });
  // The owner is never "a user" to revoke.
  assert.equal(tokens.revokeUser('', 6000), 0);
  assert.deepEqual(tokens.list().map((t) => [t.userID ?? 'owner', t.revokedAt !== undefined]), [['owner', false], ['@alice:x', true], ['@alice:x', true], ['@bob:x', false]]);
  db.close();
});
