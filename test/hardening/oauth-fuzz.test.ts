/**
 * Bad input never breaks the OAuth routes: generated form-encoded bodies (and JSON for
 * registration, queries for authorize) with odd, repeated, missing and half-right parameters each
 * get a 4xx in OAuth's error shape `{error, error_description}`, never a 5xx.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../support/server.ts';
import { approveApp, tokensFor, type ApprovedApp } from '../support/oauth.ts';

const RUNS = 1500;
let s: TestServer;
let app: ApprovedApp;
let real: string[];

before(async () => {
  s = await startTestServer();
  const tokens = await tokensFor(s, (app = await approveApp(s)));
  real = [app.clientID, app.redirectURI, app.verifier, app.callback.searchParams.get('code') ?? '', tokens.access_token, tokens.refresh_token];
});
after(() => s.close());

const odd = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', '%00', '%zz', '%', '&', '=', 'a=b=c', '\uD800', 'S256', 'plain', 'read', 'write', 'read write admin', 'http://evil.example/', 'javascript:alert(1)'),
  fc.integer({ min: 1000, max: 8000 }).map((n) => 'x'.repeat(n)),
);
const NAMES = ['grant_type', 'code', 'redirect_uri', 'client_id', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'scope', 'state', 'response_type', 'code_challenge', 'code_challenge_method', 'resource'];
const value = fc.oneof(odd, fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials'), fc.nat().map((i) => real[i % real.length]!));
/** A form: known and unknown names, sometimes repeated, in any order, raw or broken encoding. */
const form = fc.oneof(
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string()), value), { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString()),
  odd,
);
const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'multipart/form-data', '');

test('form-encoded bodies, queries and registrations never get a 5xx, and errors have the OAuth shape', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/oauth/token', '/oauth/revoke', '/oauth/introspect', '/oauth/userinfo', '/oauth/register', '/oauth/authorize'), form, contentType, fc.anything(), fc.nat(2), async (url, body, type, json, shape) => {
      const method = url === '/oauth/authorize' ? 'GET' : 'POST';
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      let payload: string | undefined = body;
      if (url === '/oauth/register') {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify([{ redirect_uris: [body] }, { redirect_uris: body, client_name: json }, json][shape]) ?? 'null';
      }
      const res = await s.app.fastify.inject({ method, url: method === 'GET' ? `${url}?${body}` : url, headers, ...(method === 'POST' ? { payload } : {}) });
      n++;
      assert.ok(res.statusCode < 500, `${method} ${url} ${type}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) {
        const parsed = JSON.parse(res.body) as { error?: unknown; error_description?: unknown };
        assert.equal(typeof parsed.error, 'string', res.body.slice(0, 200));
        assert.equal(typeof parsed.error_description, 'string', res.body.slice(0, 200));
      }
    }),
    { numRuns: RUNS },
  );
  assert.equal(n, RUNS);
  // The server still answers.
  const ok = await s.api('GET', '/v1/bridges');
  assert.equal(ok.status, 200);
});
