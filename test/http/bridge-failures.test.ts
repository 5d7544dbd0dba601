import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { BrokenBridge } from '../support/gated-bridge.ts';
import { BridgeUnavailableError } from '../../src/bridges/types.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer({
    bridges: [
      new BrokenBridge('crashes', { start: new Error('boom in connector') }),
      new BrokenBridge('down', { start: new BridgeUnavailableError('connection refused') }),
      new BrokenBridge('noflows', { flows: new TypeError('bad flows') }),
    ],
  });
});
after(() => s.close());

test('a bridge that fails to start for no known reason gives a failed session, not an HTTP error', async () => {
  const r = await s.api('POST', '/v1/bridges/crashes/login-sessions', {});
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'failed');
  assert.equal(r.body.error.code, 'bridge_error');
  assert.equal(s.app.sessions.active, 0);
});

test('a bridge that cannot be reached at create is 503 bridge_unavailable, and no session is left', async () => {
  const r = await s.api('POST', '/v1/bridges/down/login-sessions', {});
  assert.equal(r.status, 503);
  assert.equal(r.body.code, 'bridge_unavailable');
  assert.equal(s.app.sessions.active, 0);
  const f = await s.api('POST', '/v1/bridges/noflows/login-sessions', {});
  assert.equal(f.status, 503);
  assert.equal(f.body.code, 'bridge_unavailable');
  // The demo bridge is unaffected.
  assert.equal((await s.api('POST', '/v1/bridges/demo/login-sessions', {})).status, 200);
});
