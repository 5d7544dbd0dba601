/**
 * One suite for OAuth's storage: `store.test.ts` runs it on SQLite, `store.pg.ts` on PostgreSQL,
 * so both stores answer the same way. Two connections to one database stand for two instances.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import OAuth2Server from '@node-oauth/oauth2-server';
import { ManualClock } from '../../src/clock.ts';
import { matrixUser, OWNER } from '../../src/principal.ts';
import { oauthServer } from '../../src/oauth/model.ts';
import { CODE_TTL_MS, type OAuthStorage } from '../../src/oauth/store.ts';
import { PENDING_TTL_MS } from '../../src/oauth/pending.ts';

/** OAuth's storage on one connection (or pool) to the database under test. */
export interface OpenOAuthStore {
  store: OAuthStorage;
  /** Every text value in OAuth's tables, to look for secrets. */
  dump(): Promise<string>;
  close(): Promise<void>;
}

/** How to reach one fresh database: each `connect()` is another connection to it. */
export interface OAuthStoreBackend {
  create(): Promise<void>;
  connect(): Promise<OpenOAuthStore>;
  destroy(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const REDIRECT = 'http://127.0.0.1:9/cb';

/** A PKCE pair (RFC 7636 S256). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Redeem `code` at the token endpoint of the library over `store`, as the route does. */
async function redeem(store: OAuthStorage, now: number, body: Record<string, string>): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; error: string }> {
  const server = oauthServer(store, new ManualClock(now));
  const req = new OAuth2Server.Request({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1' }, query: {}, body });
  const res = new OAuth2Server.Response({ headers: {} });
  try {
    await server.token(req, res);
    return { ok: true, body: res.body as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: (err as Error).name };
  }
}

/** The suite, on `backend`; each test uses its own client and principal, so they share one database. */
export function describeOAuthStore(name: string, backend: OAuthStoreBackend): void {
  describe(`OAuth storage on ${name}`, () => {
    let a: OpenOAuthStore;
    let b: OpenOAuthStore;
    before(async () => {
      await backend.create();
      a = await backend.connect();
      b = await backend.connect();
    });
    after(async () => {
      await a.close();
      await b.close();
      await backend.destroy();
    });

    test('a registered client is found by its id, from any connection', async () => {
      const made = await a.store.registerClient('Notes', [REDIRECT, 'https://notes.example/cb'], T0);
      assert.match(made.id, /^app_/);
      assert.deepEqual(await b.store.client(made.id), { id: made.id, name: 'Notes', redirectUris: [REDIRECT, 'https://notes.example/cb'], createdAt: T0 });
      assert.equal(await b.store.client('app_nobody'), undefined);
    });

    test('a code is read back with its grant, spent once, and stored only as a hash', async () => {
      const client = await a.store.registerClient('Code app', [REDIRECT], T0);
      const code = `blc_${randomBytes(16).toString('hex')}`;
      const grantID = await a.store.saveCode(code, { clientID: client.id, principal: matrixUser('@c:x'), scope: 'read write', redirectUri: REDIRECT, codeChallenge: 'ch' }, T0);
      assert.deepEqual(await b.store.code(code), {
        grantID,
        clientID: client.id,
        principal: matrixUser('@c:x'),
        scope: 'read write',
        redirectUri: REDIRECT,
        codeChallenge: 'ch',
        expiresAt: T0 + CODE_TTL_MS,
      });
      assert.equal(await b.store.spendCode(code, T0 + 1), true);
      assert.equal(await a.store.spendCode(code, T0 + 2), false, 'a spent code is not spent again');
      assert.equal((await a.store.code(code))?.usedAt, T0 + 1);
      assert.equal(await a.store.code('blc_unknown'), undefined);
      assert.ok(!(await a.dump()).includes(code), 'the code itself is not stored');
    });

    test('tokens: access checks note their use; expired, spent and revoked ones are refused', async () => {
      const client = await a.store.registerClient('Token app', [REDIRECT], T0);
      const principal = matrixUser('@t:x');
      const grantID = await a.store.saveCode('blc_t1', { clientID: client.id, principal, scope: 'read', redirectUri: REDIRECT, codeChallenge: 'ch' }, T0);
      await a.store.saveToken('blo_t1', 'access', grantID, 'read', T0, T0 + 1000);
      await a.store.saveToken('blr_t1', 'refresh', grantID, 'read', T0, T0 + 5000);
      assert.deepEqual(await b.store.access('blo_t1', T0 + 10), { grantID, clientID: client.id, principal, scopes: ['read'], createdAt: T0, expiresAt: T0 + 1000 });
      assert.equal((await a.store.connections(principal))[0]?.lastUsedAt, T0 + 10, 'the check noted when the app was last used');
      assert.equal(await b.store.access('blo_t1', T0 + 1000), undefined, 'expired');
      assert.equal(await b.store.access('blr_t1', T0 + 10), undefined, 'a refresh token is no access token');
      assert.deepEqual(await b.store.refresh('blr_t1', T0 + 10), { grantID, clientID: client.id, principal, scope: 'read', expiresAt: T0 + 5000, spent: false });
      assert.equal(await b.store.grantOf('blr_t1'), grantID);
      assert.equal(await b.store.grantOf('blr_nothing'), undefined);
      assert.equal(await a.store.spendToken('blr_t1', T0 + 20), true);
      assert.equal(await b.store.spendToken('blr_t1', T0 + 21), false);
      assert.equal((await b.store.refresh('blr_t1', T0 + 30))?.spent, true, 'a spent refresh token is still found, as a replay');
      await a.store.saveToken('blo_t2', 'access', grantID, 'read', T0, T0 + 1000);
      await a.store.revokeGrant(grantID, T0 + 40);
      assert.equal(await b.store.access('blo_t2', T0 + 41), undefined, "a revoked grant's token is refused on the other connection at once");
      assert.equal(await b.store.refresh('blr_t1', T0 + 41), undefined);
      assert.equal(await b.store.code('blc_t1'), undefined);
      const dump = await a.dump();
      for (const secret of ['blo_t1', 'blr_t1', 'blo_t2']) assert.ok(!dump.includes(secret), `${secret} is not stored`);
    });

    test('connections: one per client with their scopes merged; revoked per client or all at once, per principal', async () => {
      const p = matrixUser('@conn:x');
      const other = matrixUser('@other:x');
      const one = await a.store.registerClient('One', [REDIRECT], T0);
      const two = await a.store.registerClient('Two', [REDIRECT], T0);
      const grant = (clientID: string, principal = p, scope = 'read', at = T0) =>
        a.store.saveCode(`blc_${randomBytes(8).toString('hex')}`, { clientID, principal, scope, redirectUri: REDIRECT, codeChallenge: 'ch' }, at);
      await grant(one.id, p, 'read', T0);
      await grant(one.id, p, 'write', T0 + 5);
      await grant(two.id, p, 'read', T0 + 10);
      await grant(two.id, other, 'read', T0 + 10);
      await grant(two.id, OWNER, 'write', T0 + 10);
      assert.deepEqual(await b.store.connections(p), [
        { clientID: two.id, name: 'Two', scopes: ['read'], createdAt: T0 + 10 },
        { clientID: one.id, name: 'One', scopes: ['read', 'write'], createdAt: T0 + 5 },
      ]);
      assert.deepEqual((await b.store.connections(OWNER)).map((c) => c.clientID), [two.id], "the owner's grants are the owner's");
      assert.equal(await b.store.revokeClient(p, one.id, T0 + 20), true);
      assert.equal(await b.store.revokeClient(p, one.id, T0 + 21), false, 'nothing left to revoke');
      assert.deepEqual((await a.store.connections(p)).map((c) => c.clientID), [two.id]);
      assert.equal(await a.store.revokeAll(p, T0 + 30), 1);
      assert.deepEqual(await a.store.connections(p), []);
      assert.equal((await a.store.connections(other)).length, 1, "another person's apps are untouched");
    });

    test('a pending authorization request is seen from any connection, answered once, and expires', async () => {
      const request = { clientID: 'app_x', clientName: 'X', redirectUri: REDIRECT, scopes: ['read'], state: 's', codeChallenge: 'ch' };
      const id = await a.store.addPending(request, T0);
      assert.deepEqual(await a.store.pending(id, T0 + 1), { ...request, expiresAt: T0 + PENDING_TTL_MS });
      assert.equal(await a.store.pending('unknown', T0 + 1), undefined);
      assert.equal(await a.store.pending(id, T0 + PENDING_TTL_MS), undefined, 'expired');
      assert.deepEqual(await a.store.takePending(id, T0 + 2), { ...request, expiresAt: T0 + PENDING_TTL_MS });
      assert.equal(await a.store.takePending(id, T0 + 3), undefined, 'answered once');
      const late = await a.store.addPending(request, T0);
      assert.equal(await a.store.takePending(late, T0 + PENDING_TTL_MS), undefined, 'an expired request cannot be answered');
    });

    test('one code redeemed twice at once, on two connections, gives one token pair, and the replay revokes it', async () => {
      const client = await a.store.registerClient('Race app', [REDIRECT], T0);
      const { verifier, challenge } = pkce();
      const code = `blc_${randomBytes(16).toString('hex')}`;
      await a.store.saveCode(code, { clientID: client.id, principal: matrixUser('@race:x'), scope: 'read', redirectUri: REDIRECT, codeChallenge: challenge }, T0);
      const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: client.id, code_verifier: verifier };
      const results = await Promise.all([redeem(a.store, T0 + 1, body), redeem(b.store, T0 + 1, body)]);
      const won = results.filter((r) => r.ok);
      assert.equal(won.length, 1, `exactly one redemption wins: ${JSON.stringify(results)}`);
      assert.deepEqual(
        results.filter((r) => !r.ok).map((r) => (r as { error: string }).error),
        ['invalid_grant'],
      );
      const pair = (won[0] as { body: Record<string, unknown> }).body;
      assert.equal(typeof pair.access_token, 'string');
      assert.equal(typeof pair.refresh_token, 'string');
      // However the two interleave, the loser met a spent code: a replay, so the grant stops
      // (RFC 6749 §4.1.2), as for a code reused later.
      assert.equal(await b.store.access(pair.access_token as string, T0 + 2), undefined);
    });

    test('one refresh token redeemed twice at once gives one new pair, and the replay revokes the grant', async () => {
      const client = await a.store.registerClient('Refresh race', [REDIRECT], T0);
      const principal = matrixUser('@refresh:x');
      const grantID = await a.store.saveCode('blc_' + randomBytes(8).toString('hex'), { clientID: client.id, principal, scope: 'read', redirectUri: REDIRECT, codeChallenge: 'ch' }, T0);
      await a.store.saveToken('blr_race', 'refresh', grantID, 'read', T0, T0 + 60_000);
      const body = { grant_type: 'refresh_token', refresh_token: 'blr_race', client_id: client.id };
      const results = await Promise.all([redeem(a.store, T0 + 1, body), redeem(b.store, T0 + 1, body)]);
      assert.equal(results.filter((r) => r.ok).length, 1, `exactly one rotation wins: ${JSON.stringify(results)}`);
      // The loser saw the token spent under it: a replay, so the whole grant stops.
      assert.deepEqual(await a.store.connections(principal), []);
    });
  });
}
