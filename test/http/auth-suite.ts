/**
 * The token checks of every protected route, one suite for both stores: auth.test.ts runs it on
 * SQLite, auth.pg.ts on PostgreSQL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server.ts';

/** What the suite needs of a store: where the server keeps its data, and its token rows as stored. */
export interface AuthBackend {
  name: string;
  /** Options that put the server on this store (none: SQLite in memory). */
  server: () => Promise<Pick<TestServerOptions, 'databaseURL'>>;
  tokenRows: (s: TestServer) => Promise<Record<string, unknown>[]>;
}

export function describeAuth({ name, server, tokenRows }: AuthBackend): void {
  describe(`auth on ${name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer({
        ...(await server()),
        configure: (c) => {
          c.corsOrigins = ['http://allowed.example'];
          c.allowedHosts = ['bridge.example'];
        },
        authLimits: { maxFailures: 5, windowMs: 60_000 },
      });
    });
    after(() => s.close());

    const raw = (path: string, headers: Record<string, string>, method = 'GET') => fetch(s.baseURL + path, { method, headers });

    test('GET /v1/info and /v1/openapi.json need no token', async () => {
      const info = await raw('/v1/info', {});
      assert.equal(info.status, 200);
      const body = (await info.json()) as any;
      assert.equal(body.app.name, 'bridge-login');
      assert.equal(body.server.base_url, s.baseURL);
      assert.equal(body.endpoints.spec, `${s.baseURL}/v1/openapi.json`);
      assert.equal((await raw('/v1/openapi.json', {})).status, 200);
    });

    test('missing token is 401 missing_token, wrong one 401 invalid_token, both with WWW-Authenticate', async () => {
      const none = await raw('/v1/bridges', {});
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).code, 'missing_token');
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      const wrong = await raw('/v1/bridges', { authorization: 'Bearer bl_wrong' });
      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as any).code, 'invalid_token');
      assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
      const basic = await raw('/v1/bridges', { authorization: `Basic ${s.token}` });
      assert.equal(((await basic.json()) as any).code, 'missing_token');
    });

    test('a revoked token stops working at once', async () => {
      const { token, info } = await s.app.tokens.create('temp', s.clock.now());
      assert.equal((await raw('/v1/bridges', { authorization: `Bearer ${token}` })).status, 200);
      assert.ok(await s.app.tokens.revoke(info.id, s.clock.now()));
      const r = await raw('/v1/bridges', { authorization: `Bearer ${token}` });
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as any).code, 'invalid_token');
    });

    test('tokens are stored only as hashes', async () => {
      const rows = await tokenRows(s);
      for (const row of rows) for (const v of Object.values(row)) assert.notEqual(v, s.token);
      assert.ok(!JSON.stringify(rows).includes(s.token.slice(3)));
    });

    test('a Host that is not loopback or configured is 403 forbidden_host, before auth', async () => {
      const { request } = await import('node:http');
      const status = (host: string) =>
        new Promise<[number, string]>((resolve, reject) => {
          const req = request(`${s.baseURL}/v1/bridges`, { headers: { host, authorization: `Bearer ${s.token}` } }, (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve([res.statusCode!, body]));
          });
          req.on('error', reject);
          req.end();
        });
      const [evil, body] = await status('evil.example:23373');
      assert.equal(evil, 403);
      assert.equal(JSON.parse(body).code, 'forbidden_host');
      assert.equal((await status('localhost:1234'))[0], 200);
      assert.equal((await status('[::1]:80'))[0], 200);
      assert.equal((await status('bridge.example'))[0], 200);
      assert.equal((await status('127.0.0.1.evil.example'))[0], 403);
    });

    test('CORS: no Access-Control-Allow-Origin unless the origin is configured', async () => {
      const other = await raw('/v1/bridges', { authorization: `Bearer ${s.token}`, origin: 'http://evil.example' });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const pre = await raw('/v1/bridges', { origin: 'http://evil.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
      const ok = await raw('/v1/bridges', { authorization: `Bearer ${s.token}`, origin: 'http://allowed.example' });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'http://allowed.example');
      const okPre = await raw('/v1/bridges', { origin: 'http://allowed.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
      assert.equal(okPre.status, 204);
      assert.match(okPre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    });

    test('repeated failed authentications are slowed with 429 and Retry-After, then recover', async () => {
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) last = await raw('/v1/accounts', { authorization: 'Bearer guess' + i });
      assert.equal(last!.status, 429);
      assert.equal(((await last!.json()) as any).code, 'rate_limited');
      assert.ok(Number(last!.headers.get('retry-after')) >= 1);
      // Even the right token waits out the window from that client.
      assert.equal((await raw('/v1/accounts', { authorization: `Bearer ${s.token}` })).status, 429);
      s.clock.advance(60_000);
      assert.equal((await raw('/v1/accounts', { authorization: `Bearer ${s.token}` })).status, 200);
    });

    test('requests without any token never count as failures: a web page cannot lock the real clients out', async () => {
      s.clock.advance(60_000); // a fresh window for the brake
      for (let i = 0; i < 50; i++) {
        const res = await raw(i % 2 ? '/v1/accounts' : '/v1/bridges', i % 3 ? {} : { origin: 'http://evil.example' }, i % 5 ? 'GET' : 'OPTIONS');
        assert.ok([401, 404].includes(res.status), `request ${i}: ${res.status}`);
      }
      assert.equal((await raw('/v1/accounts', { authorization: `Bearer ${s.token}` })).status, 200);
      // Guesses still count.
      for (let i = 0; i < 5; i++) assert.equal((await raw('/v1/accounts', { authorization: `Bearer guess-${i}` })).status, 401);
      assert.equal((await raw('/v1/accounts', { authorization: 'Bearer guess-5' })).status, 429);
      s.clock.advance(60_000);
    });

    test('a path under /v1/ that matches no route needs a token too; other unknown paths are 404', async () => {
      const none = await raw('/v1/no-such-thing', {});
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).code, 'missing_token');
      assert.equal((await raw('/v1/no-such-thing', { authorization: `Bearer ${s.token}` })).status, 404);
      assert.equal((await raw('/no-such-page', {})).status, 404);
    });

    test('HEAD of a protected route needs the token, and a failure counts once', async () => {
      s.clock.advance(60_000); // a fresh window for the brake
      assert.equal((await raw('/v1/accounts', { authorization: 'Bearer no-head' }, 'HEAD')).status, 401);
      assert.equal((await raw('/v1/accounts', { authorization: `Bearer ${s.token}` }, 'HEAD')).status, 200);
      // Four more failures make five: the limit, not yet over it. A HEAD counted twice would be over.
      for (let i = 0; i < 4; i++) assert.equal((await raw('/v1/accounts', { authorization: 'Bearer no' + i }, 'HEAD')).status, 401, `failure ${i + 2}`);
      assert.equal((await raw('/v1/accounts', { authorization: 'Bearer no' }, 'HEAD')).status, 429);
      s.clock.advance(60_000);
    });
  });
}
