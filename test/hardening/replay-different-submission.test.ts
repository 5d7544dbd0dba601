/**
 * Replay answers only the same submission (`api.md` §5 rule 1, revised 2026-12-03; issue 21,
 * item 6): a retry of the submission that answered a step, or a request with an
 * `Idempotency-Key` already used, gets the session; a different submission of that step is 409
 * `step_mismatch` with `details.answered: true`, never the first one's result. After a restart
 * the digest is gone and the session is returned.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, tempDir, type TestServer } from '../support/server.ts';
import { GatedBridge } from '../support/gated-bridge.ts';
import { eventually } from '../support/eventually.ts';

let s: TestServer;
const gated = new GatedBridge();
before(async () => {
  s = await startTestServer({ bridges: [gated] });
});
after(() => s.close());

const stepPath = (id: string, step: string, bridge = 'gated') => `/v1/bridges/${bridge}/login-sessions/${id}/steps/${step}`;

function assertAnsweredConflict(r: { status: number; body: any; headers: Headers }, what: string): void {
  assert.equal(r.status, 409, what);
  assert.equal(r.body.code, 'step_mismatch', what);
  assert.equal(r.body.details.answered, true, what);
  assert.equal(r.headers.get('x-should-retry'), 'false', what);
}

test('50 concurrent submits with different names: one runs and completes, the 49 others are 409', async () => {
  const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
  const before = gated.submits;
  const names = Array.from({ length: 50 }, (_, i) => `user${i}`);
  const replies = names.map((name) => s.api('POST', stepPath(created.loginSessionID, 'gated.name'), { type: 'user_input', fields: { name } }));
  await eventually(() => gated.waiting === 1, 'the first submission to reach the bridge');
  gated.open();
  const all = await Promise.all(replies);
  assert.equal(gated.submits - before, 1, 'the bridge saw exactly one submission');
  const ok = all.filter((r) => r.status === 200);
  assert.equal(ok.length, 1);
  const winner = ok[0]!.body;
  assert.equal(winner.status, 'complete');
  const winnerName = winner.account.user.username as string;
  for (const [i, r] of all.entries()) {
    if (names[i] === winnerName) continue;
    assertAnsweredConflict(r, names[i]!);
  }
  // The winner's own retry is a replay; another name still is not.
  const retry = await s.api('POST', stepPath(created.loginSessionID, 'gated.name'), { type: 'user_input', fields: { name: winnerName } });
  assert.equal(retry.status, 200);
  assert.equal(retry.text, ok[0]!.text);
  assertAnsweredConflict(await s.api('POST', stepPath(created.loginSessionID, 'gated.name'), { type: 'user_input', fields: { name: 'late' } }), 'late');
});

test('identical submissions sent while one runs join it; different ones are 409', async () => {
  const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
  const before = gated.submits;
  const submit = (name: string) => s.api('POST', stepPath(created.loginSessionID, 'gated.name'), { type: 'user_input', fields: { name } });
  const first = submit('alice');
  await eventually(() => gated.waiting === 1, 'the first submission to reach the bridge');
  const same = Array.from({ length: 5 }, () => submit('alice'));
  const others = Array.from({ length: 5 }, (_, i) => submit(`mallory${i}`));
  gated.open();
  const [a, ...rest] = await Promise.all([first, ...same]);
  assert.equal(a!.body.status, 'complete');
  for (const r of rest) assert.equal(r.text, a!.text);
  for (const r of await Promise.all(others)) assertAnsweredConflict(r, 'mallory');
  assert.equal(gated.submits - before, 1);
});

test('an Idempotency-Key already used answers what it answered the first time, whatever the body', async () => {
  const created = (await s.api('POST', '/v1/bridges/gated/login-sessions')).body;
  const path = stepPath(created.loginSessionID, 'gated.name');
  const first = s.api('POST', path, { type: 'user_input', fields: { name: 'bob' } }, { 'idempotency-key': 'k1' });
  await eventually(() => gated.waiting === 1, 'the submission to reach the bridge');
  gated.open();
  const r1 = await first;
  const again = await s.api('POST', path, { type: 'user_input', fields: { name: 'eve' } }, { 'idempotency-key': 'k1' });
  assert.equal(again.status, 200);
  assert.equal(again.text, r1.text);
  assertAnsweredConflict(await s.api('POST', path, { type: 'user_input', fields: { name: 'eve' } }, { 'idempotency-key': 'k2' }), 'a new key');
});

test('a finished session: the same submission replays, a different one is 409', async () => {
  const created = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' })).body;
  const path = stepPath(created.loginSessionID, 'demo.password', 'demo');
  const failed = await s.api('POST', path, { type: 'user_input', fields: { username: 'bob', password: 'incorrectpassword' } });
  assert.equal(failed.body.status, 'failed');
  // Field order is not part of the submission.
  const same = await s.api('POST', path, { type: 'user_input', fields: { password: 'incorrectpassword', username: 'bob' } });
  assert.equal(same.status, 200);
  assert.equal(same.text, failed.text);
  assertAnsweredConflict(await s.api('POST', path, { type: 'user_input', fields: { username: 'bob', password: 'right' } }), 'another password');
});

test('after a restart the digest is gone, and any submission of the answered step gets the session', async () => {
  const { dir, remove } = tempDir();
  try {
    const first = await startTestServer({ dataDir: dir });
    const created = (await first.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' })).body;
    const path = stepPath(created.loginSessionID, 'demo.password', 'demo');
    const answered = await first.api('POST', path, { type: 'user_input', fields: { username: 'carol', password: 'pw' } });
    assert.equal(answered.body.currentStep.stepID, 'demo.2fa');
    assertAnsweredConflict(await first.api('POST', path, { type: 'user_input', fields: { username: 'dave', password: 'pw' } }), 'before the restart');
    await first.close();
    const second = await startTestServer({ dataDir: dir, clock: first.clock });
    try {
      const after = await second.api('POST', path, { type: 'user_input', fields: { username: 'dave', password: 'pw' } }, { authorization: `Bearer ${first.token}` });
      assert.equal(after.status, 200);
      assert.equal(after.body.loginSessionID, created.loginSessionID);
      assert.equal(after.body.status, 'failed');
      assert.equal(after.body.error.code, 'session_interrupted');
    } finally {
      await second.close();
    }
  } finally {
    remove();
  }
});
