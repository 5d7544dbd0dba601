/** CORS: only configured origins get permission, and only their preflights are answered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corsForOrigins } from '../../src/http/cors.ts';
import { bareApp } from '../support/bare-app.ts';

const ALLOWED = 'http://allowed.example';
const preflight = (origin: string) => ({ method: 'OPTIONS' as const, url: '/v1/x', headers: { origin, 'access-control-request-method': 'GET' } });

test('a configured origin gets Access-Control-Allow-Origin, and its preflight is answered with the policy', async () => {
  const app = await bareApp((a) => a.register(corsForOrigins, { origins: [ALLOWED] }));
  const get = await app.inject({ url: '/v1/x', headers: { origin: ALLOWED } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], ALLOWED);
  assert.match(String(get.headers.vary), /Origin/);
  const pre = await app.inject(preflight(ALLOWED));
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], ALLOWED);
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST, DELETE');
  assert.equal(pre.headers['access-control-allow-headers'], 'Authorization, Content-Type, Idempotency-Key, X-Stainless-Timeout, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID');
  assert.equal(pre.headers['access-control-max-age'], '600');
  // A preflight without Access-Control-Request-Method is answered too (no plain-text 400).
  assert.equal((await app.inject({ method: 'OPTIONS', url: '/v1/x', headers: { origin: ALLOWED } })).statusCode, 204);
});

test('another origin gets no CORS header, and its preflight is not answered', async () => {
  const app = await bareApp((a) => a.register(corsForOrigins, { origins: [ALLOWED] }));
  const get = await app.inject({ url: '/v1/x', headers: { origin: 'http://evil.example' } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], undefined);
  const pre = await app.inject(preflight('http://evil.example'));
  assert.equal(pre.statusCode, 404);
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  assert.equal(pre.headers['access-control-allow-methods'], undefined);
});

test('with no origin configured, nothing is added: no CORS header, no preflight route', async () => {
  const app = await bareApp((a) => a.register(corsForOrigins, { origins: [] }));
  const get = await app.inject({ url: '/v1/x', headers: { origin: ALLOWED } });
  assert.equal(get.headers['access-control-allow-origin'], undefined);
  assert.equal(get.headers.vary, undefined);
  assert.equal(app.hasRoute({ method: 'OPTIONS', url: '*' }), false);
  assert.equal((await app.inject(preflight(ALLOWED))).statusCode, 404);
});
