/**
 * OAuth's routes when its PostgreSQL database cannot be reached: RFC 6749's retryable
 * `temporarily_unavailable` (503, Retry-After), never a 500. The database is a port on which
 * nothing listens, so this needs no PostgreSQL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openPostgres, type PgDatabase } from '../../src/store/pg/pool.ts';
import { pkcePair } from '../support/oauth.ts';

let s: TestServer;
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
  s = await startTestServer({ pg });
});

after(async () => {
  await s.close();
  await pg.close();
});

test('registration, authorization and the token endpoint answer 503 temporarily_unavailable while the database is down', async () => {
  const { challenge } = pkcePair();
  const calls: [string, RequestInit][] = [
    ['/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'] }) }],
    [`/oauth/authorize?${new URLSearchParams({ client_id: 'app_x', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' }],
    ['/oauth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'blc_x', redirect_uri: 'http://127.0.0.1:9/cb', client_id: 'app_x', code_verifier: 'v'.repeat(43) }) }],
    ['/oauth/userinfo', { headers: { authorization: 'Bearer blo_x' } }],
  ];
  for (const [path, init] of calls) {
    const res = await fetch(s.baseURL + path, init);
    const body = (await res.json()) as { error: string; error_description: string };
    assert.equal(res.status, 503, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.error, 'temporarily_unavailable', path);
    assert.equal(res.headers.get('retry-after'), '1', path);
    assert.ok(!JSON.stringify(body).includes('secret'), 'the database password is not echoed');
  }
});
