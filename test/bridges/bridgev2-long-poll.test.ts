// The display_and_wait long-poll: cancel and abort end it at once, a dropped connection is
// re-attached to the running wait, a dying bridge fails the login cleanly, and a lost answer is
// recovered from the bridge's login list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RETRY_DELAYS_MS } from '../../src/bridges/bridgev2/login-process.ts';
import { eventually } from '../support/eventually.ts';
import { countLogs, setupBridgev2 } from '../support/bridgev2-setup.ts';

const isAbortError = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

test('cancel during a long-poll: the wait ends at once and the bridge cancels the process', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  const ended = assert.rejects(waiting, isAbortError);
  await process.cancel();
  await ended;
  assert.ok(fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`));
  assert.deepEqual(fake.processIDs(), []);
  // Idempotent, and a cancelled process answers without calling the bridge.
  const calls = fake.requests.length;
  await process.cancel();
  assert.equal((await process.wait(new AbortController().signal)).kind, 'failed');
  assert.equal(fake.requests.length, calls);
});

test('aborting the wait signal ends the poll but leaves the bridge process running', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const controller = new AbortController();
  const waiting = process.wait(controller.signal);
  await fake.waitForPoll(processID);
  controller.abort();
  await assert.rejects(waiting, isAbortError);
  assert.deepEqual(fake.processIDs(), [processID]);
  // The next wait joins the still running wait on the bridge.
  const again = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'late' });
  assert.equal((await again).kind, 'complete');
  assert.equal(fake.executions(processID), 1);
});

test('a dropped long-poll is re-attached with the same txn_id and joins the running wait', async (t) => {
  const { fake, start, logs } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  assert.equal(fake.dropPolls(processID), 1);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'reattached' });
  const done = await waiting;
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'reattached');
  // Two requests, one txn, one execution on the bridge.
  const polls = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.equal(polls.length, 2);
  assert.equal(polls[0]?.query.txn_id, polls[1]?.query.txn_id);
  assert.equal(fake.executions(processID), 1);
  assert.equal(countLogs(logs, 'sending the step again'), 1);
});

test('a bridge that replays the shown step instead of joining its wait is polled again, gently', async (t) => {
  const { fake, clock, start, logs } = await setupBridgev2(t, { literalReplay: true });
  const { process, processID } = await start('qr');
  const first = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.refreshDisplay(processID); // now the previous step has the same step id as the shown one
  assert.equal((await first).kind, 'step');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.dropPolls(processID);
  await eventually(() => countLogs(logs, 'already shown') === 1, 'the replayed answer');
  assert.equal(clock.pendingTimers > 0, true);
  fake.scanQR(processID, { username: 'replayed' });
  clock.advance(1_000);
  const done = await waiting;
  assert.equal(done.kind, 'complete'); // the process is gone by then: found in the login list
  assert.equal(done.login.loginID, 'replayed');
  assert.equal(fake.executions(processID), 2);
});

test('a bridge dying mid-login: bounded re-attach attempts with backoff, then failed bridge_unavailable', async (t) => {
  const { fake, clock, start, logs } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  await fake.down();
  for (let attempt = 1; attempt < RETRY_DELAYS_MS.length; attempt++) {
    await eventually(() => countLogs(logs, 'sending the step again') === attempt + 1, `retry ${attempt}`);
    clock.advance(RETRY_DELAYS_MS[attempt] ?? 0);
  }
  const outcome = await waiting;
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'bridge_unavailable');
  assert.match(String(outcome.error.details?.cause), /ECONNREFUSED|ECONNRESET|socket/);
  assert.equal(countLogs(logs, 'sending the step again'), RETRY_DELAYS_MS.length);
});

test("a bridge restarting mid-login: the re-attach finds no process → login_timed_out, even with another session's new login", async (t) => {
  const { fake, clock, start, logs } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  // Meanwhile another session logs in as bob: that new login is not this session's.
  const other = await start('password');
  const bob = await other.process.submit({ username: 'bob', password: 'pw' });
  assert.ok(bob.kind === 'complete' && bob.login.loginID === 'bob');
  await fake.down();
  await eventually(() => countLogs(logs, 'sending the step again') === 2, 'second attempt');
  await fake.up();
  clock.advance(RETRY_DELAYS_MS[1]);
  const outcome = await waiting;
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'login_timed_out');
  assert.equal(countLogs(logs, 'a new login appeared'), 0);
});

test('a lost answer to the final submit: the retry gets 404, the new login in /v3/logins completes it', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  fake.addLogin({ id: 'existing' });
  const { process, processID } = await start('password');
  fake.loseNextAnswers(1);
  const done = await process.submit({ username: 'newcomer', password: 'pw' });
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'newcomer');
  const submits = fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`));
  assert.equal(submits.length, 2);
  assert.equal(submits[0]?.query.txn_id, submits[1]?.query.txn_id);
  assert.equal(fake.executions(processID), 1);
});

test('a lost answer to a non-final submit is replayed by txn_id, not run twice', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  fake.loseNextAnswers(1);
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.refreshDisplay(processID);
  const refreshed = await waiting;
  assert.equal(refreshed.kind, 'step');
  assert.ok(refreshed.step.type === 'display_and_wait' && refreshed.step.display.type === 'qr');
  assert.equal(refreshed.step.display.data, `fake-qr:${processID}:1`);
  assert.equal(fake.executions(processID), 1);
});

test('close() ends every wait', async (t) => {
  const { fake, start, bridge } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  await bridge.close?.();
  await assert.rejects(waiting, isAbortError);
  // Closing is not cancelling: the process stays on the bridge for a resume.
  assert.deepEqual(fake.processIDs(), [processID]);
});
