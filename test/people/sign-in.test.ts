/**
 * POST /v1/auth/matrix and the tokens it issues (api.md §10): forged, expired and foreign
 * OpenID tokens, a homeserver that is down or slow, allowedUsers, token expiry and revocation,
 * the owner-only routes, the per-person cap, and generated bad bodies (never a 5xx).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type Reply, type TestServer } from '../support/server.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';
import { eventually } from '../support/eventually.ts';
import { matrixUser } from '../../src/principal.ts';

let s: TestServer;
let hs: FakeHomeserver;
let evil: FakeHomeserver;

before(async () => {
  hs = await startFakeHomeserver({ serverName: 'example.test' });
  evil = await startFakeHomeserver({ serverName: 'evil.test' });
  s = await startTestServer({
    authLimits: { maxFailures: 1e9, windowMs: 1000 },
    configure: (c) => {
      c.matrix = { allowedUsers: ['@*:example.test', '@*:evil.test'], homeservers: { 'example.test': hs.baseURL, 'evil.test': evil.baseURL } };
      c.sessions.maxActivePerUser = 2;
      c.auth.tokenTTLSeconds = 3600;
    },
  });
});
after(async () => {
  await s?.close();
  await hs?.close();
  await evil?.close();
});

const exchange = (accessToken: unknown, matrixServerName: unknown = 'example.test'): Promise<Reply> =>
  s.api('POST', '/v1/auth/matrix', { accessToken, matrixServerName }, { authorization: '' });
const as = (token: string, method: string, path: string, body?: unknown): Promise<Reply> => s.api(method, path, body, { authorization: `Bearer ${token}` });

async function signIn(localpart: string): Promise<{ token: string; userID: string; expiresAt: string }> {
  const res = await exchange(hs.issueOpenID(`@${localpart}:example.test`));
  assert.equal(res.status, 200, res.text);
  return { token: res.body.accessToken, userID: res.body.userID, expiresAt: res.body.expiresAt };
}

test('a valid OpenID token gets a bl_ token bound to the person, expiring after auth.tokenTTLSeconds', async () => {
  const { token, userID, expiresAt } = await signIn('alice');
  assert.match(token, /^bl_/);
  assert.equal(userID, '@alice:example.test');
  assert.equal(Date.parse(expiresAt), s.clock.now() + 3600_000);
  assert.equal((await as(token, 'GET', '/v1/accounts')).status, 200);
  s.clock.advance(3600_000);
  const expired = await as(token, 'GET', '/v1/accounts');
  assert.equal(expired.status, 401);
  assert.equal(expired.body.code, 'invalid_token');
});

test('forged, expired and foreign OpenID tokens are 401 invalid_openid_token', async () => {
  const forged = await exchange('not-a-token');
  assert.equal(forged.status, 401);
  assert.equal(forged.body.code, 'invalid_openid_token');
  assert.ok(!forged.text.includes('not-a-token'));

  const used = hs.issueOpenID('@alice:example.test');
  hs.expireOpenID(used);
  assert.equal((await exchange(used)).body.code, 'invalid_openid_token');

  // evil.test's homeserver vouching for a user of example.test.
  const foreign = await exchange(evil.issueOpenID('@alice:example.test'), 'evil.test');
  assert.equal(foreign.status, 401);
  assert.equal(foreign.body.code, 'invalid_openid_token');
  // example.test's token presented as evil.test's: evil's homeserver does not know it.
  assert.equal((await exchange(hs.issueOpenID('@alice:example.test'), 'evil.test')).body.code, 'invalid_openid_token');
});

test('a person allowedUsers does not match is 403 user_not_allowed; an unlisted server is never asked', async () => {
  const before = hs.requests.length;
  const res = await exchange('x', 'elsewhere.test');
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'user_not_allowed');
  assert.equal(hs.requests.length, before);
});

test('a homeserver that is down or answers garbage is 503 homeserver_unavailable', async () => {
  hs.userInfoMode = 'error500';
  try {
    const res = await exchange(hs.issueOpenID('@alice:example.test'));
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'homeserver_unavailable');
  } finally {
    hs.userInfoMode = 'normal';
  }
});

test('owner-only routes: people get 403 forbidden; the owner lists people and signs one out everywhere', async () => {
  const bob = await signIn('bob');
  const bob2 = await signIn('bob');
  assert.equal((await as(bob.token, 'GET', '/v1/users')).body.code, 'forbidden');
  assert.equal((await as(bob.token, 'DELETE', '/v1/users/@bob:example.test/tokens')).status, 403);

  const users = await s.api('GET', '/v1/users');
  const row = users.body.items.find((u: any) => u.userID === '@bob:example.test');
  assert.equal(row.tokens, 2);
  assert.equal(row.activeSessions, 0);

  const out = await s.api('DELETE', `/v1/users/${encodeURIComponent('@bob:example.test')}/tokens`);
  assert.equal(out.status, 200, out.text);
  assert.equal(out.body.revoked, 2);
  for (const t of [bob.token, bob2.token]) assert.equal((await as(t, 'GET', '/v1/accounts')).status, 401);
  assert.equal((await s.api('DELETE', '/v1/users/@nobody:example.test/tokens')).status, 404);
});

test('a person signing out revokes their own token only', async () => {
  const one = await signIn('carol');
  const two = await signIn('carol');
  assert.equal((await as(one.token, 'DELETE', '/v1/auth/token')).status, 204);
  assert.equal((await as(one.token, 'GET', '/v1/accounts')).status, 401);
  assert.equal((await as(two.token, 'GET', '/v1/accounts')).status, 200);
});

test('a person at sessions.maxActivePerUser gets 429 rate_limited; others are not held back', async () => {
  const dave = await signIn('dave');
  for (let i = 0; i < 2; i++) assert.equal((await as(dave.token, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).status, 200);
  const third = await as(dave.token, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  assert.equal(third.status, 429);
  assert.equal(third.body.code, 'rate_limited');
  assert.ok(third.headers.get('retry-after'));
  const erin = await signIn('erin');
  assert.equal((await as(erin.token, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).status, 200);
  assert.equal((await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).status, 200);
});

test('a person signed out everywhere mid-long-poll: the waiting request ends', async () => {
  const frank = await signIn('frank');
  const created = await as(frank.token, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  const poll = as(frank.token, 'POST', `/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/steps/${created.body.currentStep.stepID}?wait=300`, { type: 'display_and_wait' });
  const events = fetch(`${s.baseURL}/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/events`, { headers: { authorization: `Bearer ${frank.token}` } }).then((r) => r.text());
  // The revocation is sent once both requests are in; their answers then come back at once.
  await eventually(() => s.app.sessions.feed(matrixUser('@frank:example.test'), 'demo', created.body.loginSessionID).watcherCount >= 2, 'the long-poll and the stream to wait');
  await s.api('DELETE', `/v1/users/${encodeURIComponent('@frank:example.test')}/tokens`);
  const answered = await poll;
  assert.equal(answered.status, 401);
  assert.equal(answered.body.code, 'invalid_token');
  // The stream ends (its text is whatever it had sent before).
  assert.match(await events, /event: session/);
});

test('generated bad bodies on /v1/auth/matrix get a 4xx, never a 5xx', async () => {
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({ accessToken: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), matrixServerName: fc.oneof(fc.string(), fc.constantFrom('example.test', 'evil.test', '[::1]:1', 'a'.repeat(300), '127.0.0.1:0', 'x/y', '')) }, { requiredKeys: [] }),
  );
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const res = await s.api('POST', '/v1/auth/matrix', JSON.stringify(b) ?? 'null', { authorization: '', 'content-type': 'application/json' });
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${JSON.stringify(b)}: ${res.text}`);
      assert.equal(typeof res.body.code, 'string');
    }),
    { numRuns: 300 },
  );
});
