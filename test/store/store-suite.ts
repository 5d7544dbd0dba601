/**
 * One suite for every store of logins, tokens, people and demo cookies: `*.test.ts` runs it on
 * SQLite, `*.pg.ts` on PostgreSQL, so both stores answer the same way.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoCookieStorage, LoginStorage, PeopleStorage, TokenStorage } from '../../src/store/storage.ts';

/** The stores on one connection (or pool) to the database under test. */
export interface OpenStores {
  logins: LoginStorage;
  tokens: TokenStorage;
  people: PeopleStorage;
  cookies: DemoCookieStorage;
  close(): Promise<void>;
}

/** How to reach a fresh database: `connect()` opens another connection to the same one. */
export interface StoreBackend {
  /** Make the fresh database (once, before the suite). */
  create(): Promise<void>;
  connect(): Promise<OpenStores>;
  /** Remove the database (once, after the suite). */
  destroy(): Promise<void>;
}

/** Each test gets its own principal or bridge names, so that they share one database. */
export function describeStores(name: string, backend: StoreBackend): void {
  describe(`stores on ${name}`, () => {
    let s: OpenStores;
    before(async () => {
      await backend.create();
      s = await backend.connect();
    });
    after(async () => {
      await s.close();
      await backend.destroy();
    });

    test('a login is created, updated in place, listed per principal and deleted', async () => {
      const user = { id: 'u1', username: 'alice' };
      const created = await s.logins.upsert({ bridgeID: 'b1', loginID: 'l1', status: 'connected', user }, 1000, '@a:x');
      assert.deepEqual(created, { owner: '@a:x', bridgeID: 'b1', loginID: 'l1', status: 'connected', user, createdAt: 1000, updatedAt: 1000 });
      await s.logins.upsert({ bridgeID: 'b1', loginID: 'l0', status: 'connecting', user: { id: 'u0' } }, 1500, '@a:x');
      const updated = await s.logins.upsert({ bridgeID: 'b1', loginID: 'l1', status: 'needs_login', statusText: 'gone', user }, 2000, '@a:x');
      assert.deepEqual(updated, { ...created, status: 'needs_login', statusText: 'gone', updatedAt: 2000 });
      assert.deepEqual((await s.logins.list('b1', '@a:x')).map((l) => l.loginID), ['l1', 'l0'], 'oldest first');
      assert.deepEqual(await s.logins.list('b1', '@b:x'), [], "another principal's logins are their own");
      assert.equal(await s.logins.count('b1', '@a:x'), 2);
      assert.deepEqual(await s.logins.get('b1', 'l1', '@a:x'), updated);
      assert.equal(await s.logins.get('b1', 'l1', '@b:x'), undefined);
      await s.logins.upsert({ bridgeID: 'b2', loginID: 'l1', status: 'connected', user }, 2500, '@a:x');
      assert.deepEqual((await s.logins.listAll('@a:x')).map((l) => `${l.bridgeID}/${l.loginID}`), ['b1/l1', 'b1/l0', 'b2/l1']);
      assert.equal((await s.logins.countByOwner()).get('@a:x'), 3);
      assert.equal(await s.logins.delete('b1', 'l1', '@a:x'), true);
      assert.equal(await s.logins.delete('b1', 'l1', '@a:x'), false);
      assert.equal(await s.logins.count('b1', '@a:x'), 1);
    });

    test("a person's token names them, stops at its expiry, and is revoked with their other tokens only", async () => {
      const tokens = s.tokens;
      const owner = await tokens.create('cli', 1000);
      const alice1 = await tokens.create('matrix', 1001, { userID: '@alice:x', expiresAt: 5000 });
      const alice2 = await tokens.create('matrix', 1002, { userID: '@alice:x', expiresAt: 9000 });
      const bob = await tokens.create('matrix', 1003, { userID: '@bob:x', expiresAt: 9000 });
      assert.equal(await tokens.isEmpty(), false);
      assert.deepEqual(await tokens.verify(owner.token, 2000), { id: owner.info.id });
      assert.deepEqual(await tokens.verify(alice1.token, 2000), { id: alice1.info.id, userID: '@alice:x' });
      // Expiry holds for a token already verified (and so remembered) too.
      assert.equal(await tokens.verify(alice1.token, 5000), undefined);
      assert.equal(await tokens.verify(`${owner.token}x`, 2000), undefined);
      assert.deepEqual(await tokens.activeByUser(5000), new Map([['@alice:x', 1], ['@bob:x', 1]]));
      assert.equal(await tokens.revokeUser('@alice:x', 6000), 2);
      assert.equal(await tokens.verify(alice2.token, 6000), undefined);
      assert.deepEqual(await tokens.verify(bob.token, 6000), { id: bob.info.id, userID: '@bob:x' });
      assert.deepEqual(await tokens.verify(owner.token, 6000), { id: owner.info.id });
      // The owner is never "a user" to revoke.
      assert.equal(await tokens.revokeUser('', 6000), 0);
      assert.deepEqual(
        (await tokens.list()).map((t) => [t.userID ?? 'owner', t.revokedAt !== undefined]),
        [['owner', false], ['@alice:x', true], ['@alice:x', true], ['@bob:x', false]],
      );
      assert.deepEqual((await tokens.list())[1], { id: alice1.info.id, name: 'matrix', createdAt: 1001, revokedAt: 6000, userID: '@alice:x', expiresAt: 5000 });
      assert.equal(await tokens.revoke(owner.info.id, 7000), true);
      assert.equal(await tokens.revoke(owner.info.id, 7000), false, 'already revoked');
      assert.equal(await tokens.verify(owner.token, 7000), undefined);
    });

    test('a token revoked through another connection is refused at once', async () => {
      const other = await backend.connect();
      try {
        const { token, info } = await other.tokens.create('elsewhere', 1000);
        assert.deepEqual(await s.tokens.verify(token, 1001), { id: info.id }, 'created elsewhere, accepted at once');
        assert.equal(await other.tokens.revoke(info.id, 1002), true);
        assert.equal(await s.tokens.verify(token, 1003), undefined, 'revoked elsewhere, refused at once');
      } finally {
        await other.close();
      }
    });

    test('no secret is stored: a token is kept as its hash', async () => {
      const { token, info } = await s.tokens.create('secret', 1000);
      const listed = (await s.tokens.list()).find((t) => t.id === info.id);
      assert.ok(listed);
      assert.ok(!JSON.stringify(listed).includes(token.slice(3)));
    });

    test('a person is seen once a minute unless forced, and never moves back', async () => {
      await s.people.seen('@p:x', 10_000, true);
      await s.people.seen('@p:x', 20_000);
      assert.deepEqual(await s.people.list().then((l) => l.filter((p) => p.userID === '@p:x')), [{ userID: '@p:x', firstSeenAt: 10_000, lastSeenAt: 10_000 }]);
      await s.people.seen('@p:x', 80_000);
      await s.people.seen('@p:x', 50_000, true);
      assert.deepEqual(await s.people.list().then((l) => l.filter((p) => p.userID === '@p:x')), [{ userID: '@p:x', firstSeenAt: 10_000, lastSeenAt: 80_000 }]);
      assert.equal(await s.people.has('@p:x'), true);
      assert.equal(await s.people.has('@nobody:x'), false);
    });

    test('a demo cookie is taken once, within its lifetime, and the oldest go first', async () => {
      await s.cookies.add('h1', 'ann', 1000);
      await s.cookies.add('h2', 'ben', 2000);
      await s.cookies.add('h3', 'cat', 3000);
      assert.equal(await s.cookies.count(), 3);
      assert.equal(await s.cookies.take('h2', 2500), undefined, 'issued before `since`');
      assert.equal(await s.cookies.take('h2', 1500), 'ben');
      assert.equal(await s.cookies.take('h2', 1500), undefined, 'one use');
      await s.cookies.evictOldest(1);
      assert.equal(await s.cookies.take('h1', 0), undefined, 'the oldest was evicted');
      await s.cookies.purgeBefore(3500);
      assert.equal(await s.cookies.count(), 0);
    });

    test('two connections taking the same cookie at once: one gets it', async () => {
      const other = await backend.connect();
      try {
        await s.cookies.add('race', 'dan', 1000);
        const got = await Promise.all([s.cookies.take('race', 0), other.cookies.take('race', 0)]);
        assert.deepEqual(got.filter((u) => u !== undefined), ['dan']);
      } finally {
        await other.close();
      }
    });
  });
}
