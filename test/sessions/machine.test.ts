import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from '../../src/sessions/machine.ts';
import type { Session } from '../../src/sessions/model.ts';
import type { InteractiveStep } from '../../src/bridges/types.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const pw: InteractiveStep = {
  type: 'user_input',
  stepID: 'demo.password',
  fields: [
    { id: 'username', type: 'text' },
    { id: 'password', type: 'password' },
    { id: 'note', type: 'text', optional: true },
    { id: 'pin', type: 'text', optional: true, pattern: '[0-9]{4}' },
  ],
};
const code: InteractiveStep = { type: 'user_input', stepID: 'demo.2fa', fields: [{ id: 'code', type: 'code' }] };
const qr: InteractiveStep = { type: 'display_and_wait', stepID: 'demo.qr', display: { type: 'qr', data: 'x' } };

const fresh = (step: InteractiveStep = pw): Session => m.created({ id: 's1', bridgeID: 'demo', flowID: 'f', step, now: T0, ttlMs: 1000 });
const after2fa = (): Session => m.stepShown(fresh(), code, T0 + 1, 'demo.password');
const failedS = (): Session => m.failed(fresh(), { code: 'invalid_credentials', message: 'no' }, T0 + 1, 'demo.password');
const cancelledS = (): Session => m.cancelled(fresh(), T0 + 1) as Session;

test('created sessions wait on their first step and expire after the TTL', () => {
  const s = fresh();
  assert.equal(s.status, 'waiting_for_input');
  assert.equal(s.expiresAt, T0 + 1000);
  assert.equal(fresh(qr).status, 'waiting_for_display');
  assert.equal('loginID' in s, false);
});

const submitCases: { name: string; session: () => Session; sub: m.Submission; expect: string; code?: string }[] = [
  { name: 'valid input runs', session: fresh, sub: { stepID: 'demo.password', type: 'user_input', fields: { username: 'a', password: 'b' } }, expect: 'run' },
  { name: 'replay of the step just answered', session: after2fa, sub: { stepID: 'demo.password', type: 'user_input' }, expect: 'replay' },
  { name: 'replay even after the session failed', session: failedS, sub: { stepID: 'demo.password', type: 'user_input' }, expect: 'replay' },
  { name: 'finished session', session: cancelledS, sub: { stepID: 'demo.password', type: 'user_input' }, expect: 'error', code: 'session_finished' },
  { name: 'unknown step', session: fresh, sub: { stepID: 'other', type: 'user_input' }, expect: 'error', code: 'step_mismatch' },
  { name: 'wrong type', session: fresh, sub: { stepID: 'demo.password', type: 'cookies' }, expect: 'error', code: 'step_type_mismatch' },
  { name: 'missing field', session: fresh, sub: { stepID: 'demo.password', type: 'user_input', fields: { username: 'a' } }, expect: 'error', code: 'invalid_request' },
  { name: 'empty value', session: fresh, sub: { stepID: 'demo.password', type: 'user_input', fields: { username: '', password: 'b' } }, expect: 'error', code: 'invalid_request' },
  { name: 'pattern mismatch', session: fresh, sub: { stepID: 'demo.password', type: 'user_input', fields: { username: 'a', password: 'b', pin: '12' } }, expect: 'error', code: 'invalid_request' },
  { name: 'display step waits', session: () => fresh(qr), sub: { stepID: 'demo.qr', type: 'display_and_wait' }, expect: 'wait' },
  { name: 're-asked step with the same ID runs again', session: () => m.stepShown(after2fa(), code, T0 + 2, 'demo.2fa'), sub: { stepID: 'demo.2fa', type: 'user_input', fields: { code: '1' } }, expect: 'run' },
];

for (const c of submitCases) {
  test(`decideSubmit: ${c.name}`, () => {
    const d = m.decideSubmit(c.session(), c.sub);
    assert.equal(d.kind, c.expect);
    if (d.kind === 'error') assert.equal(d.error.code, c.code);
  });
}

test('decideSubmit passes only the step\'s own fields to the bridge', () => {
  const d = m.decideSubmit(fresh(), { stepID: 'demo.password', type: 'user_input', fields: { username: 'a', password: 'b', extra: 'x' } });
  assert.deepEqual(d, { kind: 'run', input: { username: 'a', password: 'b' } });
});

test('validation names each bad field by path', () => {
  const issues = m.validateFields(pw as never, { pin: 'abcd' });
  assert.deepEqual(
    issues.map((i) => [i.code, i.path.join('.')]),
    [
      ['required', 'body.fields.username'],
      ['required', 'body.fields.password'],
      ['pattern', 'body.fields.pin'],
    ],
  );
});

test('cancel: active → cancelled; cancelled stays; complete and failed refuse with 410', () => {
  const c = m.cancelled(fresh(), T0 + 5);
  assert.ok(!(c instanceof Error));
  assert.equal((c as Session).status, 'cancelled');
  assert.equal((c as Session).step, undefined);
  assert.equal('step' in (c as Session), false, 'the step is gone, not kept as undefined');
  assert.equal((c as Session).finishedAt, T0 + 5);
  assert.equal(m.cancelled(c as Session, T0 + 6), c);
  const f = m.cancelled(failedS(), T0 + 6);
  assert.ok(f instanceof Error && f.code === 'session_finished');
});

test('expiry fails an unfinished session at its deadline and leaves finished ones alone', () => {
  assert.equal(m.expiredIfDue(fresh(), T0 + 999).status, 'waiting_for_input');
  const e = m.expiredIfDue(fresh(), T0 + 5000);
  assert.equal(e.status, 'failed');
  assert.equal(e.error?.code, 'session_expired');
  assert.equal(e.finishedAt, T0 + 1000);
  assert.equal(m.expiredIfDue(failedS(), T0 + 5000).error?.code, 'invalid_credentials');
});

test('a finished session ignores later outcomes', () => {
  const c = cancelledS();
  assert.equal(m.stepShown(c, code, T0 + 9), c);
  assert.equal(m.failed(c, { code: 'x', message: 'y' }, T0 + 9), c);
});
