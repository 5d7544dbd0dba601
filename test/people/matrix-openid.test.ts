import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { MatrixOpenID, MatrixSignInError, type MatrixOpenIDOptions } from '../../src/people/matrix-openid.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';

async function refusedWith(promise: Promise<unknown>, code: string, secret?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof MatrixSignInError, String(err));
    assert.equal(err.code, code);
    if (secret) assert.ok(!err.message.includes(secret), 'the token must not appear in the message');
    return true;
  });
}

function openidFor(hs: FakeHomeserver, options: Partial<MatrixOpenIDOptions> = {}): MatrixOpenID {
  return new MatrixOpenID({ allowedUsers: [`@*:${hs.serverName}`], homeservers: { [hs.serverName]: hs.baseURL }, scheme: 'http', ...options });
}

/** A 127.0.0.1 port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a valid OpenID token names its user; forged and expired ones are refused', async (t) => {
  const hs = await startFakeHomeserver({ serverName: 'example.test' });
  t.after(() => hs.close());
  const openid = openidFor(hs);
  const alice = hs.addUser('alice', 'pw');
  const token = hs.issueOpenID(alice);
  assert.equal(await openid.verify(token, 'example.test'), alice);

  await refusedWith(openid.verify('forged-token', 'example.test'), 'invalid_openid_token', 'forged-token');
  hs.expireOpenID(token);
  await refusedWith(openid.verify(token, 'example.test'), 'invalid_openid_token', token);
});

test('a token whose homeserver names a user of another server is refused', async (t) => {
  // evil.test's homeserver vouches for "@alice:example.test": a server may only speak for its own users.
  const evil = await startFakeHomeserver({ serverName: 'evil.test' });
  t.after(() => evil.close());
  const openid = new MatrixOpenID({ allowedUsers: ['*'], homeservers: { 'evil.test': evil.baseURL }, scheme: 'http' });
  await refusedWith(openid.verify(evil.issueOpenID('@alice:example.test'), 'evil.test'), 'invalid_openid_token');
});

test('allowedUsers: glob patterns decide who may sign in; empty means off, and nothing is fetched', async (t) => {
  const hs = await startFakeHomeserver({ serverName: 'example.test' });
  t.after(() => hs.close());
  const alice = hs.addUser('alice', 'pw');
  const bob = hs.addUser('bob', 'pw');
  const only = openidFor(hs, { allowedUsers: ['@al?ce:example.test', '@carol*:example.test'] });
  assert.equal(await only.verify(hs.issueOpenID(alice), 'example.test'), alice);
  await refusedWith(only.verify(hs.issueOpenID(bob), 'example.test'), 'user_not_allowed');

  const off = openidFor(hs, { allowedUsers: [] });
  assert.equal(off.enabled, false);
  const before = hs.requests.length;
  await refusedWith(off.verify(hs.issueOpenID(alice), 'example.test'), 'user_not_allowed');
  // A server none of whose users could be let in is not contacted either.
  await refusedWith(only.verify('x', 'other.test'), 'user_not_allowed');
  await refusedWith(only.verify('x', 'not a server name/'), 'user_not_allowed');
  assert.equal(hs.requests.length, before);
});

test('a homeserver that is down, slow, broken or too talkative answers homeserver_unavailable', async (t) => {
  const hs = await startFakeHomeserver({ serverName: 'example.test' });
  t.after(() => hs.close());
  const token = hs.issueOpenID(hs.addUser('alice', 'pw'));
  const down = new MatrixOpenID({ allowedUsers: ['*'], homeservers: { 'example.test': `http://127.0.0.1:${await closedPort()}` } });
  await refusedWith(down.verify(token, 'example.test'), 'homeserver_unavailable', token);

  for (const mode of ['error500', 'garbage', 'huge'] as const) {
    hs.userInfoMode = mode;
    await refusedWith(openidFor(hs).verify(token, 'example.test'), 'homeserver_unavailable', token);
  }
  // A hang is cut by the bound (kept short here); the fake holds the request until it closes.
  hs.userInfoMode = 'hang';
  await refusedWith(openidFor(hs, { timeoutMs: 50 }).verify(token, 'example.test'), 'homeserver_unavailable', token);
});

test('without a configured URL the homeserver is found through .well-known delegation', async (t) => {
  const front = await startFakeHomeserver();
  const hs = await startFakeHomeserver({ serverName: front.authority });
  t.after(() => Promise.all([front.close(), hs.close()]));
  front.wellKnown = { 'm.server': hs.authority };
  const openid = new MatrixOpenID({ allowedUsers: [`@*:${front.authority}`], scheme: 'http' });
  const alice = hs.addUser('alice', 'pw');
  assert.equal(await openid.verify(hs.issueOpenID(alice), front.authority), alice);
  assert.deepEqual(front.requests.map((r) => r.path), ['/.well-known/matrix/server']);
  assert.deepEqual(hs.requests.map((r) => r.path), ['/_matrix/federation/v1/openid/userinfo']);

  // No delegation: the server name itself (it has a port) is the homeserver.
  front.wellKnown = undefined;
  const bob = front.addUser('bob', 'pw');
  const direct = new MatrixOpenID({ allowedUsers: ['*'], scheme: 'http' });
  assert.equal(await direct.verify(front.issueOpenID(bob), front.authority), bob);
});
