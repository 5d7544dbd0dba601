/** The request guard: request IDs, 503 while stopping, repeated headers and hosts refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestGuard } from '../../src/http/request-guard.ts';
import { bareApp } from '../support/bare-app.ts';

async function guarded(stopping = { now: false }) {
  return bareApp((app) => app.register(requestGuard, { allowedHosts: ['box.example'], isStopping: () => stopping.now }));
}

test('every answer carries its request ID, errors included', async () => {
  const app = await guarded();
  const ok = await app.inject({ url: '/v1/x', headers: { host: 'localhost' } });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['x-request-id'], ok.json().requestID);
  const bad = await app.inject({ url: '/v1/x', headers: { host: 'evil.example' } });
  assert.ok(bad.headers['x-request-id']);
});

test('a host that is neither loopback nor configured is 403 forbidden_host; a configured one passes', async () => {
  const app = await guarded();
  const bad = await app.inject({ url: '/v1/x', headers: { host: 'evil.example:80' } });
  assert.equal(bad.statusCode, 403);
  assert.equal(bad.json().code, 'forbidden_host');
  assert.equal((await app.inject({ url: '/v1/x', headers: { host: 'box.example:8080' } })).statusCode, 200);
  assert.equal((await app.inject({ url: '/v1/x', headers: { host: '[::1]:1' } })).statusCode, 200);
});

test('a repeated single-valued header is 400 invalid_request naming it', async () => {
  const app = await guarded();
  const res = await app.inject({ url: '/v1/x', headers: { host: 'localhost', authorization: ['Bearer a', 'Bearer b'] } as Record<string, string | string[]> });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().code, 'invalid_request');
  assert.deepEqual(res.json().details.issues[0].path, ['headers', 'authorization']);
});

test('while the server stops, every request is 503 with Retry-After and Connection: close', async () => {
  const stopping = { now: false };
  const app = await guarded(stopping);
  stopping.now = true;
  const res = await app.inject({ url: '/v1/x', headers: { host: 'localhost' } });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().code, 'bridge_unavailable');
  assert.equal(res.headers['retry-after'], '1');
  assert.equal(res.headers.connection, 'close');
});
