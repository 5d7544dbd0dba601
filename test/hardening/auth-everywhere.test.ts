/**
 * Strangers stay out: every route the contract protects refuses a request without a valid
 * token, however the URL is spelled; a foreign Host is refused on every route; no origin gets
 * CORS permission; guessing tokens is slowed down.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { startTestServer, tempDir, type TestServer } from '../support/server.ts';
import { openDatabase } from '../../src/store/db.ts';
import { TokenStore } from '../../src/store/tokens.ts';
import { assertClientError, fillPath, routerRoutes, routesOf, type Route } from '../support/contract.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
let routes: Route[];
let protectedRoutes: Route[];
const ids: Record<string, string> = { bridgeID: 'demo', stepID: 'demo.password' };
/** The MCP endpoint: JSON-RPC, so not in the OpenAPI document, and protected all the same. */
const MCP_ROUTES: Route[] = ['GET', 'POST', 'DELETE'].map((method) => ({ method, path: '/v0/mcp', params: [], isPublic: false }));

before(async () => {
  s = await startTestServer({ authLimits: { maxFailures: 1e9, windowMs: 60_000 } });
  routes = [...routesOf((await s.api('GET', '/v1/openapi.json')).body), ...MCP_ROUTES];
  protectedRoutes = routes.filter((r) => !r.isPublic);
  const c = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
  const done = await s.api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'auth', password: 'pw' } });
  ids.loginSessionID = c.body.loginSessionID;
  ids.loginID = done.body.loginID;
  ids.accountID = done.body.accountID;
  // A person who signed in, so that the owner's DELETE /v1/users/{userID}/tokens finds someone.
  ids.userID = '@someone:example.test';
  await s.app.tokens.create('matrix sign-in', s.clock.now(), { userID: ids.userID, expiresAt: s.clock.now() + 3600_000 });
});
after(() => s.close());

const BODY: Record<string, unknown> = { '/remove': { scope: 'all-devices' }, '/steps/:stepID': { type: 'user_input', fields: { username: 'x', password: 'y' } }, '/login-sessions': {} };

/** A request to `route` with real IDs and a well-formed body. */
function requestFor(route: Route, headers: Record<string, string>, url = fillPath(route, ids)): InjectOptions {
  const suffix = Object.keys(BODY).find((k) => route.method === 'POST' && route.path.endsWith(k));
  const opts: InjectOptions = { method: route.method as 'GET', url, headers: { ...headers } };
  if (suffix !== undefined) {
    opts.payload = JSON.stringify(BODY[suffix]);
    (opts.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  return opts;
}

test('the OpenAPI document lists every API route, and marks only /v1/info public; /v0/mcp is walked too', () => {
  const paths = new Set(routes.map((r) => `${r.method} ${r.path}`));
  for (const must of ['POST /v0/mcp', 'GET /v1/accounts', 'POST /v1/bridges/:bridgeID/login-sessions', 'GET /v1/bridges/:bridgeID/login-sessions/:loginSessionID/events', 'POST /v1/bridges/:bridgeID/logins/:loginID/remove']) {
    assert.ok(paths.has(must), must);
  }
  assert.deepEqual(routes.filter((r) => r.isPublic).map((r) => r.path).sort(), ['/v1/auth/matrix', '/v1/info', '/v1/openapi.json']);
  assert.ok(protectedRoutes.length >= 13);
});

test('the router holds no API route that the walks below miss: each one is in the OpenAPI document', () => {
  const held = routerRoutes(s.app.fastify.printRoutes({ commonPrefix: false })).filter((r) => /^\/v[01]\//.test(r.path) && r.method !== 'HEAD');
  const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
  assert.ok(held.length >= protectedRoutes.length, `the router's tree was read (${held.length} routes)`);
  assert.ok(held.some((r) => r.path === '/v0/mcp' && r.method === 'POST'), 'the MCP endpoint is among them');
  for (const r of held) assert.ok(documented.has(`${r.method} ${r.path}`), `${r.method} ${r.path} is routed but not documented, so no test checks its token`);
});

test('every protected route: no token → 401 missing_token; wrong, revoked or ambient credentials → 401', async () => {
  const { token: revoked, info } = await s.app.tokens.create('soon revoked', s.clock.now());
  assert.ok(await s.app.tokens.revoke(info.id, s.clock.now()));
  const attempts: [string, Record<string, string>, string][] = [
    ['no token', {}, 'missing_token'],
    ['empty Bearer', { authorization: 'Bearer ' }, 'missing_token'],
    ['other scheme', { authorization: `Basic ${Buffer.from(`x:${s.token}`).toString('base64')}` }, 'missing_token'],
    ['token without scheme', { authorization: s.token }, 'missing_token'],
    ['wrong token', { authorization: 'Bearer bl_0000000000000000000000000000000000000000000' }, 'invalid_token'],
    ['token with one character changed', { authorization: `Bearer ${s.token.slice(0, -1)}${s.token.endsWith('A') ? 'B' : 'A'}` }, 'invalid_token'],
    ['token prefix', { authorization: `Bearer ${s.token.slice(0, 20)}` }, 'invalid_token'],
    ['revoked token', { authorization: `Bearer ${revoked}` }, 'invalid_token'],
    // A browser's ambient credentials are no credentials here.
    ['cookie only', { cookie: `token=${s.token}; demo_session=x` }, 'missing_token'],
    ['token in the query', {}, 'missing_token'],
  ];
  let n = 0;
  for (const route of protectedRoutes) {
    for (const [name, headers, code] of attempts) {
      const url = fillPath(route, ids) + (name === 'token in the query' ? `?token=${s.token}&access_token=${s.token}` : '');
      const res = await s.app.fastify.inject(requestFor(route, headers, url));
      const what = `${route.method} ${route.path} (${name})`;
      const body = assertClientError(res.statusCode, res.headers, res.body, what);
      assert.equal(res.statusCode, 401, what);
      assert.equal(body.code, code, what);
      assert.equal(res.headers['www-authenticate'], 'Bearer', what);
      n++;
    }
  }
  assert.equal(n, protectedRoutes.length * attempts.length);
});

test('every protected route: other spellings of its URL need the token too', async () => {
  const port = Number(new URL(s.baseURL).port);
  for (const route of protectedRoutes) {
    const url = fillPath(route, ids);
    const spellings = [
      url.replace('/v1/', '/%761/'),
      url.replace('/v1/', '/v%31/'),
      url.replace(/\/([a-z])/g, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
      `${url}?`,
      `${url}#fragment`,
    ];
    for (const spelled of spellings) {
      const res = await s.app.fastify.inject(requestFor(route, {}, spelled));
      assert.ok(res.statusCode === 401 || res.statusCode === 404, `${route.method} ${spelled}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    // Absolute-form request targets reach the router as they are: only a raw socket sends them.
    for (const target of [`http://localhost:${port}${url}`, `http://127.0.0.1${url.replace('/v1/', '/%761/')}`]) {
      const raw = await rawRequest(port, [`${route.method} ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`]);
      const r = raw.responses[0];
      assert.ok(r, `${route.method} ${target}: no answer`);
      assert.equal(r.status, 401, `${route.method} ${target}: ${r.status} ${r.body.slice(0, 120)}`);
    }
  }
});

test('with the token, each protected route answers (so the 401s above came from the token check)', async () => {
  for (const route of protectedRoutes) {
    // Signing out revokes the token it is sent with: it gets one of its own.
    const token = route.path === '/v1/auth/token' ? (await s.app.tokens.create('to sign out', s.clock.now())).token : s.token;
    const res = await s.app.fastify.inject(requestFor(route, { authorization: `Bearer ${token}` }));
    assert.ok(![401, 403, 404].includes(res.statusCode), `${route.method} ${route.path}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  // Unknown API paths need a token as well, so that they reveal nothing.
  assert.equal((await s.app.fastify.inject({ url: '/v1/secret-admin' })).statusCode, 401);
  assert.equal((await s.app.fastify.inject({ url: '/v1/secret-admin', headers: { authorization: `Bearer ${s.token}` } })).statusCode, 404);
});

test('every route, API or page, refuses a Host that is not loopback or configured with 403 forbidden_host', async () => {
  const port = Number(new URL(s.baseURL).port);
  const pages: Route[] = ['/', '/app.js', '/demo/sign-in', '/demo/link', '/demo/scan/x', '/nope'].map((p) => ({ method: 'GET', path: p, params: [], isPublic: true }));
  const hosts = [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, `[::ffff:127.0.0.1]:${port}`, `0.0.0.0:${port}`, `127.1:${port}`];
  for (const route of [...routes, ...pages]) {
    for (const host of hosts) {
      const res = await s.app.fastify.inject(requestFor(route, { host, authorization: `Bearer ${s.token}` }));
      const what = `${route.method} ${route.path} Host: ${host}`;
      const body = assertClientError(res.statusCode, res.headers, res.body, what);
      assert.equal(body.code, 'forbidden_host', what);
    }
  }
  // What only a raw socket can send: no Host, an empty one, a foreign absolute-form target.
  for (const [name, head] of [
    ['no Host', 'GET /v1/info HTTP/1.1\r\n'],
    ['empty Host', 'GET /v1/info HTTP/1.1\r\nHost:\r\n'],
    ['foreign absolute-form target', 'GET http://evil.example/v1/info HTTP/1.1\r\nHost: localhost\r\n'],
    ['foreign absolute-form target with userinfo', `GET http://localhost:${port}@evil.example/v1/info HTTP/1.1\r\nHost: localhost\r\n`],
  ] as const) {
    const r = (await rawRequest(port, [`${head}Connection: close\r\n\r\n`])).responses[0];
    assert.ok(r, name);
    assert.equal(assertClientError(r.status, r.headers, r.body, name).code, 'forbidden_host', name);
  }
});

test('no origin gets CORS permission on any route, and browser-simple requests cannot act', async () => {
  const origins = ['http://evil.example', 'null', `http://localhost:1`, s.baseURL.replace('127.0.0.1', 'localhost'), 'https://127.0.0.1'];
  for (const route of [...routes, { method: 'GET', path: '/', params: [], isPublic: true }]) {
    for (const origin of origins) {
      const actual = await s.app.fastify.inject(requestFor(route, { origin, authorization: `Bearer ${s.token}` }));
      const pre = await s.app.fastify.inject({
        method: 'OPTIONS',
        url: fillPath(route, ids),
        headers: { origin, 'access-control-request-method': route.method, 'access-control-request-headers': 'authorization, content-type' },
      });
      for (const [kind, res] of [['request', actual], ['preflight', pre]] as const) {
        const what = `${kind} ${route.method} ${route.path} from ${origin}`;
        assert.equal(res.headers['access-control-allow-origin'], undefined, what);
        assert.equal(res.headers['access-control-allow-credentials'], undefined, what);
        assert.equal(res.headers['access-control-allow-headers'], undefined, what);
      }
      assert.ok(pre.statusCode >= 400, `preflight ${route.path} from ${origin}: ${pre.statusCode}`);
    }
  }
  // A cross-site form or no-cors fetch sends no Authorization and a simple content type: refused.
  for (const route of protectedRoutes.filter((r) => r.method === 'POST')) {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await s.app.fastify.inject({ method: 'POST', url: fillPath(route, ids), headers: { origin: 'http://evil.example', 'content-type': type }, payload: 'scope=all-devices' });
      assert.equal(res.statusCode, 401, `${route.path} ${type}`);
    }
    const empty = await s.app.fastify.inject({ method: 'POST', url: fillPath(route, ids), headers: { origin: 'http://evil.example' } });
    assert.equal(empty.statusCode, 401, `${route.path} without a body`);
  }
});

test('repeated failed authentications from one client get 429 with Retry-After, on every route, and only that client', async () => {
  const t = await startTestServer({ authLimits: { maxFailures: 20, windowMs: 60_000 } });
  try {
    const port = Number(new URL(t.baseURL).port);
    const tRoutes = protectedRoutes;
    // 20 failures spread over the routes, through real sockets (one client: 127.0.0.1).
    for (let i = 0; i < 20; i++) {
      const route = tRoutes[i % tRoutes.length]!;
      const r = (await rawRequest(port, [`${route.method} ${fillPath(route, ids)} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer guess${i}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`])).responses[0]!;
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    for (const route of tRoutes) {
      const r = (await rawRequest(port, [`${route.method} ${fillPath(route, ids)} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer guess\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`])).responses[0]!;
      const what = `${route.method} ${route.path}`;
      assert.equal(assertClientError(r.status, r.headers, r.body, what).code, 'rate_limited', what);
      const retryAfter = Number(r.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${what}: Retry-After ${r.headers['retry-after']}`);
    }
    // Another client is not slowed down by the first one's failures.
    const other = await t.app.fastify.inject({ url: '/v1/accounts', remoteAddress: '127.0.0.2', headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(other.statusCode, 200);
    const otherWrong = await t.app.fastify.inject({ url: '/v1/accounts', remoteAddress: '127.0.0.2', headers: { authorization: 'Bearer guess' } });
    assert.equal(otherWrong.statusCode, 401);
    // The window passes; the client may try again.
    t.clock.advance(60_000);
    assert.equal((await t.api('GET', '/v1/accounts')).status, 200);
  } finally {
    await t.close();
  }
});

test('a token revoked or created by another process (the token command) counts at once on the running server', async () => {
  const { dir, remove } = tempDir();
  const t = await startTestServer({ dataDir: dir });
  // What `bridge-login token create|revoke` does: its own connection to the same database.
  const cli = openDatabase(t.config.databaseFile);
  try {
    const other = new TokenStore(cli);
    const { token, info } = await other.create('cli', Date.now());
    const h = { authorization: `Bearer ${token}` };
    assert.equal((await t.api('GET', '/v1/accounts', undefined, h)).status, 200, 'created elsewhere, accepted at once');
    assert.ok(await other.revoke(info.id, Date.now()));
    const r = await t.api('GET', '/v1/accounts', undefined, h);
    assert.equal(r.status, 401, 'revoked elsewhere, refused at once');
    assert.equal(r.body.code, 'invalid_token');
    assert.equal((await t.api('GET', '/v1/accounts')).status, 200, 'other tokens still work');
  } finally {
    cli.close();
    await t.close();
    remove();
  }
});
