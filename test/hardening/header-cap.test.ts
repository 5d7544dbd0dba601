/**
 * No header is dropped silently (issue 21, item 5): Node kept only the first 2,000 headers, so a
 * second Host or Authorization placed after 2,000 fillers was never seen by the check for
 * repeated single-valued headers, and the request passed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawRequest } from '../support/raw-http.ts';

let s: TestServer;
let port: number;
before(async () => {
  s = await startTestServer();
  port = Number(new URL(s.baseURL).port);
});
after(() => s.close());

/** 2,000 short headers, within the 16 KiB that Node allows for a request's head. */
const FILLER = Array.from({ length: 2000 }, (_, i) => `a${i % 10}:b\r\n`).join('');

async function send(path: string, head: string): Promise<{ status: number; body: any }> {
  const r = await rawRequest(port, [`GET ${path} HTTP/1.1\r\n${head}Connection: close\r\n\r\n`]);
  const res = r.responses[0];
  assert.ok(res, 'an answer');
  return { status: res.status, body: JSON.parse(res.body) };
}

test('a second Host after 2,000 other headers is seen and refused', async () => {
  const r = await send('/v1/info', `Host: localhost\r\n${FILLER}Host: evil.example\r\n`);
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'invalid_request');
  assert.deepEqual(r.body.details.issues[0].path, ['headers', 'host']);
});

test('a second Authorization after 2,000 other headers is seen and refused', async () => {
  const r = await send('/v1/accounts', `Host: localhost\r\nAuthorization: Bearer ${s.token}\r\n${FILLER}Authorization: Bearer wrong\r\n`);
  assert.equal(r.status, 400);
  assert.deepEqual(r.body.details.issues[0].path, ['headers', 'authorization']);
});

test('many headers without a repeated one are still served, and a head too large is refused in the error shape', async () => {
  const ok = await send('/v1/accounts', `Host: localhost\r\n${FILLER}Authorization: Bearer ${s.token}\r\n`);
  assert.equal(ok.status, 200);
  const big = await send('/v1/info', `Host: localhost\r\n${FILLER.repeat(20)}`);
  assert.equal(big.status, 400);
  assert.equal(big.body.details.issues[0].code, 'headers_too_large');
});
