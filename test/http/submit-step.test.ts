import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/eventually.ts';
import { GatedBridge } from '../support/gated-bridge.ts';

let s: TestServer;
const gated = new GatedBridge();
before(async () => {
  s = await startTestServer({ bridges: [gated] });
});
after(() => s.close());

const create = async (flowID = 'password', bridge = 'demo') => (await s.api('POST', `/v1/bridges/${bridge}/login-sessions`, { flowID })).body;
const submit = (id: string, step: string, fields: Record<string, unknown> | undefined, headers: Record<string, string> = {}, type = 'user_input', bridge = 'demo') =>
  s.api('POST', `/v1/bridges/${bridge}/login-sessions/${id}/steps/${step}`, { type, ...(fields ? { fields } : {}) }, headers);

test('a password login completes with the account and login, which then appear everywhere', async () => {
  const c = await create();
  const r = await submit(c.loginSessionID, 'demo.password', { username: 'alice', password: 'secret' });
  assert.equal(r.status, 200);
  const b = r.body;
  assert.equal(b.status, 'complete');
  assert.equal(b.currentStep.type, 'complete');
  assert.equal(b.loginID, b.login.loginID);
  assert.equal(b.accountID, `demo_${b.loginID}`);
  assert.equal(b.account.accountID, b.accountID);
  assert.deepEqual(b.account.bridge, { id: 'demo', provider: 'local', type: 'demo' });
  assert.equal(b.account.status, 'connected');
  assert.equal(b.account.user.username, 'alice');
  assert.equal(b.account.user.fullName, 'alice');
  assert.deepEqual(b.login.removeScopes, ['current-device', 'all-devices']);
  assert.deepEqual(b.currentStep.account, b.account);
  const accounts = await s.api('GET', '/v1/accounts');
  assert.ok(accounts.body.some((a: any) => a.accountID === b.accountID));
  const login = await s.api('GET', `/v1/bridges/demo/logins/${b.loginID}`);
  assert.equal(login.body.status, 'connected');
  const bridge = await s.api('GET', '/v1/bridges/demo');
  assert.ok(bridge.body.accounts.some((a: any) => a.accountID === b.accountID));
  // The same username again updates the login instead of adding one.
  const c2 = await create();
  const r2 = await submit(c2.loginSessionID, 'demo.password', { username: 'alice', password: 'other' });
  assert.equal(r2.body.loginID, b.loginID);
  const all = await s.api('GET', '/v1/bridges/demo/logins');
  assert.equal(all.body.items.filter((l: any) => l.loginID === b.loginID).length, 1);
});

test('the password "incorrectpassword" fails the session with invalid_credentials', async () => {
  const c = await create();
  const r = await submit(c.loginSessionID, 'demo.password', { username: 'bob', password: 'incorrectpassword' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'failed');
  assert.equal(r.body.error.code, 'invalid_credentials');
  assert.equal(r.body.currentStep, undefined);
  const again = await submit(c.loginSessionID, 'demo.password', { username: 'bob', password: 'incorrectpassword' });
  // Replay of the step just answered returns the session, even finished.
  assert.equal(again.status, 200);
  assert.equal(again.body.status, 'failed');
  // Another submission of that step is not a replay (api.md §5 rule 1, revised).
  const other = await submit(c.loginSessionID, 'demo.password', { username: 'bob', password: 'x' });
  assert.equal(other.status, 409);
  assert.equal(other.body.details.answered, true);
  const later = await submit(c.loginSessionID, 'other', { username: 'bob', password: 'x' });
  assert.equal(later.status, 410);
  assert.equal(later.body.code, 'session_finished');
});

test('2FA: a wrong code re-asks the same step with instructions; the right one completes', async () => {
  const c = await create('password-2fa');
  const r1 = await submit(c.loginSessionID, 'demo.password', { username: 'carl', password: 'pw' });
  assert.equal(r1.body.currentStep.stepID, 'demo.2fa');
  assert.equal(r1.body.currentStep.fields[0].type, 'code');
  // Retrying the password step now is a replay: the current session, nothing runs again.
  const replay = await submit(c.loginSessionID, 'demo.password', { username: 'carl', password: 'pw' });
  assert.equal(replay.text, r1.text);
  const wrong = await submit(c.loginSessionID, 'demo.2fa', { code: '000000' });
  assert.equal(wrong.body.status, 'waiting_for_input');
  assert.equal(wrong.body.currentStep.stepID, 'demo.2fa');
  assert.match(wrong.body.currentStep.instructions, /wrong/i);
  // Once the code step was answered, the password step is no longer the one just answered.
  const stale = await submit(c.loginSessionID, 'demo.password', { username: 'carl', password: 'pw' });
  assert.equal(stale.status, 409);
  const ok = await submit(c.loginSessionID, 'demo.2fa', { code: '123456' });
  assert.equal(ok.body.status, 'complete');
  assert.equal(ok.body.account.user.username, 'carl');
});

test('2FA: the third wrong code fails the session', async () => {
  const c = await create('password-2fa');
  await submit(c.loginSessionID, 'demo.password', { username: 'dan', password: 'pw' });
  const a = await submit(c.loginSessionID, 'demo.2fa', { code: '1' });
  const b = await submit(c.loginSessionID, 'demo.2fa', { code: '2' });
  assert.equal(a.body.status, 'waiting_for_input');
  assert.equal(b.body.status, 'waiting_for_input');
  const third = await submit(c.loginSessionID, 'demo.2fa', { code: '3' });
  assert.equal(third.body.status, 'failed');
  assert.equal(third.body.error.code, 'invalid_credentials');
});

test('errors leave the session unchanged: missing field, wrong type, wrong step, non-string field', async () => {
  const c = await create();
  const id = c.loginSessionID;
  const missing = await submit(id, 'demo.password', { username: 'eve' });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.code, 'invalid_request');
  assert.deepEqual(missing.body.details.issues[0].path, ['body', 'fields', 'password']);
  const typed = await submit(id, 'demo.password', { username: 'eve', password: 'x' }, {}, 'cookies');
  assert.equal(typed.status, 400);
  assert.equal(typed.body.code, 'step_type_mismatch');
  const wrongStep = await submit(id, 'demo.2fa', { code: '1' });
  assert.equal(wrongStep.status, 409);
  assert.equal(wrongStep.body.code, 'step_mismatch');
  assert.equal(wrongStep.headers.get('x-should-retry'), 'false');
  const nonString = await submit(id, 'demo.password', { username: 'eve', password: 123 });
  assert.equal(nonString.status, 400);
  assert.deepEqual(nonString.body.details.issues[0].path, ['body', 'fields', 'password']);
  const badType = await s.api('POST', `/v1/bridges/demo/login-sessions/${id}/steps/demo.password`, { type: 'bogus' });
  assert.equal(badType.status, 400);
  assert.equal(badType.body.code, 'invalid_request');
  const now = await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`);
  assert.equal(now.body.updatedAt, c.updatedAt);
  assert.equal(now.body.currentStep.stepID, 'demo.password');
  const ok = await submit(id, 'demo.password', { username: 'eve', password: 'x' });
  assert.equal(ok.body.status, 'complete');
});

test('Idempotency-Key: the same key gets the first answer and nothing runs again', async () => {
  const c = await create('password-2fa');
  await submit(c.loginSessionID, 'demo.password', { username: 'fay', password: 'pw' });
  const first = await submit(c.loginSessionID, 'demo.2fa', { code: '999999' }, { 'idempotency-key': 'k1' });
  assert.match(first.body.currentStep.instructions, /2 attempts left/);
  const again = await submit(c.loginSessionID, 'demo.2fa', { code: '999999' }, { 'idempotency-key': 'k1' });
  assert.equal(again.text, first.text);
  const other = await submit(c.loginSessionID, 'demo.2fa', { code: '999999' }, { 'idempotency-key': 'k2' });
  assert.match(other.body.currentStep.instructions, /1 attempt left/);
  const ok = await submit(c.loginSessionID, 'demo.2fa', { code: '123456' }, { 'idempotency-key': 'k3' });
  assert.equal(ok.body.status, 'complete');
  // After the session finished, a known key still answers what it answered then.
  const late = await submit(c.loginSessionID, 'demo.2fa', { code: '999999' }, { 'idempotency-key': 'k1' });
  assert.equal(late.text, first.text);
});

test('concurrent duplicates join one execution: the bridge sees the input once', async () => {
  const c = await create('one', 'gated');
  const before = gated.submits;
  // Count the submissions that reach the session service: it decides a join as it receives one.
  const service = s.app.sessions;
  const realSubmit = service.submit;
  let received = 0;
  service.submit = (...args) => {
    received++;
    return realSubmit.apply(service, args);
  };
  try {
    const a = submit(c.loginSessionID, 'gated.name', { name: 'zed' }, {}, 'user_input', 'gated');
    await eventually(() => gated.waiting === 1, 'the first submit to reach the bridge');
    const b = submit(c.loginSessionID, 'gated.name', { name: 'zed' }, {}, 'user_input', 'gated');
    const k = submit(c.loginSessionID, 'gated.name', { name: 'zed' }, { 'idempotency-key': 'dup' }, 'user_input', 'gated');
    await eventually(() => received === 3, 'the duplicates to reach the session service');
    // Both duplicates arrived while the first still runs on the bridge: they can only join it.
    assert.equal(gated.waiting, 1);
    assert.equal(gated.submits - before, 1);
    // The bridge asks the same step again: a duplicate that waited its turn instead of joining
    // would now run on the bridge a second time (and, no longer held, answer at once).
    gated.answer = 'ask-again';
    gated.holding = false;
    gated.open();
    const [ra, rb, rk] = await Promise.all([a, b, k]);
    assert.equal(gated.submits - before, 1);
    for (const r of [ra, rb, rk]) {
      assert.equal(r.status, 200);
      assert.equal(r.body.currentStep.stepID, 'gated.name');
      assert.equal(r.text, ra.text);
    }
  } finally {
    service.submit = realSubmit;
    gated.answer = 'complete';
    gated.holding = true;
  }
});

test('a submission to an unknown session, or to one on another bridge, is 404', async () => {
  const c = await create();
  assert.equal((await submit('nope', 'demo.password', { username: 'a', password: 'b' })).status, 404);
  const wrongBridge = await submit(c.loginSessionID, 'gated.name', { name: 'x' }, {}, 'user_input', 'gated');
  assert.equal(wrongBridge.status, 404);
});
