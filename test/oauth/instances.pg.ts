/**
 * OAuth on two instances sharing one PostgreSQL database: an authorization started on one is
 * approved on the other, one code redeemed on both at once gives one token pair, and a token
 * given on one is honoured, and once revoked refused, on the other at once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startAuthorization, type ApprovedApp } from '../support/oauth.ts';

let a: TestServer;
let b: TestServer;
// At the file's top level: withDatabase() drops it after the file's tests.
const db = await withDatabase();

before(async () => {
  a = await startTestServer({ databaseURL: db.url });
  b = await startTestServer({ databaseURL: db.url });
});

after(async () => {
  await a.close();
  await b.close();
});

/** Start on A, approve on B (with B's own owner token: the owner is one principal on both). */
async function approveAcross(): Promise<ApprovedApp> {
  const started = await startAuthorization(a, 'read');
  const seen = await b.api('GET', `/v1/oauth/requests/${started.requestID}`);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.body.clientName, 'Helper App');
  const decided = await b.api('POST', '/v1/oauth/decisions', { requestID: started.requestID, allow: true });
  assert.equal(decided.status, 200, decided.text);
  assert.equal((await a.api('POST', '/v1/oauth/decisions', { requestID: started.requestID, allow: true })).status, 404, 'answered once, on any instance');
  return { clientID: started.clientID, redirectURI: started.redirectURI, verifier: started.verifier, callback: new URL(decided.body.redirectTo) };
}

function redeem(s: TestServer, app: ApprovedApp): Promise<Response> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code: app.callback.searchParams.get('code') ?? '', redirect_uri: app.redirectURI, client_id: app.clientID, code_verifier: app.verifier });
  return fetch(`${s.baseURL}/oauth/token`, { method: 'POST', body });
}

test('a code redeemed on both instances at once gives one token pair', async () => {
  const app = await approveAcross();
  const answers = await Promise.all([redeem(a, app), redeem(b, app)]);
  const bodies = (await Promise.all(answers.map((r) => r.json()))) as { access_token?: string; error?: string }[];
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 400], JSON.stringify(bodies));
  assert.equal(bodies.filter((x) => typeof x.access_token === 'string').length, 1);
  assert.deepEqual(bodies.filter((x) => x.error !== undefined).map((x) => x.error), ['invalid_grant']);
});

test('a token given on one instance works on the other, and a revocation on one is refused on both at once', async () => {
  const app = await approveAcross();
  const res = await redeem(a, app);
  assert.equal(res.status, 200);
  const { access_token: access } = (await res.json()) as { access_token: string };
  const onB = await b.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${access}` });
  assert.equal(onB.status, 200, onB.text);
  const listed = await b.api('GET', '/v1/apps');
  assert.ok(listed.body.items.some((c: { clientID: string }) => c.clientID === app.clientID), 'the approval is listed on the other instance');
  assert.equal((await a.api('DELETE', `/v1/apps/${app.clientID}`)).status, 204);
  for (const s of [a, b]) {
    const refused = await s.api('GET', '/v1/bridges', undefined, { authorization: `Bearer ${access}` });
    assert.equal(refused.status, 401, refused.text);
  }
});
