/**
 * Finished sessions are not kept in memory (issue 17): a session leaves the table when it
 * finishes, and every read of it (GET, replay of the answered step, `Idempotency-Key` answers,
 * cancel, events) comes from the store, answering exactly what it answered before, until its
 * retention ends.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { GatedBridge } from '../support/gated-bridge.ts';
import { openEvents } from '../support/sse.ts';

let s: TestServer;
const gated = new GatedBridge();
gated.holding = false;
before(async () => {
  s = await startTestServer({ bridges: [gated], configure: (c) => void (c.sessions.retentionSeconds = 600) });
});
after(() => s.close());

const sessionPath = (id: string, bridge = 'gated') => `/v1/bridges/${bridge}/login-sessions/${id}`;

test('a completed session leaves memory, and every read of it answers as before', async () => {
  const heldBefore = s.app.sessions.size;
  const retainedBefore = s.app.sessions.retained;
  const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
  assert.equal(s.app.sessions.size, heldBefore + 1, 'a running session is held');
  const key = { 'idempotency-key': 'finish-1' };
  const done = await s.api('POST', `${sessionPath(created.loginSessionID)}/steps/gated.name`, { type: 'user_input', fields: { name: 'ada' } }, key);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'complete');
  assert.equal(s.app.sessions.size, heldBefore, 'the finished session is no longer held');
  assert.equal(s.app.sessions.retained, retainedBefore + 1, 'it is kept for its retention');

  const get = await s.api('GET', sessionPath(created.loginSessionID));
  assert.equal(get.status, 200);
  assert.equal(get.text, done.text, 'GET answers the session as the submission did');
  // A retry of the submission that answered the step is a replay; another one is refused.
  const retry = await s.api('POST', `${sessionPath(created.loginSessionID)}/steps/gated.name`, { type: 'user_input', fields: { name: 'ada' } });
  assert.equal(retry.status, 200);
  assert.equal(retry.text, done.text);
  const other = await s.api('POST', `${sessionPath(created.loginSessionID)}/steps/gated.name`, { type: 'user_input', fields: { name: 'bob' } });
  assert.equal(other.status, 409);
  assert.equal(other.body.details.answered, true);
  // The key's answer is the first one's, whatever this request carries.
  const keyed = await s.api('POST', `${sessionPath(created.loginSessionID)}/steps/gated.name`, { type: 'user_input', fields: { name: 'eve' } }, key);
  assert.equal(keyed.status, 200);
  assert.equal(keyed.text, done.text);
  const wrongStep = await s.api('POST', `${sessionPath(created.loginSessionID)}/steps/other`, { type: 'user_input', fields: {} });
  assert.equal(wrongStep.status, 410);
  assert.equal(wrongStep.body.code, 'session_finished');
  const cancel = await s.api('DELETE', sessionPath(created.loginSessionID));
  assert.equal(cancel.status, 410);
  assert.equal(gated.submits, 1, 'nothing ran on the bridge again');

  const events = await openEvents(s.baseURL + `${sessionPath(created.loginSessionID)}/events`, s.token);
  assert.equal(events.status, 200);
  assert.deepEqual(await events.next(), JSON.parse(done.text));
  await events.closed;
  assert.equal(s.app.sessions.size, heldBefore, 'reading it did not bring it back into memory');
});

test('a cancelled session is read from the store: GET, cancel again, a long-poll', async () => {
  const created = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).body;
  const heldBefore = s.app.sessions.size;
  const cancelled = await s.api('DELETE', sessionPath(created.loginSessionID, 'demo'));
  assert.equal(cancelled.status, 200);
  assert.equal(s.app.sessions.size, heldBefore - 1);
  const get = await s.api('GET', sessionPath(created.loginSessionID, 'demo'));
  assert.equal(get.body.status, 'cancelled');
  const again = await s.api('DELETE', sessionPath(created.loginSessionID, 'demo'));
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, cancelled.body);
  const poll = await s.api('POST', `${sessionPath(created.loginSessionID, 'demo')}/steps/${created.currentStep.stepID}`, { type: 'display_and_wait' });
  assert.equal(poll.status, 410);
  // Another bridge's path, or an unknown ID, is 404 as before.
  assert.equal((await s.api('GET', sessionPath(created.loginSessionID, 'gated'))).status, 404);
  assert.equal((await s.api('GET', sessionPath('nope', 'demo'))).status, 404);
});

test('past its retention a finished session answers 404 and its row is gone', async () => {
  const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
  await s.api('DELETE', sessionPath(created.loginSessionID));
  const retained = s.app.sessions.retained;
  s.clock.advance(600_000 - 1);
  assert.equal((await s.api('GET', sessionPath(created.loginSessionID))).status, 200);
  s.clock.advance(1);
  assert.equal((await s.api('GET', sessionPath(created.loginSessionID))).status, 404);
  assert.ok(s.app.sessions.retained < retained);
  const rows = s.app.db.prepare('SELECT count(*) AS n FROM sessions WHERE id = ?').get(created.loginSessionID) as { n: number };
  assert.equal(rows.n, 0);
});
