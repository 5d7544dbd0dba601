import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_STATUS, NO_RETRY_CODES } from '../../src/errors.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

test('docs/errors.md lists exactly the codes and statuses of the code base', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split('## Failures of a login')[0]!;
  const rows = [...section.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)].map((m) => [m[2], Number(m[1])]);
  assert.deepEqual(Object.fromEntries(rows), ERROR_STATUS);
  assert.equal(rows.length, Object.keys(ERROR_STATUS).length);
  for (const code of NO_RETRY_CODES) assert.ok(ERROR_STATUS[code] === 409 || ERROR_STATUS[code] >= 500);
});

test('a body that is not JSON is 400 invalid_json', async () => {
  const r = await s.api('POST', '/v1/bridges/demo/login-sessions', '{"flowID":', { 'content-type': 'application/json' });
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'message']);
  assert.equal(r.body.code, 'invalid_json');
});

test('a body of another content type is 415 unsupported_media_type', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const r = await s.api('POST', '/v1/bridges/demo/login-sessions', 'flowID=password', { 'content-type': type });
    assert.equal(r.status, 415, type);
    assert.equal(r.body.code, 'unsupported_media_type');
  }
});

test('an empty body is no body whatever its content type; whitespace is not JSON; a compressed body is 415', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
    const r = await s.api('POST', '/v1/bridges/demo/login-sessions', '', { 'content-type': type });
    assert.equal(r.status, 200, type);
    assert.equal(r.body.status, 'waiting_for_input');
    const cancel = await s.api('DELETE', `/v1/bridges/demo/login-sessions/${r.body.loginSessionID}`, '', { 'content-type': type });
    assert.equal(cancel.status, 200, `DELETE with ${type}`);
  }
  const blank = await s.api('POST', '/v1/bridges/demo/login-sessions', '   ', { 'content-type': 'application/json' });
  assert.equal(blank.status, 400);
  assert.equal(blank.body.code, 'invalid_json');
  const gzip = await s.api('POST', '/v1/bridges/demo/login-sessions', '{"flowID":"password"}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(gzip.status, 415);
  assert.equal(gzip.body.code, 'unsupported_media_type');
});

test('an ID of any length that names nothing is 404 not_found', async () => {
  for (const n of [300, 512, 513, 5000]) {
    for (const url of [`/v1/accounts/${'a'.repeat(n)}`, `/v1/bridges/demo/login-sessions/${'b'.repeat(n)}`, `/v1/bridges/${'c'.repeat(n)}/logins`]) {
      const r = await s.api('GET', url);
      assert.equal(r.status, 404, `${n}: ${url.slice(0, 40)}`);
      assert.equal(r.body.code, 'not_found');
    }
  }
});

test('a body over 64 KiB is 413 payload_too_large', async () => {
  const big = JSON.stringify({ flowID: 'x'.repeat(65 * 1024) });
  const r = await s.api('POST', '/v1/bridges/demo/login-sessions', big);
  assert.equal(r.status, 413);
  assert.equal(r.body.code, 'payload_too_large');
});

test('unknown routes and methods are 404 not_found in the error shape, with a request id', async () => {
  for (const [method, url] of [
    ['GET', '/v1/nope'],
    ['GET', '/nope'],
    ['PUT', '/v1/bridges/demo'],
  ] as const) {
    const r = await s.api(method, url);
    assert.equal(r.status, 404, `${method} ${url}`);
    assert.equal(r.body.code, 'not_found');
    assert.ok(r.headers.get('x-request-id'));
  }
});

test('every response carries a distinct X-Request-ID', async () => {
  const a = await s.api('GET', '/v1/info');
  const b = await s.api('GET', '/v1/bridges');
  assert.ok(a.headers.get('x-request-id'));
  assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
});

test('bad path segments and query values are 400 invalid_request, never 500', async () => {
  const cases = [
    ['POST', '/v1/bridges/demo/login-sessions/x/steps/y?wait=abc', { type: 'display_and_wait' }],
    ['GET', '/v1/bridges/%E0%A4%A', undefined],
  ] as const;
  for (const [method, url, body] of cases) {
    const r = await s.api(method, url, body);
    assert.ok(r.status === 400 || r.status === 404, `${url} → ${r.status}`);
    assert.ok(typeof r.body.code === 'string' && typeof r.body.message === 'string');
  }
});

test('a value outside a fixed set names the allowed values once; a missing property says it is required', async () => {
  const c = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' })).body;
  const step = `/v1/bridges/demo/login-sessions/${c.loginSessionID}/steps/demo.password`;
  const badType = await s.api('POST', step, { type: 'secret-looking-value', fields: {} });
  assert.equal(badType.status, 400);
  assert.equal(badType.body.message, 'type must be one of "user_input", "cookies", "display_and_wait"');
  assert.equal(badType.body.details.issues.length, 1);
  assert.ok(!badType.text.includes('secret-looking-value'), 'the value sent is not repeated');
  const missing = await s.api('POST', step, { fields: {} });
  assert.equal(missing.body.message, 'type is required');
  assert.deepEqual(missing.body.details.issues[0].path, ['body', 'type']);
  const scope = await s.api('POST', '/v1/bridges/demo/logins/x/remove', { scope: 1 });
  assert.equal(scope.body.message, 'scope must be one of "current-device", "all-devices"');
});
