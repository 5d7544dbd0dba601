// A bridgev2 bridge configured like a real one (a `bridges:` entry of the config, built by the
// config's bridge factory), driven only through this server's public HTTP API against the fake
// provisioning server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { createBridgev2Bridges } from '../../src/bridges/external.ts';
import type { Bridgev2BridgeConfig } from '../../src/bridges/bridgev2/config.ts';
import { RespError, startFakeBridgev2, type FakeBridgev2, type FakeBridgev2Options } from '../support/fake-bridgev2.ts';
import { raw } from '../support/bridgev2-http.ts';
import { eventually } from '../support/eventually.ts';
import { startTestServer, tempDir, type TestServer } from '../support/server.ts';
import { OWNER } from '../../src/principal.ts';

interface Setup {
  clock: ManualClock;
  fake: FakeBridgev2;
  server: TestServer;
  api: TestServer['api'];
  entry: Bridgev2BridgeConfig;
}

async function setup(
  t: { after: (fn: () => Promise<void>) => void },
  options: FakeBridgev2Options & { entry?: Partial<Bridgev2BridgeConfig>; dataDir?: string } = {},
): Promise<Setup> {
  const { entry: overrides, dataDir, ...fakeOptions } = options;
  const clock = new ManualClock(Date.now());
  const fake = await startFakeBridgev2({ clock, ...fakeOptions });
  const entry: Bridgev2BridgeConfig = {
    id: 'dummy',
    type: 'dummy',
    displayName: 'Dummy',
    provider: 'self-hosted',
    network: 'Dummy',
    enabled: true,
    provisioning: { url: fake.url, sharedSecret: fake.sharedSecret, userID: fake.userID },
    ...overrides,
  };
  const server = await startTestServer({
    clock,
    configure: (c) => c.bridges.push(entry),
    externalBridges: createBridgev2Bridges,
    ...(dataDir !== undefined && { dataDir }),
  });
  t.after(async () => {
    await server.close();
    await fake.close();
  });
  return { clock, fake, server, api: server.api, entry };
}

const sessions = '/v1/bridges/dummy/login-sessions';

/** The server started again on `first`'s data directory, clock and bridge (a restart). */
async function restarted(t: { after: (fn: () => Promise<void>) => void }, first: Setup, dataDir: string): Promise<TestServer> {
  const second = await startTestServer({
    clock: first.clock,
    dataDir,
    configure: (c) => c.bridges.push(first.entry),
    externalBridges: createBridgev2Bridges,
  });
  t.after(() => second.close());
  return second;
}

/** The bridge's process of the only login running on the fake. */
function onlyProcess(fake: FakeBridgev2): string {
  const [id] = fake.processIDs();
  assert.ok(id, 'a login process on the fake bridge');
  return id;
}

/** Polls the session (GET never blocks) until `accept` holds; fails with the last one seen. */
async function sessionWhere(api: TestServer['api'], id: string, accept: (s: any) => boolean, what: string): Promise<any> {
  let last: any;
  try {
    return await eventually(async () => {
      last = (await api('GET', `${sessions}/${id}`)).body;
      return accept(last) ? last : undefined;
    }, what);
  } catch {
    assert.fail(`session ${id} never got ${what}: ${JSON.stringify(last)}`);
  }
}

function sessionReaches(api: TestServer['api'], id: string, status: string): Promise<any> {
  return sessionWhere(api, id, (s) => s.status === status, `status ${status}`);
}

test('the bridge is listed with its flows; a password login completes and shows up as login and account', async (t) => {
  const { api, fake, clock } = await setup(t);
  const bridges = (await api('GET', '/v1/bridges')).body.items;
  const dummy = bridges.find((b: any) => b.id === 'dummy');
  assert.deepEqual(
    { ...dummy, accounts: undefined },
    {
      id: 'dummy',
      accounts: undefined,
      activeAccountCount: 0,
      displayName: 'Dummy',
      provider: 'self-hosted',
      status: 'available',
      supportsMultipleAccounts: true,
      type: 'dummy',
      network: 'Dummy',
    },
  );
  const flows = (await api('GET', '/v1/bridges/dummy/login-flows')).body.items;
  assert.deepEqual(flows[0], { id: 'password', name: 'Password', description: 'Log in with a password' });

  const created = await api('POST', sessions, {});
  assert.equal(created.status, 200);
  assert.equal(created.body.status, 'waiting_for_input');
  assert.equal(created.body.currentStep.stepID, 'com.beeper.dummy.password');
  assert.deepEqual(
    created.body.currentStep.fields.map((f: any) => [f.id, f.type, f.optional]),
    [
      ['username', 'text', false],
      ['password', 'password', false],
    ],
  );
  const done = await api('POST', `${sessions}/${created.body.loginSessionID}/steps/com.beeper.dummy.password`, {
    type: 'user_input',
    fields: { username: 'alice', password: 'Alice Liddell' },
  });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'complete');
  assert.equal(done.body.loginID, 'alice');
  assert.equal(done.body.accountID, 'dummy_alice');
  assert.equal(done.body.account.user.fullName, 'Alice Liddell');
  assert.equal(done.body.currentStep.instructions, 'Successfully logged in with whatever you provided');
  assert.equal(done.body.login.status, 'connecting');
  assert.deepEqual(done.body.login.removeScopes, ['all-devices']);
  // Every submit to the bridge carried the step's txn_id.
  const submits = fake.requests.filter((r) => r.path.startsWith('/v3/login/step/'));
  assert.equal(submits.length, 1);
  assert.match(submits[0]?.query.txn_id ?? '', /^bls_/);

  fake.setLoginState('alice', { state_event: 'CONNECTED' });
  clock.advance(2_000); // the server re-reads a bridge's logins at most every 2 s
  const logins = (await api('GET', '/v1/bridges/dummy/logins')).body.items;
  assert.deepEqual(
    logins.map((l: any) => [l.loginID, l.status]),
    [['alice', 'connected']],
  );
  const accounts = (await api('GET', '/v1/accounts')).body;
  assert.ok(accounts.some((a: any) => a.accountID === 'dummy_alice' && a.status === 'connected'));
});

test('a QR login with two refreshes: the background wait updates the session, the scan completes it', async (t) => {
  const { api, fake } = await setup(t, { autoConnect: true });
  const created = (await api('POST', sessions, { flowID: 'qr' })).body;
  assert.equal(created.status, 'waiting_for_display');
  assert.equal(created.currentStep.display.type, 'qr');
  const id = created.loginSessionID;
  const processID = onlyProcess(fake);
  assert.equal(created.currentStep.display.data, `fake-qr:${processID}:0`);
  for (const n of [1, 2]) {
    await fake.waitForPoll(processID);
    fake.refreshDisplay(processID);
    const data = `fake-qr:${processID}:${n}`;
    const session = await sessionWhere(api, id, (s) => s.currentStep?.display?.data === data, `QR ${n}`);
    assert.equal(session.status, 'waiting_for_display');
  }
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'qr-user', password: 'QR User' });
  const done = await sessionReaches(api, id, 'complete');
  assert.equal(done.loginID, 'qr-user');
  assert.equal(done.login.status, 'connected');
  assert.equal(fake.executions(processID), 3);
});

test('a re-login with loginID starts with login_id on the bridge and updates that login', async (t) => {
  const { api, fake } = await setup(t);
  fake.addLogin({ id: 'bob', name: 'Bob', state: { state_event: 'BAD_CREDENTIALS', timestamp: 1, ttl: 3600, message: 'Logged out' } });
  const before = (await api('GET', '/v1/bridges/dummy/logins/bob')).body;
  assert.equal(before.status, 'needs_login');
  const created = (await api('POST', sessions, { loginID: 'bob', flowID: 'password' })).body;
  assert.equal(created.loginID, 'bob');
  assert.equal(created.accountID, 'dummy_bob');
  assert.equal(fake.requests.find((r) => r.path === '/v3/login/start/password')?.query.login_id, 'bob');
  fake.setLoginState('bob', { state_event: 'CONNECTED' });
  const done = (
    await api('POST', `${sessions}/${created.loginSessionID}/steps/com.beeper.dummy.password`, {
      type: 'user_input',
      fields: { username: 'bob', password: 'Bob Again' },
    })
  ).body;
  assert.equal(done.status, 'complete');
  assert.equal(done.loginID, 'bob');
  assert.equal(done.login.status, 'connected');
  assert.equal(done.account.user.fullName, 'Bob Again');
  assert.deepEqual(fake.loginIDs(), ['bob']);
});

test('cancel during a long-poll: the poll answers cancelled and the bridge cancels its process', async (t) => {
  const { api, fake, server } = await setup(t);
  const created = (await api('POST', sessions, { flowID: 'qr' })).body;
  const processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  const poll = api('POST', `${sessions}/${created.loginSessionID}/steps/fi.mau.fake.qr`, { type: 'display_and_wait' });
  const live = server.app.sessions.feed(OWNER, 'dummy', created.loginSessionID);
  await eventually(() => live.watcherCount > 0, 'the long-poll to wait');
  const cancel = await api('DELETE', `${sessions}/${created.loginSessionID}`);
  assert.deepEqual(cancel.body, { bridgeID: 'dummy', loginSessionID: created.loginSessionID, status: 'cancelled' });
  assert.equal((await poll).body.status, 'cancelled');
  await eventually(() => fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`), 'the cancel call');
  await eventually(() => fake.processIDs().length === 0, 'the process to go');
});

test('error mappings: wrong password, connector code, foreign cancel, webauthn, unreadable cookie', async (t) => {
  const { api, fake } = await setup(t, { extraFlows: true });
  const pw = (await api('POST', sessions, { flowID: 'password' })).body;
  const wrong = (
    await api('POST', `${sessions}/${pw.loginSessionID}/steps/com.beeper.dummy.password`, {
      type: 'user_input',
      fields: { username: 'x', password: 'incorrectpassword' },
    })
  ).body;
  assert.equal(wrong.status, 'failed');
  assert.deepEqual(wrong.error, {
    code: 'bridge_error',
    message: 'incorrect password',
    details: { status: 500, errcode: 'M_UNKNOWN', error: 'Internal error in login step', 'fi.mau.internal_error': 'incorrect password' },
  });
  assert.equal(wrong.currentStep, undefined);

  const qr = (await api('POST', sessions, { flowID: 'qr' })).body;
  let processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  fake.failProcess(processID, new RespError('FI.MAU.FAKE.BANNED', 'Account banned', 403, { 'com.beeper.can_retry': false }));
  const banned = await sessionReaches(api, qr.loginSessionID, 'failed');
  assert.deepEqual(banned.error, {
    code: 'bridge_error',
    message: 'Account banned',
    details: { status: 403, errcode: 'FI.MAU.FAKE.BANNED', error: 'Account banned', 'com.beeper.can_retry': false },
  });

  const other = (await api('POST', sessions, { flowID: 'displayandwait' })).body;
  processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  await raw(fake, 'POST', `/v3/login/cancel/${processID}`);
  const cancelled = await sessionReaches(api, other.loginSessionID, 'failed');
  assert.equal(cancelled.error.code, 'cancelled');
  assert.equal(cancelled.error.details.errcode, 'FI.MAU.BRIDGE.LOGIN_CANCELLED');

  const passkey = (await api('POST', sessions, { flowID: 'webauthn' })).body;
  assert.equal(passkey.status, 'failed');
  assert.equal(passkey.error.code, 'webauthn_unsupported');

  const body = (await api('POST', sessions, { flowID: 'request-body-cookie' })).body;
  assert.equal(body.status, 'failed');
  assert.equal(body.error.code, 'unsupported_cookie_source');
  assert.deepEqual(fake.processIDs(), []);
});

test('TOO_MANY_LOGINS from the bridge → 403 login_limit_reached; a login the bridge lost → 400 unknown_login', async (t) => {
  const { api, fake } = await setup(t, { maxLogins: 1 });
  fake.addLogin({ id: 'first' });
  const limited = await api('POST', sessions, { flowID: 'password' });
  assert.equal(limited.status, 403);
  assert.equal(limited.body.code, 'login_limit_reached');
  assert.match(limited.body.message, /Maximum number of logins exceeded \(1\)/);

  // The server knows "first" (from the bridge's list), then the bridge forgets it.
  assert.equal((await api('GET', '/v1/bridges/dummy/logins/first')).status, 200);
  await raw(fake, 'POST', '/v3/logout/first');
  const relogin = await api('POST', sessions, { loginID: 'first' });
  assert.equal(relogin.status, 400);
  assert.equal(relogin.body.code, 'unknown_login');
});

test('a bridge that is down: 503 at create, temporarily_unavailable in the list, the demo bridge unaffected', async (t) => {
  const { api, fake } = await setup(t);
  await fake.down();
  const create = await api('POST', sessions, { flowID: 'password' });
  assert.equal(create.status, 503);
  assert.equal(create.body.code, 'bridge_unavailable');
  const items = (await api('GET', '/v1/bridges')).body.items;
  const dummy = items.find((b: any) => b.id === 'dummy');
  assert.equal(dummy.status, 'temporarily_unavailable');
  assert.match(dummy.statusText, /ECONNREFUSED/);
  assert.ok(!JSON.stringify(items).includes(fake.sharedSecret));
  assert.equal(items.find((b: any) => b.id === 'demo').status, 'available');
  assert.equal((await api('GET', '/v1/bridges/dummy/login-flows')).status, 503);
  const demo = (await api('POST', '/v1/bridges/demo/login-sessions', {})).body;
  const done = await api('POST', `/v1/bridges/demo/login-sessions/${demo.loginSessionID}/steps/demo.password`, {
    type: 'user_input',
    fields: { username: 'still-fine', password: 'pw' },
  });
  assert.equal(done.body.status, 'complete');
});

test('a bridge dying mid-login: the session fails bridge_unavailable, the server keeps answering', async (t) => {
  const { api, fake, clock } = await setup(t);
  const created = (await api('POST', sessions, { flowID: 'qr' })).body;
  const processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  await fake.down();
  // Let the connector's bounded re-attach attempts (1 + 2 + 4 + 8 s of backoff) run out.
  let session: any = created;
  for (let i = 0; i < 100 && session.status !== 'failed'; i++) {
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    session = (await api('GET', `${sessions}/${created.loginSessionID}`)).body;
  }
  assert.equal(session.status, 'failed');
  assert.equal(session.error.code, 'bridge_unavailable');
  const bridges = (await api('GET', '/v1/bridges')).body.items;
  assert.equal(bridges.find((b: any) => b.id === 'dummy').status, 'temporarily_unavailable');
});

test('a dropped long-poll is re-attached: the same wait on the bridge completes the session', async (t) => {
  const { api, fake } = await setup(t);
  const created = (await api('POST', sessions, { flowID: 'displayandwait' })).body;
  assert.equal(created.currentStep.display.type, 'code');
  const processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  assert.equal(fake.dropPolls(processID), 1);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'patient', password: 'pw' });
  const done = await sessionReaches(api, created.loginSessionID, 'complete');
  assert.equal(done.loginID, 'patient');
  assert.equal(fake.executions(processID), 1);
  const polls = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.equal(polls.length, 2);
  assert.equal(polls[0]?.query.txn_id, polls[1]?.query.txn_id);
});

test('session expiry cancels the login on the bridge', async (t) => {
  const { api, fake, clock } = await setup(t);
  const created = (await api('POST', sessions, { flowID: 'qr' })).body;
  const processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  clock.advance(30 * 60_000);
  const session = await sessionReaches(api, created.loginSessionID, 'failed');
  assert.equal(session.error.code, 'session_expired');
  await eventually(() => fake.processIDs().length === 0, 'the process to go');
});

test('a QR login survives a server restart when the bridge still has its process', async (t) => {
  const { dir, remove } = tempDir();
  t.after(async () => remove());
  const first = await setup(t, { dataDir: dir });
  const created = (await first.api('POST', sessions, { flowID: 'qr' })).body;
  const processID = onlyProcess(first.fake);
  await first.fake.waitForPoll(processID);
  await first.server.close();

  const second = await restarted(t, first, dir);
  const resumed = (await second.api('GET', `${sessions}/${created.loginSessionID}`)).body;
  assert.equal(resumed.status, 'waiting_for_display');
  await first.fake.waitForPoll(processID);
  first.fake.scanQR(processID, { username: 'after-restart' });
  const done = await sessionReaches(second.api, created.loginSessionID, 'complete');
  assert.equal(done.loginID, 'after-restart');
  assert.equal(first.fake.executions(processID), 1);
});

test('legacy bridge: password login, QR refresh and cancel without the cancel endpoint', async (t) => {
  const { api, fake } = await setup(t, { legacy: true });
  const pw = (await api('POST', sessions, { flowID: 'password' })).body;
  const done = (
    await api('POST', `${sessions}/${pw.loginSessionID}/steps/com.beeper.dummy.password`, {
      type: 'user_input',
      fields: { username: 'old', password: 'pw' },
    })
  ).body;
  assert.equal(done.status, 'complete');
  assert.ok(fake.requests.filter((r) => r.path.startsWith('/v3/login/step/')).every((r) => !('txn_id' in r.query)));

  const qr = (await api('POST', sessions, { flowID: 'qr' })).body;
  const processID = onlyProcess(fake);
  await fake.waitForPoll(processID);
  fake.refreshDisplay(processID);
  await sessionWhere(api, qr.loginSessionID, (s) => s.currentStep?.display?.data === `fake-qr:${processID}:1`, 'the new QR');
  await fake.waitForPoll(processID);
  const cancel = await api('DELETE', `${sessions}/${qr.loginSessionID}`);
  assert.equal(cancel.body.status, 'cancelled');
  // No cancel endpoint (404 M_UNRECOGNIZED): ending our long-poll is what stops a legacy bridge.
  await eventually(() => fake.processIDs().length === 0, 'the legacy process to die');
  assert.equal((await api('GET', `${sessions}/${qr.loginSessionID}`)).body.status, 'cancelled');
});

test('a server stopped while a submit runs on the bridge: the session is not failed, and resumes after the restart', async (t) => {
  const { dir, remove } = tempDir();
  t.after(async () => remove());
  const first = await setup(t, { dataDir: dir, extraFlows: true });
  const created = (await first.api('POST', sessions, { flowID: 'twofactor' })).body;
  const processID = onlyProcess(first.fake);
  // A code the connector takes its time over; the server stops meanwhile.
  const submitting = first.api('POST', `${sessions}/${created.loginSessionID}/steps/fi.mau.fake.code`, { type: 'user_input', fields: { code: 'wait' } });
  await first.fake.waitForPoll(processID);
  await first.server.close();
  // The request in flight is answered, not failed: 503, try again once the server is back.
  const answer = await submitting;
  assert.equal(answer.status, 503);
  assert.equal(answer.body.code, 'bridge_unavailable');

  const second = await restarted(t, first, dir);
  const resumed = (await second.api('GET', `${sessions}/${created.loginSessionID}`)).body;
  assert.equal(resumed.status, 'waiting_for_input', JSON.stringify(resumed));
  assert.equal(resumed.currentStep.stepID, 'fi.mau.fake.code');
  // The bridge finishes the code it was given; the retried submit joins it and hears the result.
  const retried = second.api('POST', `${sessions}/${created.loginSessionID}/steps/fi.mau.fake.code`, { type: 'user_input', fields: { code: 'wait' } });
  await first.fake.waitForPoll(processID);
  first.fake.scanQR(processID, { username: 'coded' });
  const done = (await retried).body;
  assert.equal(done.status, 'complete', JSON.stringify(done));
  assert.equal(done.loginID, 'coded');
  assert.equal(first.fake.executions(processID), 1);
});

test("the connector's own lines reach the server's log, with no secret in them", async (t) => {
  const lines: string[] = [];
  const clock = new ManualClock(Date.now());
  const fake = await startFakeBridgev2({ clock });
  const server = await startTestServer({
    clock,
    configure: (c) => c.bridges.push({ id: 'dummy', type: 'dummy', displayName: 'Dummy', provider: 'self-hosted', enabled: true, provisioning: { url: fake.url, sharedSecret: fake.sharedSecret, userID: fake.userID } }),
    externalBridges: createBridgev2Bridges,
    logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
  });
  t.after(async () => {
    await server.close();
    await fake.close();
  });
  fake.failNextStart(new Error('the network is down'));
  const created = await server.api('POST', sessions, { flowID: 'password' });
  assert.equal(created.body.status, 'failed');
  const logged = lines.map((l) => JSON.parse(l) as { msg: string; bridgeID?: string; status?: number });
  assert.ok(logged.some((l) => l.msg === 'bridgev2: start refused' && l.bridgeID === 'dummy' && l.status === 500), lines.join(''));
  assert.ok(!lines.join('').includes(fake.sharedSecret));
});

test('removing a login whose ID is "all" is refused (the bridge would log out every login), and changes nothing', async (t) => {
  const { api, fake } = await setup(t);
  for (const username of ['all', 'bob']) {
    const created = (await api('POST', sessions, { flowID: 'password' })).body;
    const done = await api('POST', `${sessions}/${created.loginSessionID}/steps/com.beeper.dummy.password`, { type: 'user_input', fields: { username, password: 'pw' } });
    assert.equal(done.body.loginID, username);
  }
  const refused = await api('POST', '/v1/bridges/dummy/logins/all/remove', { scope: 'all-devices' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.code, 'unsupported_scope');
  assert.match(refused.body.message, /every login/);
  assert.ok(!fake.requests.some((r) => r.path.startsWith('/v3/logout/')), 'nothing sent to the bridge');
  assert.deepEqual(fake.loginIDs().sort(), ['all', 'bob']);
  assert.deepEqual((await api('GET', '/v1/bridges/dummy/logins')).body.items.map((l: { loginID: string }) => l.loginID).sort(), ['all', 'bob']);
});

test('a different code sent while one is running waits its turn and answers the step asked again; a duplicate joins', async (t) => {
  const { api, fake, server } = await setup(t, { extraFlows: true });
  const created = (await api('POST', sessions, { flowID: 'twofactor' })).body;
  const processID = onlyProcess(fake);
  const step = `${sessions}/${created.loginSessionID}/steps/fi.mau.fake.code`;
  // The first code takes the connector a while.
  const first = api('POST', step, { type: 'user_input', fields: { code: 'wait' } });
  await fake.waitForPoll(processID);
  // Meanwhile the same code again, then another code (through the service itself, so that both
  // are known to arrive while the first runs).
  const submit = (code: string): Promise<string> =>
    server.app.sessions.submit(OWNER, 'dummy', created.loginSessionID, { stepID: 'fi.mau.fake.code', type: 'user_input', fields: { code } });
  const duplicate = submit('wait');
  const second = submit('123456');
  // The first code is refused: the bridge asks again under the same step ID.
  fake.refreshDisplay(processID);
  const a = (await first).body;
  assert.equal(a.status, 'waiting_for_input');
  assert.equal(a.currentStep.instructions, 'Enter the new code');
  assert.deepEqual(JSON.parse(await duplicate), a, 'the duplicate got the same answer');
  const c = JSON.parse(await second);
  assert.equal(c.status, 'complete', JSON.stringify(c));
  assert.equal(c.loginID, 'twofactor-user');
  assert.equal(fake.executions(processID), 2, 'each code ran once');
});

test('a phone number must start with +; the separators people type are taken out before it goes to the bridge', async (t) => {
  const { api, fake } = await setup(t, { extraFlows: true });
  const created = (await api('POST', sessions, { flowID: 'phone' })).body;
  const field = created.currentStep.fields[0];
  assert.equal(field.type, 'tel');
  assert.equal(typeof field.pattern, 'string');
  const step = `${sessions}/${created.loginSessionID}/steps/fi.mau.fake.phone`;
  const noPlus = await api('POST', step, { type: 'user_input', fields: { phone: '555 0001' } });
  assert.equal(noPlus.status, 400);
  assert.equal(noPlus.body.code, 'invalid_request');
  assert.deepEqual(noPlus.body.details.issues[0].path, ['body', 'fields', 'phone']);
  assert.equal(fake.executions(onlyProcess(fake)), 0, 'the bridge never saw it');
  const done = await api('POST', step, { type: 'user_input', fields: { phone: '+1 (555) 000-1' } });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  assert.equal(done.body.loginID, '+15550001');
});
