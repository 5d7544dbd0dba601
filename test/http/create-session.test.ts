import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { BridgeUnavailableError } from '../../src/bridges/types.ts';
import { GatedBridge } from '../support/gated-bridge.ts';

/** A gated bridge that can go down: its health check fails and every call refuses to connect. */
class FlakyBridge extends GatedBridge {
  down = false;
  override async health() {
    return { reachable: !this.down };
  }
  override async flows() {
    if (this.down) throw new BridgeUnavailableError('connection refused');
    return super.flows();
  }
  override async startLogin() {
    if (this.down) throw new BridgeUnavailableError('connection refused');
    return super.startLogin();
  }
}

let s: TestServer;
const limited = new GatedBridge({ id: 'single', maxLogins: 1, supportsMultipleAccounts: false });
const disabled = new GatedBridge({ id: 'off', enabled: false });
const flaky = new FlakyBridge({ id: 'flaky', maxLogins: 1 });
before(async () => {
  s = await startTestServer({ bridges: [limited, disabled, flaky], configure: (c) => (c.sessions.maxActive = 5) });
});
after(() => s.close());

async function login(username: string): Promise<any> {
  const created = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
  const done = await s.api('POST', `/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/steps/demo.password`, {
    type: 'user_input',
    fields: { username, password: 'pw' },
  });
  assert.equal(done.body.status, 'complete');
  return done.body;
}

test('create with no body starts the default flow with its first step', async () => {
  const r = await s.api('POST', '/v1/bridges/demo/login-sessions');
  assert.equal(r.status, 200);
  assert.equal(r.body.bridgeID, 'demo');
  assert.equal(r.body.status, 'waiting_for_input');
  assert.equal(r.body.currentStep.type, 'user_input');
  assert.equal(r.body.currentStep.stepID, 'demo.password');
  assert.deepEqual(
    r.body.currentStep.fields.map((f: any) => [f.id, f.type]),
    [
      ['username', 'text'],
      ['password', 'password'],
    ],
  );
  assert.match(r.body.loginSessionID, /^[A-Za-z0-9_-]{22,}$/);
  assert.equal(r.body.loginID, undefined);
  assert.equal(Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt), 30 * 60 * 1000);
  await s.api('DELETE', `/v1/bridges/demo/login-sessions/${r.body.loginSessionID}`);
});

test('create picks the flow named by flowID; an unknown flow is 400 unknown_flow', async () => {
  const r = await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' });
  assert.equal(r.status, 200);
  await s.api('DELETE', `/v1/bridges/demo/login-sessions/${r.body.loginSessionID}`);
  const bad = await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'nope' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'unknown_flow');
});

test('an unknown bridge is 404 and a disabled one 403 bridge_disabled', async () => {
  const r = await s.api('POST', '/v1/bridges/nope/login-sessions', {});
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'not_found');
  const d = await s.api('POST', '/v1/bridges/off/login-sessions', {});
  assert.equal(d.status, 403);
  assert.equal(d.body.code, 'bridge_disabled');
});

test('reconnect by loginID or accountID carries them from the start and prefills the username', async () => {
  const done = await login('carol');
  const byLogin = await s.api('POST', '/v1/bridges/demo/login-sessions', { loginID: done.loginID });
  assert.equal(byLogin.status, 200);
  assert.equal(byLogin.body.loginID, done.loginID);
  assert.equal(byLogin.body.accountID, done.accountID);
  assert.equal(byLogin.body.currentStep.fields[0].initialValue, 'carol');
  const byAccount = await s.api('POST', '/v1/bridges/demo/login-sessions', { accountID: done.accountID });
  assert.equal(byAccount.body.loginID, done.loginID);
  const both = await s.api('POST', '/v1/bridges/demo/login-sessions', { accountID: done.accountID, loginID: done.loginID });
  assert.equal(both.status, 200);
  // Completing the reconnect updates the same login rather than adding one.
  const again = await s.api('POST', `/v1/bridges/demo/login-sessions/${byLogin.body.loginSessionID}/steps/demo.password`, {
    type: 'user_input',
    fields: { username: 'carol', password: 'new' },
  });
  assert.equal(again.body.status, 'complete');
  assert.equal(again.body.loginID, done.loginID);
  const logins = await s.api('GET', '/v1/bridges/demo/logins');
  assert.equal(logins.body.items.filter((l: any) => l.user.username === 'carol').length, 1);
  for (const b of [byAccount.body, both.body]) await s.api('DELETE', `/v1/bridges/demo/login-sessions/${b.loginSessionID}`);
});

test('reconnect checks: unknown login, unknown account, and the two disagreeing', async () => {
  const a = await login('dave');
  const b = await login('erin');
  const cases: [object, string][] = [
    [{ loginID: 'nobody' }, 'unknown_login'],
    [{ accountID: 'demo_nobody' }, 'unknown_account'],
    [{ accountID: 'other_' + a.loginID }, 'unknown_account'],
    [{ loginID: a.loginID, accountID: b.accountID }, 'unknown_account'],
  ];
  for (const [body, code] of cases) {
    const r = await s.api('POST', '/v1/bridges/demo/login-sessions', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.code, code, JSON.stringify(body));
  }
});

test('create-body validation: empty strings and wrong types are 400 invalid_request with issues', async () => {
  for (const body of [{ flowID: '' }, { loginID: 5 }, [], 'null']) {
    const r = await s.api('POST', '/v1/bridges/demo/login-sessions', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.code, 'invalid_request');
    assert.ok(Array.isArray(r.body.details.issues) && r.body.details.issues.length > 0);
  }
});

test('a new account on a bridge at its login limit is 403 login_limit_reached; a reconnect is allowed', async () => {
  const first = await s.api('POST', '/v1/bridges/single/login-sessions', {});
  const pending = s.api('POST', `/v1/bridges/single/login-sessions/${first.body.loginSessionID}/steps/gated.name`, { type: 'user_input', fields: { name: 'x' } });
  while (limited.waiting === 0) await new Promise((r) => setImmediate(r));
  limited.open();
  assert.equal((await pending).body.status, 'complete');
  const second = await s.api('POST', '/v1/bridges/single/login-sessions', {});
  assert.equal(second.status, 403);
  assert.equal(second.body.code, 'login_limit_reached');
  const bridge = await s.api('GET', '/v1/bridges/single');
  assert.equal(bridge.body.status, 'connected');
  const reconnect = await s.api('POST', '/v1/bridges/single/login-sessions', { loginID: 'u-x' });
  assert.equal(reconnect.status, 200);
  await s.api('DELETE', `/v1/bridges/single/login-sessions/${reconnect.body.loginSessionID}`);
});

test('on a down bridge whose maxLogins is used, a new account is 403 login_limit_reached before 503; a reconnect is 503', async () => {
  const first = await s.api('POST', '/v1/bridges/flaky/login-sessions', {});
  const pending = s.api('POST', `/v1/bridges/flaky/login-sessions/${first.body.loginSessionID}/steps/gated.name`, { type: 'user_input', fields: { name: 'y' } });
  while (flaky.waiting === 0) await new Promise((r) => setImmediate(r));
  flaky.open();
  assert.equal((await pending).body.status, 'complete');

  flaky.down = true;
  assert.equal((await s.api('GET', '/v1/bridges/flaky')).body.status, 'temporarily_unavailable');
  // The login count is this server's own: no retry could turn this into a success (api.md §2).
  const fresh = await s.api('POST', '/v1/bridges/flaky/login-sessions', {});
  assert.equal(fresh.status, 403);
  assert.equal(fresh.body.code, 'login_limit_reached');
  // A reconnect needs the bridge itself: that is the 503 a retry may fix.
  const reconnect = await s.api('POST', '/v1/bridges/flaky/login-sessions', { loginID: 'u-y' });
  assert.equal(reconnect.status, 503);
  assert.equal(reconnect.body.code, 'bridge_unavailable');
  flaky.down = false;
});

test('the active-session cap answers 429 rate_limited with Retry-After, and frees up on cancel', async () => {
  const ids: string[] = [];
  for (;;) {
    const r = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
    if (r.status === 429) {
      assert.equal(r.body.code, 'rate_limited');
      assert.equal(r.headers.get('retry-after'), '30', 'the earliest expiry is further away than 30 s');
      break;
    }
    assert.equal(r.status, 200);
    ids.push(r.body.loginSessionID);
    assert.ok(ids.length <= 5, 'cap of 5 not enforced');
  }
  assert.equal(s.app.sessions.active, 5);
  // Retry-After is 30 s, or less when the earliest session expires sooner.
  s.clock.advance(s.config.sessions.ttlSeconds * 1000 - 7_500);
  const soon = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
  assert.equal(soon.status, 429);
  assert.equal(soon.headers.get('retry-after'), '8');
  await s.api('DELETE', `/v1/bridges/demo/login-sessions/${ids.pop()}`);
  const r = await s.api('POST', '/v1/bridges/demo/login-sessions', {});
  assert.equal(r.status, 200);
  ids.push(r.body.loginSessionID);
  for (const id of ids) await s.api('DELETE', `/v1/bridges/demo/login-sessions/${id}`);
});
