/**
 * OAuth's routes when its PostgreSQL database cannot be reached: 503 `store_unavailable` with
 * Retry-After (api.md §11), in OAuth's error shape on `/oauth/` and the API's on `/v1/`, never a
 * 500. The database is a port on which nothing listens, so this needs no PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { bareApp } from '../support/bare-app.ts';
import { pkcePair } from '../support/oauth.ts';
import { ManualClock } from '../../src/clock.ts';
import { oauthFeature } from '../../src/oauth/feature.ts';
import { PgOAuthStore } from '../../src/oauth/store-pg.ts';
import { openPostgres, type PgDatabase } from '../../src/store/pg/pool.ts';

let app: FastifyInstance;
let pg: PgDatabase;

/** A 127.0.0.1 port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  pg = await openPostgres(`postgres://bridge:secret@127.0.0.1:${await closedPort()}/gone`, { poolSize: 2 });
  app = await bareApp((a) => a.register(oauthFeature, { store: new PgOAuthStore(pg.pool), clock: new ManualClock() }));
});

after(async () => {
  await app.close();
  await pg.close();
});

test("registration, authorization, the token endpoint and userinfo answer 503 store_unavailable in OAuth's shape while the database is down", async () => {
  const { challenge } = pkcePair();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const calls = [
    { method: 'POST' as const, url: '/oauth/register', payload: { redirect_uris: ['http://127.0.0.1:9/cb'] } },
    { method: 'GET' as const, url: `/oauth/authorize?${new URLSearchParams({ client_id: 'app_x', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256' })}` },
    {
      method: 'POST' as const,
      url: '/oauth/token',
      headers: form,
      payload: new URLSearchParams({ grant_type: 'authorization_code', code: 'blc_x', redirect_uri: 'http://127.0.0.1:9/cb', client_id: 'app_x', code_verifier: 'v'.repeat(43) }).toString(),
    },
    { method: 'GET' as const, url: '/oauth/userinfo', headers: { authorization: 'Bearer blo_x' } },
  ];
  for (const call of calls) {
    const res = await app.inject(call);
    assert.equal(res.statusCode, 503, `${call.url}: ${res.body}`);
    assert.equal(res.json().error, 'store_unavailable', call.url);
    assert.equal(typeof res.json().error_description, 'string', call.url);
    assert.equal(res.headers['retry-after'], '1', call.url);
    assert.ok(!res.body.includes('secret'), 'the database password is not echoed');
  }
});

test("the approved-apps list answers the API's 503 store_unavailable while the database is down", async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/apps' });
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(res.json().code, 'store_unavailable');
});
