/**
 * The real-bridge tests of every flow of the test bridge, and of cancel, reconnect,
 * `max_logins`, login states, logout and capabilities (see suite.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VersionBehaviour } from './expectations.ts';
import { SESSIONS, create, pollCount, sessionWhere, submit, until, lazyWorld, type World } from './harness.ts';

const FLOWS = ['password', 'password-2fa', 'cookies', 'qr', 'emoji', 'code', 'nothing', 'phone', 'network-error', 'slow'];

/** Defines the flow tests on the world `get` returns (started by the suite's `before`). */
export function flowTests(get: () => World, expected: VersionBehaviour): void {
  const w = lazyWorld(get);
  test('the bridge, its flows and its capabilities come from the bridge', async () => {
    const bridges = (await w.api('GET', '/v1/bridges')).body.items;
    assert.equal(bridges.find((b: any) => b.id === 'test').status, 'available');
    const flows = (await w.api('GET', '/v1/bridges/test/login-flows')).body.items;
    assert.deepEqual(
      flows.map((f: any) => f.id),
      FLOWS,
    );
    const caps = await w.api('GET', '/v1/bridges/test/capabilities');
    assert.equal(caps.status, 200);
    assert.equal(caps.body.resolve_identifier.lookup_username, true);
    assert.equal(caps.body.resolve_identifier.create_dm, false);
  });

  test('password: completes, the login is connected', async () => {
    const s = (await create(w, 'password')).body;
    assert.equal(s.status, 'waiting_for_input');
    assert.deepEqual(
      s.currentStep.fields.map((f: any) => [f.id, f.type]),
      [
        ['username', 'text'],
        ['password', 'password'],
      ],
    );
    const done = await submit(w, s, { username: 'alice', password: 'Alice Liddell' });
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'alice');
    assert.equal(done.account.user.fullName, 'Alice Liddell');
    const logins = await until(
      async () => (await w.api('GET', '/v1/bridges/test/logins')).body.items,
      (items: any[]) => items.some((l) => l.loginID === 'alice' && l.status === 'connected'),
      'alice connected in the logins',
    );
    assert.ok(logins.length >= 1);
  });

  test('password: a plain error from the bridge ("incorrect password") fails bridge_error', async () => {
    const s = (await create(w, 'password')).body;
    const failed = await submit(w, s, { username: 'alice', password: 'wrong' });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, 'bridge_error');
    assert.equal(failed.error.details.errcode, 'M_UNKNOWN');
    assert.equal(failed.error.details.status, 500);
    if (expected.internalError) {
      assert.equal(failed.error.details['fi.mau.internal_error'], 'incorrect password');
      assert.equal(failed.error.message, 'incorrect password');
    } else {
      assert.equal(failed.error.details['fi.mau.internal_error'], undefined);
      assert.equal(failed.error.message, 'Internal error submitting input');
    }
  });

  test('password: M_FORBIDDEN from the bridge fails invalid_credentials', async () => {
    const s = (await create(w, 'password')).body;
    const failed = await submit(w, s, { username: 'alice', password: 'refused' });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, 'invalid_credentials');
    assert.equal(failed.error.message, 'Invalid username or password');
    assert.equal(failed.error.details.errcode, 'M_FORBIDDEN');
    assert.equal(failed.error.details.status, 403);
  });

  test('password then 2FA: a wrong code is asked again under the same step ID', async () => {
    const s = (await create(w, 'password-2fa')).body;
    const code = await submit(w, s, { username: 'bob', password: 'pw' });
    assert.equal(code.status, 'waiting_for_input');
    assert.deepEqual(
      code.currentStep.fields.map((f: any) => [f.id, f.type, f.pattern]),
      [['code', 'code', '^[0-9]{6}$']],
    );
    const again = await submit(w, code, { code: '000000' });
    assert.equal(again.status, 'waiting_for_input');
    assert.equal(again.currentStep.stepID, code.currentStep.stepID);
    assert.equal(again.currentStep.instructions, 'Wrong code, try again.');
    const done = await submit(w, again, { code: '123456' });
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'bob');
  });

  test('cookies: URL, cookie, local storage and request header sources, extract JS', async () => {
    const s = (await create(w, 'cookies')).body;
    assert.equal(s.status, 'waiting_for_cookies');
    const step = s.currentStep;
    assert.equal(step.url, 'https://example.invalid/login');
    assert.equal(step.userAgent, 'Mozilla/5.0 (test bridge)');
    assert.equal(step.expectedFinalURLRegex, '^https://example\\.invalid/home');
    assert.match(step.extractJS, /localStorage\.getItem\("token"\)/);
    assert.deepEqual(
      step.fields.map((f: any) => [f.id, f.type, f.name, f.optional]),
      [
        ['session', 'cookie', 'session', false],
        ['token', 'local_storage', 'token', false],
        ['auth', 'header', 'Authorization', true],
      ],
    );
    const done = await submit(w, s, { session: 's3ss10n', token: 't0k3n' });
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'cookie-s3ss10n');
  });

  test('QR: a refresh keeps the step ID with new data; a scan completes', async () => {
    const s = (await create(w, 'qr')).body;
    assert.equal(s.status, 'waiting_for_display');
    const { stepID, display } = s.currentStep;
    assert.equal(display.type, 'qr');
    assert.match(display.data, /^test-qr:[0-9a-f]+:1$/);
    assert.match(display.imageURL, /^data:image\/svg\+xml/);
    await until(async () => (await w.bridge.control('refresh', { data: display.data })).status, (st) => st === 200, 'refresh');
    const refreshed = await sessionWhere(w, s.loginSessionID, (x) => x.currentStep?.display?.data?.endsWith(':2'), 'shows the second QR code');
    assert.equal(refreshed.currentStep.stepID, stepID);
    assert.equal((await w.bridge.control('scan', { data: refreshed.currentStep.display.data, username: 'carol' })).status, 200);
    const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'completes');
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'carol');
  });

  for (const [flow, type] of [
    ['emoji', 'emoji'],
    ['code', 'code'],
    ['nothing', 'nothing'],
  ] as const) {
    test(`${flow}: a ${type} display completes when confirmed on the "other device"`, async () => {
      const s = (await create(w, flow)).body;
      assert.equal(s.status, 'waiting_for_display');
      assert.equal(s.currentStep.display.type, type);
      if (type === 'nothing') assert.equal(s.currentStep.display.data, undefined);
      else assert.ok(s.currentStep.display.data);
      await until(async () => (await w.bridge.control('scan', { username: `${flow}-user` })).status, (st) => st === 200, 'confirm');
      const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'completes');
      assert.equal(done.status, 'complete', JSON.stringify(done));
      assert.equal(done.loginID, `${flow}-user`);
    });
  }

  test('phone then captcha: the number is sent without separators; a wrong answer is asked again', async () => {
    const s = (await create(w, 'phone')).body;
    assert.deepEqual(
      s.currentStep.fields.map((f: any) => [f.id, f.type, f.optional]),
      [
        ['phone', 'tel', false],
        ['device', 'text', expected.optionalFields],
      ],
    );
    // An optional field may be left out; before v0.32 every field is required.
    const captcha = await submit(w, s, { phone: '+1 555 (123) 4567', ...(!expected.optionalFields && { device: 'laptop' }) });
    assert.equal(captcha.status, 'waiting_for_input', JSON.stringify(captcha));
    assert.deepEqual(
      captcha.currentStep.fields.map((f: any) => [f.id, f.type]),
      [['captcha', 'text']],
    );
    const again = await submit(w, captcha, { captcha: '41' });
    assert.equal(again.currentStep.instructions, 'Wrong answer, try again.');
    const done = await submit(w, again, { captcha: '42' });
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, '+15551234567');
  });

  test('a step whose submission fails with a network error fails bridge_error with its cause', async () => {
    const s = (await create(w, 'network-error')).body;
    const failed = await submit(w, s, { server: 'http://127.0.0.1:1/' });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, 'bridge_error');
    if (expected.internalError) assert.match(failed.error.message, /failed to reach the login server: .*connection refused/);
    else assert.equal(failed.error.message, 'Internal error submitting input');
  });

  test('a wait that ends with the step unchanged is polled again, then completes', async () => {
    const s = (await create(w, 'slow')).body;
    await until(async () => pollCount(w), (n) => n > 0, 'a first long-poll');
    const before = pollCount(w);
    assert.equal((await w.bridge.control('tick')).status, 200);
    await until(async () => pollCount(w), (n) => n > before, 'the connector polls again');
    const still = (await w.api('GET', `${SESSIONS}/${s.loginSessionID}`)).body;
    assert.equal(still.status, 'waiting_for_display');
    assert.equal((await w.bridge.control('scan', { username: 'patient' })).status, 200);
    const done = await sessionWhere(w, s.loginSessionID, (x) => x.status !== 'waiting_for_display', 'completes');
    assert.equal(done.status, 'complete');
    assert.equal(done.loginID, 'patient');
  });

  test(`cancel: the session is cancelled; the bridge's process ${expected.cancelEndsProcess ? 'ends' : 'stays (no cancel endpoint)'}`, async () => {
    const s = (await create(w, 'qr')).body;
    const { data } = s.currentStep.display;
    await until(async () => pollCount(w), (n) => n > 0, 'a long-poll');
    const cancelled = await w.api('DELETE', `${SESSIONS}/${s.loginSessionID}`);
    assert.equal(cancelled.body.status, 'cancelled');
    const cancelCall = await w.provision('POST', '/v3/login/cancel/nonexistent');
    assert.equal(cancelCall.status, 404);
    assert.equal(cancelCall.body.errcode, expected.cancelEndpoint ? 'M_NOT_FOUND' : 'M_UNRECOGNIZED');
    // The bridge forgets a cancelled process (its Cancel ran): the control listener no longer finds it.
    const scan = await until(
      async () => (await w.bridge.control('scan', { data })).status,
      (st) => st === (expected.cancelEndsProcess ? 404 : 200),
      'the bridge process to reflect the cancel',
    );
    assert.equal(scan, expected.cancelEndsProcess ? 404 : 200);
  });

  test('reconnect by loginID updates the same login', async () => {
    const s = (await create(w, 'password', { loginID: 'alice' })).body;
    assert.equal(s.status, 'waiting_for_input');
    const done = await submit(w, s, { username: 'alice', password: 'Alice Again' });
    assert.equal(done.status, 'complete', JSON.stringify(done));
    assert.equal(done.loginID, 'alice');
    const ids = (await w.provision('GET', '/v3/logins')).body.login_ids;
    assert.equal(ids.filter((id: string) => id === 'alice').length, 1);
  });

  test(`max_logins: the second login is login_limit_reached (the bridge answers ${expected.tooManyLoginsStatus})`, async () => {
    const s = (await create(w, 'password', {}, 'limited')).body;
    const done = await w.api('POST', `/v1/bridges/limited/login-sessions/${s.loginSessionID}/steps/${s.currentStep.stepID}`, {
      type: 'user_input',
      fields: { username: 'only-one', password: 'pw' },
    });
    assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
    const second = await create(w, 'password', {}, 'limited');
    assert.equal(second.status, 403);
    assert.equal(second.body.code, 'login_limit_reached');
    const raw = await w.provision('POST', '/v3/login/start/password', '@limited:example.org');
    assert.equal(raw.status, expected.tooManyLoginsStatus);
    assert.equal(raw.body.errcode, 'FI.MAU.BRIDGE.TOO_MANY_LOGINS');
  });

  test('login states: BAD_CREDENTIALS on the bridge makes the login needs_login', async () => {
    const res = await w.bridge.control('login-state', { login_id: 'bob', state: 'BAD_CREDENTIALS', error: 'test-bad', message: 'Log in again' });
    assert.equal(res.status, 200);
    const login = await until(
      async () => (await w.api('GET', '/v1/bridges/test/logins')).body.items.find((l: any) => l.loginID === 'bob'),
      (l: any) => l?.status === 'needs_login',
      'bob needs_login',
    );
    assert.equal(login.statusText, 'Log in again');
  });

  test('logout removes the login on the bridge', async () => {
    const removed = await w.api('POST', '/v1/bridges/test/logins/carol/remove', { scope: 'all-devices' });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(removed.body.status, 'removed');
    const ids = (await w.provision('GET', '/v3/logins')).body.login_ids;
    assert.equal(ids.includes('carol'), false);
    assert.equal((await w.api('POST', '/v1/bridges/test/logins/carol/remove', { scope: 'all-devices' })).status, 404);
  });

}
