import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const MIN = 60_000;
const create = async () => (await s.api('POST', '/v1/bridges/demo/login-sessions', {})).body;
const path = (id: string) => `/v1/bridges/demo/login-sessions/${id}`;

test('cancel answers {status: cancelled}; again the same; the session shows cancelled without a step', async () => {
  const c = await create();
  const r = await s.api('DELETE', path(c.loginSessionID));
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { bridgeID: 'demo', loginSessionID: c.loginSessionID, status: 'cancelled' });
  const again = await s.api('DELETE', path(c.loginSessionID));
  assert.deepEqual(again.body, r.body);
  const g = await s.api('GET', path(c.loginSessionID));
  assert.equal(g.body.status, 'cancelled');
  assert.equal(g.body.currentStep, undefined);
  const sub = await s.api('POST', `${path(c.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'a', password: 'b' } });
  assert.equal(sub.status, 410);
  assert.equal(sub.body.code, 'session_finished');
});

test('cancelling a complete or failed session is 410 session_finished', async () => {
  for (const password of ['ok', 'incorrectpassword']) {
    const c = await create();
    await s.api('POST', `${path(c.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'x', password } });
    const r = await s.api('DELETE', path(c.loginSessionID));
    assert.equal(r.status, 410);
    assert.equal(r.body.code, 'session_finished');
  }
});

test('an unfinished session fails with session_expired after 30 minutes', async () => {
  const c = await create();
  s.clock.advance(30 * MIN - 1);
  assert.equal((await s.api('GET', path(c.loginSessionID))).body.status, 'waiting_for_input');
  s.clock.advance(1);
  const g = await s.api('GET', path(c.loginSessionID));
  assert.equal(g.body.status, 'failed');
  assert.equal(g.body.error.code, 'session_expired');
  assert.equal(g.body.currentStep, undefined);
  const sub = await s.api('POST', `${path(c.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'a', password: 'b' } });
  assert.equal(sub.status, 410);
});

test('finished sessions stay readable for an hour, then answer 404', async () => {
  const c = await create();
  await s.api('DELETE', path(c.loginSessionID));
  s.clock.advance(60 * MIN - 1);
  assert.equal((await s.api('GET', path(c.loginSessionID))).status, 200);
  s.clock.advance(1);
  const gone = await s.api('GET', path(c.loginSessionID));
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 'not_found');
  assert.equal((await s.api('DELETE', path(c.loginSessionID))).status, 404);
});

test('expiry frees the active-session count even when nobody reads the session', async () => {
  const before = s.app.sessions.active;
  await create();
  await create();
  assert.equal(s.app.sessions.active, before + 2);
  s.clock.advance(30 * MIN);
  assert.equal(s.app.sessions.active, before);
  s.clock.advance(60 * MIN);
  assert.equal(s.app.sessions.size, 0);
});
