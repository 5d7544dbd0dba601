// The fake bridge in the generations the real-bridge tests run (docs/bridgev2.md §5): what the
// connector does on each, fast and with the clock injected. `npm run test:bridges` checks the
// same behaviours against mautrix-go itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RespError } from '../support/fake-bridgev2.ts';
import { mapInputField } from '../../src/bridges/bridgev2/map-step.ts';
import { countLogs, setupBridgev2, stepOf } from '../support/bridgev2-setup.ts';

test('v0.29: no txn_id, the cancel endpoint ends the process, TOO_MANY_LOGINS is 500', async (t) => {
  const { fake, start } = await setupBridgev2(t, { generation: 'v0.29' });
  const { process, first, processID } = await start('qr');
  assert.equal(stepOf(first).type, 'display_and_wait');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  const ended = assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
  await process.cancel();
  await ended;
  assert.deepEqual(fake.processIDs(), []);
  const polls = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.ok(polls.length > 0);
  assert.ok(polls.every((r) => !('txn_id' in r.query)));

  const limited = await setupBridgev2(t, { generation: 'v0.29', maxLogins: 1 });
  limited.fake.addLogin({ id: 'only' });
  await assert.rejects(limited.start('password'), { name: 'LoginLimitError' });
});

test('v0.29: a dropped long-poll does not end the step; the re-attach joins it and the scan completes', async (t) => {
  const { fake, start } = await setupBridgev2(t, { generation: 'v0.29' });
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  assert.equal(fake.dropPolls(processID), 1);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'joined' });
  const done = await waiting;
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'joined');
});

test('v0.26.0: a lost completion reads M_BAD_STATE, and the login list completes the session', async (t) => {
  const { fake, start } = await setupBridgev2(t, { generation: 'v0.26.0' });
  const { process, processID } = await start('password');
  fake.loseNextAnswers(1);
  // Without a txn_id the submit is not re-sent; the login list decides.
  const done = await process.submit({ username: 'lost', password: 'pw' });
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'lost');
  // The process is still there, finished: re-sending its step is refused as out of date.
  assert.deepEqual(fake.processIDs(), [processID]);

  const qr = await start('qr');
  const waiting = qr.process.wait(new AbortController().signal);
  await fake.waitForPoll(qr.processID);
  fake.loseNextAnswers(1);
  fake.scanQR(qr.processID, { username: 'scanned' });
  const scanned = await waiting;
  assert.equal(scanned.kind, 'complete');
  assert.equal(scanned.login.loginID, 'scanned');
  const badState = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${qr.processID}/`)).length;
  assert.equal(badState, 2, 'the lost poll and the re-attach that got M_BAD_STATE');
});

test('v0.26.0: a dropped wait leaves the process; the re-attach waits again and the scan completes', async (t) => {
  const { fake, start } = await setupBridgev2(t, { generation: 'v0.26.0' });
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  assert.equal(fake.dropPolls(processID), 1);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'again' });
  const done = await waiting;
  assert.equal(done.kind, 'complete');
});

test('a typed M_FORBIDDEN from a step is invalid_credentials; a plain error stays bridge_error', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const refused = await start('password');
  fake.failProcess(refused.processID, new RespError('M_FORBIDDEN', 'Invalid username or password', 403));
  const outcome = await refused.process.submit({ username: 'a', password: 'b' });
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'invalid_credentials');
  assert.equal(outcome.error.message, 'Invalid username or password');
  assert.equal(outcome.error.details?.errcode, 'M_FORBIDDEN');

  const plain = await start('password');
  const wrong = await plain.process.submit({ username: 'a', password: 'incorrectpassword' });
  assert.equal(wrong.kind, 'failed');
  assert.equal(wrong.error.code, 'bridge_error');
  assert.equal(wrong.error.message, 'incorrect password');
});

test('a bridge that goes down and comes back is logged once each way, not once per call', async (t) => {
  const { fake, bridge, clock, logs } = await setupBridgev2(t);
  await fake.down();
  for (let i = 0; i < 3; i++) {
    await assert.rejects(bridge.flows(), { name: 'BridgeUnavailableError' });
    clock.advance(10_000);
    assert.equal((await bridge.health()).reachable, false);
  }
  assert.equal(countLogs(logs, 'bridgev2: the bridge cannot be reached'), 1);
  await fake.up();
  await bridge.flows();
  clock.advance(10_000);
  await bridge.health();
  assert.equal(countLogs(logs, 'bridgev2: the bridge answers again'), 1);
  assert.equal(countLogs(logs, 'bridgev2: the bridge cannot be reached'), 1);
});

test('v0.32+: an input field marked optional is optional; without the flag every field is required', () => {
  assert.equal(mapInputField({ type: 'username', id: 'device', name: 'Device', optional: true }).optional, true);
  assert.equal(mapInputField({ type: 'username', id: 'device', name: 'Device' }).optional, false);
});
