// The fake provisioning server follows the protocol notes (auth, errors, step manager), so that
// the connector tests against it mean something.
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { RespError, startFakeBridgev2, type FakeBridgev2Options } from '../support/fake-bridgev2.ts';
import { raw, submit, tick } from '../support/bridgev2-http.ts';

async function fakeFor(t: { after: (fn: () => Promise<void>) => void }, options: FakeBridgev2Options = {}) {
  const clock = new ManualClock();
  const fake = await startFakeBridgev2({ clock, ...options });
  t.after(() => fake.close());
  return { fake, clock };
}

test('OPTIONS is answered before auth, with permissive CORS', async (t) => {
  const { fake } = await fakeFor(t);
  const res = await raw(fake, 'OPTIONS', '/v3/whoami', { authorization: null });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
});

test('auth: missing token, wrong token, bare token, no login permission, disabled API', async (t) => {
  const { fake } = await fakeFor(t);
  const missing = await raw(fake, 'GET', '/v3/whoami', { authorization: null });
  assert.deepEqual([missing.status, missing.body], [401, { errcode: 'M_MISSING_TOKEN', error: 'Missing auth token' }]);
  const wrong = await raw(fake, 'GET', '/v3/whoami', { authorization: 'Bearer nope-nope-nope-nope' });
  assert.deepEqual([wrong.status, wrong.body.errcode], [401, 'M_UNKNOWN_TOKEN']);
  // Auth comes before routing: an unknown path without a token is 401, not 404.
  assert.equal((await raw(fake, 'GET', '/v3/nothing', { authorization: null })).status, 401);
  const bare = await raw(fake, 'GET', '/v3/logins', { authorization: fake.sharedSecret });
  assert.deepEqual([bare.status, bare.body], [200, { login_ids: [] }]);
  const relay = await raw(fake, 'GET', '/v3/logins', { userID: '@bob:elsewhere.org' });
  assert.deepEqual([relay.status, relay.body.error], [403, 'User does not have login permissions']);
  const noUser = await raw(fake, 'GET', '/v3/logins', { userID: null });
  assert.deepEqual([noUser.status, noUser.body.errcode], [500, 'M_UNKNOWN']);

  const { fake: disabled } = await fakeFor(t, { sharedSecret: 'short' });
  const res = await raw(disabled, 'GET', '/v3/whoami');
  assert.deepEqual([res.status, res.body.error], [403, 'Provisioning API is disabled']);
});

test('unknown path → 404 M_UNRECOGNIZED; wrong method → 405', async (t) => {
  const { fake } = await fakeFor(t);
  const unknown = await raw(fake, 'GET', '/v3/nothing');
  assert.deepEqual([unknown.status, unknown.body], [404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized endpoint' }]);
  const method = await raw(fake, 'GET', '/v3/login/start/password');
  assert.deepEqual([method.status, method.body.error], [405, 'Invalid method for endpoint']);
});

test('password flow: envelope shape, completion removes the process, login in whoami', async (t) => {
  const { fake } = await fakeFor(t);
  const flows = await raw(fake, 'GET', '/v3/login/flows');
  assert.deepEqual(
    (flows.body.flows as { id: string }[]).map((f) => f.id),
    ['password', 'cookies', 'localstorage', 'displayandwait', 'qr'],
  );
  const start = await raw(fake, 'POST', '/v3/login/start/password');
  assert.equal(start.status, 200);
  assert.match(String(start.body.login_id), /^[0-9a-v]{20}$/);
  assert.match(String(start.body.txn_id), /^bls_[0-9a-v]{20}$/);
  assert.equal(start.body.step_id, 'com.beeper.dummy.password');
  assert.equal(start.body.instructions, '');
  assert.deepEqual((start.body.user_input as { attachments: unknown }).attachments, null);

  const done = await submit(fake, start.body, { username: 'alice', password: 'Alice A.' });
  assert.equal(done.status, 200);
  assert.equal(done.body.type, 'complete');
  assert.deepEqual(done.body.complete, { user_login_id: 'alice' });
  assert.deepEqual(fake.processIDs(), []);
  // A retry of the final submission: the process is gone.
  const retry = await submit(fake, start.body, { username: 'alice', password: 'Alice A.' });
  assert.deepEqual([retry.status, retry.body.error], [404, 'Login not found']);

  const whoami = await raw(fake, 'GET', '/v3/whoami');
  const [login] = whoami.body.logins as Record<string, unknown>[];
  assert.equal(login?.id, 'alice');
  assert.equal(login?.name, 'Alice A.');
  assert.deepEqual(login?.state, { state_event: '', timestamp: 0, ttl: 0 });
  assert.equal(login?.state_event, '');
  assert.deepEqual((await raw(fake, 'GET', '/v3/logins')).body, { login_ids: ['alice'] });
});

test('incorrect password: 500 M_UNKNOWN with the internal error, process destroyed', async (t) => {
  const { fake } = await fakeFor(t);
  const start = await raw(fake, 'POST', '/v3/login/start/password');
  const res = await submit(fake, start.body, { username: 'a', password: 'incorrectpassword' });
  assert.deepEqual([res.status, res.body], [
    500,
    { errcode: 'M_UNKNOWN', error: 'Internal error in login step', 'fi.mau.internal_error': 'incorrect password' },
  ]);
  assert.equal((await submit(fake, start.body, { username: 'a', password: 'b' })).status, 404);
});

test('validation errors leave the process intact', async (t) => {
  const { fake } = await fakeFor(t);
  const start = await raw(fake, 'POST', '/v3/login/start/password');
  const env = start.body;
  const id = String(env.login_id);
  const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
    ['step id', raw(fake, 'POST', `/v3/login/step/${id}/other/user_input`, { body: {} }), 500, 'Step ID does not match'],
    ['txn', submit(fake, env, {}, { txnID: 'bls_x' }), 500, 'Transaction ID does not match'],
    ['type', raw(fake, 'POST', `/v3/login/step/${id}/${String(env.step_id)}/cookies`, { body: {} }), 500, 'Step type does not match'],
    ['body', submit(fake, env, '{"username": 1}'), 400, 'Failed to decode request body'],
    ['empty body', submit(fake, env), 400, 'Failed to decode request body'],
    ['complete', raw(fake, 'POST', `/v3/login/step/${id}/x/complete`), 410, 'Login process was already finished'],
    ['bad type', raw(fake, 'POST', `/v3/login/step/${id}/x/client_http`), 404, 'Invalid step type "client_http"'],
  ];
  for (const [name, promise, status, error] of cases) {
    const res = await promise;
    assert.deepEqual([res.status, res.body.error], [status, error], name);
  }
  assert.equal(fake.executions(id), 0);
  const ok = await submit(fake, env, { username: 'bob', password: 'pw' });
  assert.equal(ok.body.type, 'complete');
});

test('QR refresh, replay of the previous step, and join of a concurrent duplicate', async (t) => {
  const { fake } = await fakeFor(t);
  const qr1 = (await raw(fake, 'POST', '/v3/login/start/qr')).body;
  const id = String(qr1.login_id);
  const poll1 = submit(fake, qr1);
  await fake.waitForPoll(id);
  fake.refreshDisplay(id);
  const qr2 = (await poll1).body;
  assert.equal(qr2.step_id, qr1.step_id);
  assert.notEqual(qr2.txn_id, qr1.txn_id);
  assert.notEqual((qr2.display_and_wait as { data: string }).data, (qr1.display_and_wait as { data: string }).data);

  // Replay: the answered step with its txn_id returns the current step, running nothing.
  const replay = await submit(fake, qr1);
  assert.deepEqual(replay.body, qr2);
  assert.equal(fake.executions(id), 1);

  // Join: two polls of the same step share one wait.
  const a = submit(fake, qr2);
  const b = submit(fake, qr2);
  await fake.waitForPoll(id);
  while ((fake.manager.processes.get(id)?.attached.size ?? 0) < 2) await tick();
  assert.equal(fake.executions(id), 2);
  fake.scanQR(id, { username: 'qruser' });
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.body.type, 'complete');
  assert.deepEqual(rb.body, ra.body);
  assert.equal(fake.executions(id), 2);
});

test('a failing wait answers every joined request with the same error; the error is sticky', async (t) => {
  const { fake } = await fakeFor(t);
  const qr = (await raw(fake, 'POST', '/v3/login/start/qr')).body;
  const id = String(qr.login_id);
  const proc = fake.manager.processes.get(id);
  assert.ok(proc);
  const a = submit(fake, qr);
  const b = submit(fake, qr);
  while (proc.attached.size < 2) await tick();
  fake.failProcess(id, new RespError('COM.EXAMPLE.BANNED', 'Account banned', 403, { 'com.beeper.can_retry': false }));
  const expected = { errcode: 'COM.EXAMPLE.BANNED', error: 'Account banned', 'com.beeper.can_retry': false };
  assert.deepEqual((await a).body, expected);
  assert.deepEqual((await b).body, expected);
  assert.equal((await submit(fake, qr)).status, 404);
  // A request that got hold of the process before its removal gets the stored error, runs nothing.
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  const result = await fake.manager.step(
    proc,
    { stepID: String(qr.step_id), stepType: 'display_and_wait', txnID: String(qr.txn_id), body: {}, signal: new AbortController().signal },
    res,
  );
  assert.ok('err' in result);
  assert.equal(result.err.errcode, 'COM.EXAMPLE.BANNED');
  assert.equal(proc.executions, 1);
});

test('a dropped long-poll leaves the wait running; re-posting the same txn joins it', async (t) => {
  const { fake } = await fakeFor(t);
  const env = (await raw(fake, 'POST', '/v3/login/start/displayandwait')).body;
  const id = String(env.login_id);
  assert.match(String((env.display_and_wait as { data: string }).data), /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const dropped = submit(fake, env).catch((error: unknown) => error);
  await fake.waitForPoll(id);
  assert.equal(fake.dropPolls(id), 1);
  assert.ok((await dropped) instanceof Error);
  const again = submit(fake, env);
  await fake.waitForPoll(id);
  fake.scanQR(id, { username: 'daw', password: 'pw' });
  assert.equal((await again).body.type, 'complete');
  assert.equal(fake.executions(id), 1);
});

test('cancel answers a waiting poll with 410 LOGIN_CANCELLED and removes the process', async (t) => {
  const { fake } = await fakeFor(t);
  const env = (await raw(fake, 'POST', '/v3/login/start/qr')).body;
  const id = String(env.login_id);
  const poll = submit(fake, env);
  await fake.waitForPoll(id);
  const cancel = await raw(fake, 'POST', `/v3/login/cancel/${id}`);
  assert.deepEqual([cancel.status, cancel.body], [200, {}]);
  const res = await poll;
  assert.deepEqual([res.status, res.body.errcode], [410, 'FI.MAU.BRIDGE.LOGIN_CANCELLED']);
  assert.equal((await raw(fake, 'POST', `/v3/login/cancel/${id}`)).status, 404);
});

test('30-minute deadline on the injected clock: the running wait fails, the process is gone', async (t) => {
  const { fake, clock } = await fakeFor(t);
  const env = (await raw(fake, 'POST', '/v3/login/start/qr')).body;
  const id = String(env.login_id);
  const poll = submit(fake, env);
  await fake.waitForPoll(id);
  clock.advance(30 * 60_000 - 1);
  assert.deepEqual(fake.processIDs(), [id]);
  clock.advance(1);
  const res = await poll;
  assert.deepEqual([res.status, res.body['fi.mau.internal_error']], [500, 'context deadline exceeded']);
  assert.equal((await submit(fake, env)).status, 404);
});

test('start: unknown flow, max_logins, re-login, unknown login_id, override of another account', async (t) => {
  const { fake } = await fakeFor(t, { maxLogins: 1 });
  const unknown = await raw(fake, 'POST', '/v3/login/start/nope');
  assert.deepEqual([unknown.status, unknown.body], [
    500,
    { errcode: 'M_UNKNOWN', error: 'Internal error starting login', 'fi.mau.internal_error': 'unknown flow ID "nope"' },
  ]);
  const first = await raw(fake, 'POST', '/v3/login/start/password');
  await submit(fake, first.body, { username: 'one', password: 'pw' });
  const limit = await raw(fake, 'POST', '/v3/login/start/password');
  assert.deepEqual([limit.status, limit.body.errcode, limit.body.error], [
    403,
    'FI.MAU.BRIDGE.TOO_MANY_LOGINS',
    'Maximum number of logins exceeded (1)',
  ]);
  const missing = await raw(fake, 'POST', '/v3/login/start/password', { query: { login_id: 'nobody' } });
  assert.deepEqual([missing.status, missing.body.error], [404, 'Login not found']);
  const relogin = await raw(fake, 'POST', '/v3/login/start/password', { query: { login_id: 'one' } });
  assert.equal(relogin.status, 200);
  await submit(fake, relogin.body, { username: 'two', password: 'pw' });
  assert.deepEqual(fake.loginIDs(), ['two']);
});

test('logout: one login, then 404; `all`', async (t) => {
  const { fake } = await fakeFor(t);
  fake.addLogin({ id: 'x' });
  fake.addLogin({ id: 'y' });
  assert.deepEqual((await raw(fake, 'POST', '/v3/logout/x')).body, {});
  assert.equal((await raw(fake, 'POST', '/v3/logout/x')).status, 404);
  assert.equal((await raw(fake, 'POST', '/v3/logout/all')).status, 200);
  assert.deepEqual(fake.loginIDs(), []);
});

test('fail_on_webauthn: 400 COM.BEEPER.WEBAUTHN_UNSUPPORTED at start', async (t) => {
  const { fake } = await fakeFor(t, { failOnWebauthn: true });
  const res = await raw(fake, 'POST', '/v3/login/start/webauthn');
  assert.deepEqual([res.status, res.body.errcode], [400, 'COM.BEEPER.WEBAUTHN_UNSUPPORTED']);
  assert.deepEqual(fake.processIDs(), []);
});

test('legacy: no txn_id, no cancel endpoint, generic errors, 500 codes, a dropped poll kills the process', async (t) => {
  const { fake } = await fakeFor(t, { legacy: true, maxLogins: 1 });
  const env = (await raw(fake, 'POST', '/v3/login/start/password')).body;
  assert.equal('txn_id' in env, false);
  const cancel = await raw(fake, 'POST', `/v3/login/cancel/${String(env.login_id)}`);
  assert.deepEqual([cancel.status, cancel.body.errcode], [404, 'M_UNRECOGNIZED']);
  const wrong = await submit(fake, env, { username: 'a', password: 'incorrectpassword' });
  assert.deepEqual([wrong.status, wrong.body], [500, { errcode: 'M_UNKNOWN', error: 'Internal error submitting input' }]);

  const ok = (await raw(fake, 'POST', '/v3/login/start/password')).body;
  await submit(fake, ok, { username: 'a', password: 'pw' });
  const limit = await raw(fake, 'POST', '/v3/login/start/password');
  assert.deepEqual([limit.status, limit.body.errcode], [500, 'FI.MAU.BRIDGE.TOO_MANY_LOGINS']);

  const { fake: legacy } = await fakeFor(t, { legacy: true });
  const qr = (await raw(legacy, 'POST', '/v3/login/start/qr')).body;
  const id = String(qr.login_id);
  const poll = submit(legacy, qr).catch((error: unknown) => error);
  await legacy.waitForPoll(id);
  legacy.dropPolls(id);
  assert.ok((await poll) instanceof Error);
  while (legacy.processIDs().length > 0) await tick();
  const after = await submit(legacy, qr);
  assert.deepEqual([after.status, after.body.error], [404, 'Login not found']);
});
