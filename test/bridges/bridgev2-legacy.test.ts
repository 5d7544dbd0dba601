// Bridges older than mautrix-go v0.28.1 (protocol notes §9): no txn_id, no cancel endpoint, the
// step runs inside the request, generic error messages. The connector must still work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { setupBridgev2, stepOf } from '../support/bridgev2-setup.ts';

test('legacy password login: submits carry no txn_id and the login completes', async (t) => {
  const { fake, start } = await setupBridgev2(t, { legacy: true });
  const { process, first, processID } = await start('password');
  assert.equal(stepOf(first).stepID, 'com.beeper.dummy.password');
  const done = await process.submit({ username: 'old', password: 'Old Timer' });
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.user.fullName, 'Old Timer');
  const submit = fake.requests.find((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.ok(submit);
  assert.equal('txn_id' in submit.query, false);
});

test('legacy QR login: refresh and scan', async (t) => {
  const { fake, start } = await setupBridgev2(t, { legacy: true });
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.refreshDisplay(processID);
  const refreshed = stepOf(await waiting);
  assert.ok(refreshed.type === 'display_and_wait' && refreshed.display.type === 'qr');
  assert.equal(refreshed.display.data, `fake-qr:${processID}:1`);
  const again = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'legacy-qr' });
  assert.equal((await again).kind, 'complete');
});

test('legacy cancel: the missing endpoint (404 M_UNRECOGNIZED) is ignored; ending the poll stops the wait', async (t) => {
  const { fake, start, logs } = await setupBridgev2(t, { legacy: true });
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  const ended = assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
  await process.cancel();
  await ended;
  assert.ok(fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`));
  // On a legacy bridge the wait ran inside our request: closing it killed the process.
  await eventually(() => fake.processIDs().length === 0, 'the legacy process to die');
  assert.equal(logs.filter((l) => l.msg.includes('cancel on the bridge failed')).length, 0);
});

test('legacy: a dropped poll kills the process; the re-attach gets 404 → login_timed_out', async (t) => {
  const { fake, start } = await setupBridgev2(t, { legacy: true });
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.dropPolls(processID);
  const outcome = await waiting;
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'login_timed_out');
});

test('legacy: generic error message without internal error → bridge_error with that message', async (t) => {
  const { start } = await setupBridgev2(t, { legacy: true });
  const { process } = await start('password');
  const outcome = await process.submit({ username: 'a', password: 'incorrectpassword' });
  assert.deepEqual(outcome, {
    kind: 'failed',
    error: {
      code: 'bridge_error',
      message: 'Internal error submitting input',
      details: { status: 500, errcode: 'M_UNKNOWN', error: 'Internal error submitting input' },
    },
  });
});

test('legacy: a lost submit answer is not retried without a txn_id; the login list decides', async (t) => {
  const { fake, start } = await setupBridgev2(t, { legacy: true });
  const completing = await start('password');
  fake.loseNextAnswers(1);
  const done = await completing.process.submit({ username: 'a', password: 'b' });
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'a');
  const steps = (id: string) => fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${id}/`)).length;
  assert.equal(steps(completing.processID), 1);

  // The answer to an attempt that did not complete anything: the login cannot go on.
  const failing = await start('password');
  fake.loseNextAnswers(1);
  const outcome = await failing.process.submit({ username: 'x', password: 'incorrectpassword' });
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'bridge_unavailable');
  assert.equal(steps(failing.processID), 1);
});

test('legacy: TOO_MANY_LOGINS with status 500 is still a login limit', async (t) => {
  const { fake, start } = await setupBridgev2(t, { legacy: true, maxLogins: 1 });
  fake.addLogin({ id: 'only' });
  await assert.rejects(start('password'), { name: 'LoginLimitError' });
});
