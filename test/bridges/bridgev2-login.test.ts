// Logins through the bridgev2 connector against the fake bridge: every flow of the dummybridge,
// a refreshing QR code, re-login of an existing login, and the wire mapping of each step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnknownLoginError } from '../../src/bridges/types.ts';
import { setupBridgev2, stepOf } from '../support/bridgev2-setup.ts';

test('descriptor and flows come from the config and the bridge', async (t) => {
  const { bridge } = await setupBridgev2(t, { config: { network: 'Dummy network' } });
  assert.deepEqual(bridge.descriptor, {
    id: 'dummy',
    type: 'dummy',
    displayName: 'Dummy',
    provider: 'self-hosted',
    network: 'Dummy network',
    supportsMultipleAccounts: true,
    enabled: true,
    removeScopes: ['all-devices'],
  });
  const flows = await bridge.flows();
  assert.deepEqual(flows[0], { id: 'password', name: 'Password', description: 'Log in with a password' });
  assert.deepEqual(
    flows.map((f) => f.id),
    ['password', 'cookies', 'localstorage', 'displayandwait', 'qr'],
  );
  const single = await setupBridgev2(t, { config: { maxLogins: 1 } });
  assert.equal(single.bridge.descriptor.supportsMultipleAccounts, false);
  assert.equal(single.bridge.descriptor.maxLogins, 1);
});

test('password login: mapped fields, txn_id on the submit, completed login with whoami data', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, first, processID } = await start('password');
  assert.deepEqual(first, {
    kind: 'step',
    step: {
      type: 'user_input',
      stepID: 'com.beeper.dummy.password',
      fields: [
        { id: 'username', label: "username, anything goes and it's used as the ID", type: 'text', optional: false },
        { id: 'password', label: 'password, anything goes', type: 'password', optional: false },
      ],
    },
  });
  const startTxn = fake.manager.history.get(processID)?.prev?.txn_id ?? fake.manager.history.get(processID)?.next.txn_id;
  const outcome = await process.submit({ username: 'alice', password: 'Alice Liddell' });
  assert.equal(outcome.kind, 'complete');
  assert.equal(outcome.login.loginID, 'alice');
  assert.equal(outcome.login.status, 'connecting'); // whoami has no state yet ("")
  assert.equal(outcome.login.instructions, 'Successfully logged in with whatever you provided');
  assert.equal(outcome.login.user.id, 'alice');
  assert.equal(outcome.login.user.fullName, 'Alice Liddell');
  assert.match(outcome.login.user.email ?? '', /^dummy-email-[0-9a-f]{6}@beepbeep$/);

  const submits = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.equal(submits.length, 1);
  assert.equal(submits[0]?.query.txn_id, startTxn);
  assert.equal(submits[0]?.query.user_id, fake.userID);
  // A finished process answers with its final outcome, without asking the bridge again.
  assert.equal((await process.submit({ username: 'x', password: 'y' })).kind, 'complete');
  assert.equal(fake.requests.filter((r) => r.path.startsWith('/v3/login/step/')).length, 1);
});

test('QR login with two refreshes, then the scan completes a connected login', async (t) => {
  const { fake, start } = await setupBridgev2(t, { autoConnect: true });
  const { process, first, processID } = await start('qr');
  const qr0 = stepOf(first);
  assert.equal(qr0.type, 'display_and_wait');
  assert.ok(qr0.type === 'display_and_wait' && qr0.display.type === 'qr');
  const { imageURL, ...display } = qr0.display;
  assert.deepEqual(
    { ...qr0, display },
    {
      type: 'display_and_wait',
      stepID: 'fi.mau.fake.qr',
      display: { type: 'qr', data: `fake-qr:${processID}:0` },
      instructions: 'Scan the QR code with the app on your phone',
    },
  );
  // The QR drawn for clients without a QR library.
  assert.match(imageURL ?? '', /^data:image\/svg\+xml;base64,/);
  assert.match(Buffer.from((imageURL ?? '').split(',')[1] ?? '', 'base64').toString(), /^<svg /);
  const seen: string[] = [];
  for (let i = 1; i <= 2; i++) {
    const waiting = process.wait(new AbortController().signal);
    await fake.waitForPoll(processID);
    fake.refreshDisplay(processID);
    const step = stepOf(await waiting);
    assert.equal(step.type, 'display_and_wait');
    if (step.type === 'display_and_wait' && step.display.type === 'qr') seen.push(step.display.data);
  }
  assert.deepEqual(seen, [`fake-qr:${processID}:1`, `fake-qr:${processID}:2`]);
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'qr-user', password: 'QR User' });
  const done = await waiting;
  assert.equal(done.kind, 'complete');
  assert.deepEqual(done.login.user.id, 'qr-user');
  assert.equal(done.login.status, 'connected');
  // Each poll answered the step it was shown, with that step's txn_id.
  const polls = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  const txns = polls.map((r) => r.query.txn_id);
  assert.equal(polls.length, 3);
  assert.equal(new Set(txns).size, 3);
  assert.ok(txns.every((txn) => txn?.startsWith('bls_')));
});

test('pairing code (display and wait) completes when the code is entered', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, first, processID } = await start('displayandwait');
  const step = stepOf(first);
  assert.equal(step.type, 'display_and_wait');
  assert.equal(step.instructions, 'Enter the code on https://random.mau.fi/dummy/pages/daw_submit.html');
  assert.ok(step.type === 'display_and_wait' && step.display.type === 'code');
  assert.match(step.display.data, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'coder', password: 'pw' });
  assert.equal((await waiting).kind, 'complete');
});

test('cookies and local storage flows map their fields and complete', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const cookies = await start('cookies');
  assert.deepEqual(cookies.first, {
    kind: 'step',
    step: {
      type: 'cookies',
      stepID: 'com.beeper.dummy.cookies',
      url: 'https://random.mau.fi/dummy/pages/cookies.html',
      fields: [
        { id: 'username', optional: false, type: 'cookie', name: 'username', domain: 'random.mau.fi' },
        { id: 'password', optional: false, type: 'cookie', name: 'password', domain: 'random.mau.fi' },
      ],
    },
  });
  const done = await cookies.process.submit({ username: 'cookie-monster', password: 'Cookie%20Monster' });
  assert.equal(done.kind, 'complete');
  // Values go to the bridge raw, not URL-decoded.
  assert.equal(done.login.user.fullName, 'Cookie%20Monster');

  const storage = await start('localstorage');
  const step = stepOf(storage.first);
  assert.ok(step.type === 'cookies');
  assert.deepEqual(step.fields[0], { id: 'username', optional: false, type: 'local_storage', name: 'username' });
  assert.equal((await storage.process.submit({ username: 'ls', password: 'pw' })).kind, 'complete');
  assert.deepEqual(fake.loginIDs().sort(), ['cookie-monster', 'ls']);
});

test('re-login with loginID starts with login_id and updates that login', async (t) => {
  const { fake, start, bridge } = await setupBridgev2(t, { maxLogins: 1 });
  fake.addLogin({ id: 'alice', name: 'Old name', state: { state_event: 'BAD_CREDENTIALS', timestamp: 1, ttl: 3600 } });
  assert.equal((await bridge.liveLogins())?.[0]?.status, 'needs_login');
  // max_logins does not apply to a re-login.
  const { process } = await start('password', 'alice');
  const startCall = fake.requests.find((r) => r.path === '/v3/login/start/password');
  assert.equal(startCall?.query.login_id, 'alice');
  fake.setLoginState('alice', { state_event: 'CONNECTED' });
  const done = await process.submit({ username: 'alice', password: 'New name' });
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'alice');
  assert.equal(done.login.user.fullName, 'New name');
  assert.equal(done.login.status, 'connected');
  assert.deepEqual(fake.loginIDs(), ['alice']);
});

test('re-login of a login the bridge does not know → UnknownLoginError', async (t) => {
  const { start } = await setupBridgev2(t);
  await assert.rejects(start('password', 'ghost'), UnknownLoginError);
});
