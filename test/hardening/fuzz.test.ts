/**
 * Bad input never breaks the server: thousands of generated malformed requests across every
 * route of `/v1/openapi.json` each get a 4xx in the contract's error shape (never a 5xx), and
 * the server still completes logins afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../support/server.ts';
import { assertClientError, fillPath, routesOf, type Route } from '../support/contract.ts';
import { rawRequest } from '../support/raw-http.ts';

const RUNS = 6000;
let s: TestServer;
let routes: Route[];
/** Real IDs by path parameter name, filled in `before`. */
const real: Record<string, string[]> = { bridgeID: ['demo'], accountID: [], loginID: [], loginSessionID: [], stepID: ['demo.password', 'demo.2fa', 'demo.qr', 'demo.cookies'] };
const realSet = new Set<string>();

before(async () => {
  // A brake on failed authentication would turn most of the run into 429s; auth-everywhere tests it.
  s = await startTestServer({ authLimits: { maxFailures: 1e9, windowMs: 1000 }, configure: (c) => void (c.sessions.maxActive = 100_000) });
  routes = routesOf((await s.api('GET', '/v1/openapi.json')).body);
  const create = async (flowID: string) => (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID })).body;
  const done = await create('password');
  const completed = await s.api('POST', `/v1/bridges/demo/login-sessions/${done.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'fuzz', password: 'pw' } });
  real.accountID!.push(completed.body.accountID);
  real.loginID!.push(completed.body.loginID);
  const twoFA = await create('password-2fa');
  await s.api('POST', `/v1/bridges/demo/login-sessions/${twoFA.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'fuzz2', password: 'pw' } });
  const cancelled = await create('password');
  await s.api('DELETE', `/v1/bridges/demo/login-sessions/${cancelled.loginSessionID}`);
  real.loginSessionID!.push(done.loginSessionID, twoFA.loginSessionID, cancelled.loginSessionID, (await create('qr')).loginSessionID, (await create('cookies')).loginSessionID);
  for (const list of Object.values(real)) for (const v of list) realSet.add(v);
});
after(() => s.close());

// ---- building blocks ---------------------------------------------------------------------

/** Strings a careless parser trips on: lone surrogates, NUL, bidi marks, BOM, long runs. */
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\uD800', '\uDFFF', 'a\uD800b', '\u0000', 'x\u0000y', '\u202E\u2066abc', '\u200F', '\uFEFF', 'e\u0301', '👩‍👩‍👧', '%00', '${x}', '<script>', '"', '\\'),
  fc.integer({ min: 1000, max: 12_000 }).map((n) => 'ß'.repeat(n)),
);
const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));
const anyJSON = fc.oneof(oddString, notAString, fc.jsonValue({ maxDepth: 3 }));
/** Extra properties that the contract says are ignored: noise beside the real defect. */
const extras = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString')), anyJSON, { maxKeys: 3 });

/** A path segment that names nothing, already URL-encoded as a client would send it. */
const bogusSegment = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 20 }).map((v) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?'))),
    fc.constantFrom('%2F', 'a%2Fb', '%2e%2e', '..', '.', '%00', 'nul%00x', '%zz', '%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%E2%80%AE', '%EF%BB%BF', '%20', '+', 'demo%20', 'DEMO', 'x;y', 'a?b=c'.replace('?', '%3F')),
    fc.integer({ min: 200, max: 6000 }).map((n) => 'x'.repeat(n)),
    fc.integer({ min: 1, max: 10 }).map((n) => '%E2%80%AE'.repeat(n * 30)),
  )
  .filter((v) => !realSet.has(v));
const realID = (name: string) => fc.constantFrom(...(real[name] ?? ['x']));

/** Path values for a route: all real, or at least one bogus (`needBogus`). */
function pathValues(route: Route, needBogus: boolean): fc.Arbitrary<Record<string, string>> {
  if (route.params.length === 0) return fc.constant({});
  const perParam = route.params.map((p) => fc.tuple(fc.boolean(), realID(p), bogusSegment));
  return fc.tuple(fc.integer({ min: 0, max: route.params.length - 1 }), ...perParam).map(([forced, ...choices]) => {
    const out: Record<string, string> = {};
    route.params.forEach((p, i) => {
      const [useBogus, r, b] = choices[i]!;
      out[p] = (needBogus && i === forced) || useBogus ? b : r;
    });
    if (!needBogus) for (const p of route.params) out[p] = choices[route.params.indexOf(p)]![1];
    return out;
  });
}

/** A well-formed body for a route, which a defect elsewhere makes wrong. */
function validBody(route: Route): fc.Arbitrary<unknown> {
  if (route.path.endsWith('/login-sessions') && route.method === 'POST') return fc.record({ flowID: fc.constantFrom('password', 'password-2fa', 'qr') }, { requiredKeys: [] });
  if (route.path.endsWith('/steps/:stepID')) return fc.record({ type: fc.constant('user_input'), fields: fc.record({ username: oddString, password: oddString }) });
  if (route.path.endsWith('/remove')) return fc.record({ scope: fc.constantFrom('current-device', 'all-devices') });
  return fc.constant(undefined);
}

/** A body that parses as JSON but breaks the route's schema: wrong types, missing or bad values. */
function schemaViolation(route: Route): fc.Arbitrary<unknown> | undefined {
  const notObject = fc.oneof(oddString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(anyJSON, { maxLength: 3 }));
  if (route.path.endsWith('/login-sessions') && route.method === 'POST') {
    const key = fc.constantFrom('flowID', 'loginID', 'accountID');
    return fc.oneof(notObject, fc.tuple(key, fc.oneof(notAString, fc.constant(''))).chain(([k, v]) => extras.map((e) => ({ ...e, [k]: v }))));
  }
  if (route.path.endsWith('/steps/:stepID')) {
    return fc.oneof(
      notObject,
      extras.map((e) => ({ ...e, type: undefined, fields: { code: '1' } })),
      fc.tuple(oddString.filter((t) => !['user_input', 'cookies', 'display_and_wait'].includes(t)), extras).map(([t, e]) => ({ ...e, type: t })),
      fc.tuple(notAString, extras).map(([t, e]) => ({ ...e, type: t })),
      fc.tuple(fc.oneof(notAString.filter((f) => f === null || typeof f !== 'object' || Array.isArray(f)), fc.dictionary(fc.string(), notAString, { minKeys: 1, maxKeys: 3 })), extras).map(([f, e]) => ({ ...e, type: 'user_input', fields: f })),
      fc.tuple(fc.oneof(notAString, fc.constantFrom('API', 'web')), extras).map(([v, e]) => ({ ...e, type: 'cookies', source: v })),
      fc.tuple(notAString, extras).map(([v, e]) => ({ ...e, type: 'cookies', lastURL: v })),
    );
  }
  if (route.path.endsWith('/remove')) {
    return fc.oneof(notObject, extras.map((e) => ({ ...e, scope: undefined })), fc.tuple(fc.oneof(oddString, notAString), extras).map(([v, e]) => ({ ...e, scope: v })));
  }
  return undefined;
}

/** Text that is not JSON: truncated documents, garbage, JSON's near misses. */
const notJSON = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }).chain((v) => {
      const t = JSON.stringify({ type: 'user_input', v });
      return fc.integer({ min: 1, max: t.length - 1 }).map((n) => t.slice(0, n));
    }),
    fc.string({ minLength: 1 }),
    fc.constantFrom('{', '[', '{"a":}', "{'flowID':'password'}", '{"a":1,}', 'NaN', 'undefined', '{"a":"\\x"}', '{"a":"\\uD80"}', '\u0000', '{"a":1}{"b":2}', '[1,2', '0x10', '"unterminated'),
    fc.integer({ min: 10, max: 20_000 }).map((n) => '['.repeat(n)),
  )
  .filter((t) => {
    if (t.trim() === '') return false;
    try {
      JSON.parse(t.trim());
      return false;
    } catch {
      return true;
    }
  });

interface FuzzRequest {
  kind: string;
  /** Whether a path segment names nothing (then routing and lookup errors may come first). */
  bogusPath?: boolean;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const latin1Junk = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 });

/** One malformed request for a route; `kind` names the defect that makes it malformed. */
function malformed(route: Route): fc.Arbitrary<FuzzRequest> {
  const token = { authorization: `Bearer ${s.token}` };
  const json = { ...token, 'content-type': 'application/json' };
  const hasBody = route.method === 'POST' || route.method === 'DELETE';
  const at = (values: Record<string, string>): string => fillPath(route, values);
  const bogus = (values: Record<string, string>): boolean => Object.values(values).some((v) => !realSet.has(v));
  const serialize = (b: unknown): string | undefined => (b === undefined ? undefined : JSON.stringify(b));
  const kinds: fc.Arbitrary<FuzzRequest>[] = [];
  if (route.params.length > 0 || !route.isPublic) {
    // A path that names nothing: a bogus ID, or junk after a route without parameters.
    const values = route.params.length > 0 ? pathValues(route, true) : fc.constant({});
    const suffix = route.params.length > 0 ? fc.constant('') : bogusSegment.map((b) => `/${b}`);
    kinds.push(fc.record({ v: values, sfx: suffix, body: validBody(route) }).map(({ v, sfx, body }) => ({ kind: 'path', method: route.method, url: at(v) + sfx, headers: body === undefined ? token : json, payload: serialize(body) })));
  }
  if (!route.isPublic) {
    const auth = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer bl_wrong', `Basic ${s.token}`, `Bearer ${s.token}x`, `Bearer ${s.token.slice(0, -1)}`, `bearer  ${s.token.toUpperCase()}`, 'Bearer \u00ff\u00fe'),
      latin1Junk.map((j) => `Bearer ${j}`),
    );
    kinds.push(
      fc.record({ v: pathValues(route, false), a: auth, body: validBody(route) }).map(({ v, a, body }) => {
        const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
        if (a !== undefined) headers.authorization = a;
        return { kind: 'auth', method: route.method, url: at(v), headers, payload: serialize(body) };
      }),
    );
  }
  const badHost = fc.oneof(fc.constantFrom('evil.example', 'evil.example:23373', '127.0.0.1.evil.example', 'localhost.evil.example', 'localhost@evil.example', '0.0.0.0', '[::ffff:7f00:1]', '127.1', '2130706433', 'LOCALHOST.'), latin1Junk.filter((h) => h.trim() !== '').filter((h) => !/^\s*(localhost|127\.0\.0\.1|\[::1\])(:|$)/i.test(h)));
  kinds.push(fc.record({ v: pathValues(route, false), h: badHost }).map(({ v, h }) => ({ kind: 'host', method: route.method, url: at(v), headers: { ...token, host: h } })));
  kinds.push(fc.record({ v: pathValues(route, false), m: fc.constantFrom('PUT', 'PATCH', 'PROPFIND', 'TRACE') }).map(({ v, m }) => ({ kind: 'method', method: m, url: at(v), headers: token })));
  if (hasBody) {
    const values = fc.oneof(pathValues(route, false), pathValues(route, true));
    kinds.push(fc.record({ v: values, t: notJSON }).map(({ v, t }) => ({ kind: 'json', bogusPath: bogus(v), method: route.method, url: at(v), headers: json, payload: t })));
    kinds.push(
      fc.record({ v: values, n: fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }), t: fc.constantFrom('application/json', 'text/plain') }).map(({ v, n, t }) => ({
        kind: 'too-large',
        bogusPath: bogus(v),
        method: route.method,
        url: at(v),
        headers: { ...token, 'content-type': t },
        payload: JSON.stringify({ type: 'user_input', fields: { password: 'p'.repeat(n) } }),
      })),
    );
    const mediaType = fc.oneof(
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'application/json-patch+json', 'text/json', 'json', '*/*', 'application/*', '', ';', 'application/ json'),
      latin1Junk.filter((t) => !/^\s*application\/json\s*(;|$)/i.test(t)),
    );
    kinds.push(
      fc.record({ v: values, t: mediaType, body: fc.oneof(validBody(route).map((b) => JSON.stringify(b ?? {})), fc.string({ minLength: 1 })) }).map(({ v, t, body }) => ({
        kind: 'media-type',
        bogusPath: bogus(v),
        method: route.method,
        url: at(v),
        headers: t === '' ? token : { ...token, 'content-type': t },
        payload: body,
      })),
    );
  }
  const violation = schemaViolation(route);
  if (violation) {
    kinds.push(fc.record({ v: fc.oneof(pathValues(route, false), pathValues(route, true)), b: violation }).map(({ v, b }) => ({ kind: 'schema', bogusPath: bogus(v), method: route.method, url: at(v), headers: json, payload: JSON.stringify(b) ?? 'null' })));
  }
  if (route.path.endsWith('/steps/:stepID')) {
    const badHeader = fc.oneof(
      fc.constantFrom(['idempotency-key', ''], ['idempotency-key', 'k'.repeat(256)], ['x-stainless-timeout', 'soon'], ['x-stainless-timeout', '-1'], ['x-stainless-timeout', '1e9'], ['x-stainless-timeout', '1234567'], ['x-stainless-timeout', '']),
      latin1Junk.filter((t) => !/^[0-9]{1,6}(\.[0-9]{1,3})?$/.test(t)).map((t) => ['x-stainless-timeout', t]),
    );
    const badWait = fc.oneof(fc.constantFrom('?wait=', '?wait=-1', '?wait=abc', '?wait=1e3', '?wait=1&wait=2', '?wait=%zz', '?wait=9999999'), latin1Junk.filter((t) => !/^[0-9]{1,6}(\.[0-9]{1,3})?$/.test(t)).map((t) => `?wait=${encodeURIComponent(t)}`));
    kinds.push(
      fc.record({ v: pathValues(route, false), h: fc.option(badHeader, { nil: undefined }), q: badWait, body: validBody(route) }).map(({ v, h, q, body }) => ({
        kind: 'header',
        method: route.method,
        url: at(v) + (h === undefined ? q : ''),
        headers: { ...json, ...(h !== undefined ? { [h[0]!]: h[1]! } : {}) },
        payload: serialize(body),
      })),
    );
  }
  return fc.oneof(...kinds);
}

const EXPECTED: Record<string, number[]> = {
  path: [400, 404, 409, 410],
  auth: [401],
  host: [403],
  method: [404],
  json: [400],
  'too-large': [413, 415],
  'media-type': [413, 415],
  schema: [400],
  header: [400],
};

test(`${RUNS} generated malformed requests across every route each get a 4xx in the error shape`, async () => {
  const seen = new Map<string, number>();
  const arb = fc.constantFrom(...routes).chain((route) => malformed(route).map((req) => ({ route, req })));
  const run = await fc.check(
    fc.asyncProperty(arb, async ({ route, req }) => {
      const res = await s.app.fastify.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
      const what = `${req.kind} ${req.method} ${req.url.slice(0, 120)}`;
      assertClientError(res.statusCode, res.headers, res.body, what);
      const expected = [...EXPECTED[req.kind]!, ...(Buffer.byteLength(req.payload ?? '') > 64 * 1024 ? [413] : []), ...(req.bogusPath ? EXPECTED.path! : [])];
      assert.ok(expected.includes(res.statusCode), `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      const key = `${route.method} ${route.path} ${req.kind}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  if (run.failed) {
    // The counterexample can hold 20 KB strings: report it cut short.
    const example = JSON.stringify(run.counterexample, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v));
    assert.fail(`seed ${run.seed}, path ${run.counterexamplePath}: ${String(run.errorInstance)}\n${example.slice(0, 3000)}`);
  }
  assert.equal(run.numRuns, RUNS);
  // Every route got malformed requests of every kind that applies to it.
  for (const r of routes) {
    assert.ok([...seen.keys()].some((k) => k.startsWith(`${r.method} ${r.path} `)), `${r.method} ${r.path} was never tried`);
  }
});

test('malformed HTTP on a real socket (bad framing, duplicated headers, huge heads) gets a 4xx in the error shape', async () => {
  const port = Number(new URL(s.baseURL).port);
  const auth = `Authorization: Bearer ${s.token}\r\n`;
  const post = (extra: string, body = '{}') => `POST /v1/bridges/demo/login-sessions HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n${body}`;
  const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;
  const cases: [string, (string | Buffer)[]][] = [
    ['request line garbage', ['GARBAGE\r\n\r\n']],
    ['no Host', [`GET /v1/info HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`]],
    ['empty Host', [`GET /v1/info HTTP/1.1\r\nHost:\r\n${auth}Connection: close\r\n\r\n`]],
    ['unknown HTTP version', ['GET /v1/info HTTP/9.9\r\nHost: localhost\r\n\r\n']],
    ['HTTP/0.9 request', ['GET /v1/info\r\n\r\n']],
    ['relative target', [get('v1/accounts', auth)]],
    ['space in target', [get('/v1/bridges/a b', auth)]],
    ['raw UTF-8 in target', [Buffer.concat([Buffer.from('GET /v1/bridges/'), Buffer.from('é\u202E', 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`)])]],
    ['NUL in target', [get('/v1/bridges/\u0000', auth)]],
    ['invalid UTF-8 in target', [Buffer.concat([Buffer.from('GET /v1/bridges/'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from(` HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`)])]],
    ['header without colon', [get('/v1/accounts', `${auth}NoColonHere\r\n`)]],
    ['space before colon', [get('/v1/accounts', `${auth}X-Bad : 1\r\n`)]],
    ['NUL in header value', [get('/v1/accounts', `${auth}X-Bad: a\u0000b\r\n`)]],
    ['bare CR in header', [get('/v1/accounts', `${auth}X-Bad: a\rb\r\n`)]],
    ['obsolete line folding', [get('/v1/accounts', `${auth}X-Folded: a\r\n  b\r\n`)]],
    ['head over 64 KiB', [get('/v1/accounts', `${auth}X-Big: ${'b'.repeat(70 * 1024)}\r\n`)]],
    ['target over 64 KiB', [get(`/v1/bridges/${'t'.repeat(70 * 1024)}`, auth)]],
    ['negative Content-Length', [post(`${auth}Content-Type: application/json\r\nContent-Length: -1\r\n`)]],
    ['non-numeric Content-Length', [post(`${auth}Content-Type: application/json\r\nContent-Length: abc\r\n`)]],
    ['two different Content-Lengths', [post(`${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n`)]],
    ['Content-Length and chunked', [post(`${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n`, '2\r\n{}\r\n0\r\n\r\n')]],
    ['unknown transfer coding', [post(`${auth}Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n`)]],
    ['bad chunk size', [post(`${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, 'zz\r\n{}\r\n0\r\n\r\n')]],
    ['chunked body over 64 KiB', [post(`${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, `${(70 * 1024).toString(16)}\r\n${'{'.repeat(70 * 1024)}\r\n0\r\n\r\n`)]],
    ['declared body over 64 KiB', [post(`${auth}Content-Type: application/json\r\nContent-Length: ${70 * 1024}\r\n`, ' '.repeat(70 * 1024))]],
    ['two Hosts, foreign first', [`GET /v1/accounts HTTP/1.1\r\nHost: evil.example\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`]],
    ['two Hosts, foreign second', [`GET /v1/accounts HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n${auth}Connection: close\r\n\r\n`]],
    ['two Authorizations, wrong first', [get('/v1/accounts', `Authorization: Bearer bl_wrong\r\n${auth}`)]],
    ['two Authorizations, wrong second', [get('/v1/accounts', `${auth}Authorization: Bearer bl_wrong\r\n`)]],
    ['two Content-Types', [post(`${auth}Content-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 2\r\n`)]],
    ['two Idempotency-Keys', [`POST /v1/bridges/demo/login-sessions/x/steps/y HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`]],
    ['two X-Stainless-Timeouts', [`POST /v1/bridges/demo/login-sessions/x/steps/y HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nX-Stainless-Timeout: 1\r\nX-Stainless-Timeout: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`]],
    ['absolute-form target, no token', [get('http://localhost/v1/accounts')]],
    ['absolute-form target, foreign authority', [get('http://evil.example/v1/accounts', auth)]],
    ['percent-encoded route name, no token', [get('/%761/accounts')]],
    ['percent-encoded route name, no token (2)', [get('/v1/%61ccounts')]],
    ['asterisk target', [get('*', auth)]],
  ];
  const results = await Promise.all(cases.map(async ([name, chunks]) => ({ name, result: await rawRequest(port, chunks, 3000) })));
  for (const { name, result } of results) {
    assert.ok(result.responses.length >= 1, `${name}: no answer before the connection ended`);
    const r = result.responses[0]!;
    assertClientError(r.status, r.headers, r.body, name);
  }
});

test('after all that, the server still completes demo logins', async () => {
  const c = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
  assert.equal(c.status, 200);
  const done = await s.api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'after-fuzz', password: 'pw' } });
  assert.equal(done.body.status, 'complete');
  assert.equal((await s.api('GET', `/v1/accounts/${done.body.accountID}`)).status, 200);
  // The 2FA session the fuzz hammered is still where it was and still completes.
  const twoFA = real.loginSessionID![1]!;
  const code = await s.api('POST', `/v1/bridges/demo/login-sessions/${twoFA}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(code.body.status, 'complete');
  assert.equal(s.app.sessions.active, 2, 'only the untouched qr and cookies sessions are still active');
});
