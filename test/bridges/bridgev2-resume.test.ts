// A login process survives a server restart when the bridge still has it: the resume state
// holds ids and the last step (no secrets), and a new connector picks the process up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupBridgev2, stepOf } from '../support/bridgev2-setup.ts';

test('a QR login resumes on a new connector and completes', async (t) => {
  const { fake, start, reconnect, bridge } = await setupBridgev2(t);
  const { process, first, processID } = await start('qr');
  const state: unknown = JSON.parse(JSON.stringify(process.resumeState?.()));
  await bridge.close?.();

  const restarted = reconnect();
  const resumed = await restarted.resumeLogin?.(state, stepOf(first));
  assert.ok(resumed);
  const waiting = resumed.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'after-restart' });
  const done = await waiting;
  assert.equal(done.kind, 'complete');
  assert.equal(done.login.loginID, 'after-restart');
});

test('an input step resumes only if the bridge still has the process; nothing is submitted to check', async (t) => {
  const { fake, start, reconnect } = await setupBridgev2(t);
  const { process, first, processID } = await start('password');
  const state = process.resumeState?.();
  assert.ok(!JSON.stringify(state).includes('secret'));

  const resumed = await reconnect().resumeLogin?.(state, stepOf(first));
  assert.ok(resumed);
  const done = await resumed.submit({ username: 'resumed', password: 'secret-password' });
  assert.equal(done.kind, 'complete');
  assert.equal(fake.executions(processID), 1);

  // The process is gone now: resuming it again gives up.
  assert.equal(await reconnect().resumeLogin?.(state, stepOf(first)), undefined);
  assert.deepEqual(fake.loginIDs(), ['resumed']);
});

test('a waiting step whose process the bridge lost fails session_interrupted on its first wait', async (t) => {
  const { fake, start, reconnect } = await setupBridgev2(t);
  const { process, first } = await start('qr');
  const state = process.resumeState?.();
  await fake.down();
  await fake.up();
  const resumed = await reconnect().resumeLogin?.(state, stepOf(first));
  assert.ok(resumed);
  const outcome = await resumed.wait(new AbortController().signal);
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'session_interrupted');
});

test('a login completed while the server was down is recognised on resume', async (t) => {
  const { fake, start, reconnect } = await setupBridgev2(t);
  const { process, first, processID } = await start('qr');
  const state = process.resumeState?.();
  fake.scanQR(processID, { username: 'while-away' }); // queued: the next poll completes at once
  const poll = await fetch(`${fake.url}/v3/login/step/${processID}/fi.mau.fake.qr/display_and_wait?user_id=${encodeURIComponent(fake.userID)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.sharedSecret}` },
  });
  assert.equal(poll.status, 200);
  const resumed = await reconnect().resumeLogin?.(state, stepOf(first));
  assert.ok(resumed);
  const outcome = await resumed.wait(new AbortController().signal);
  assert.equal(outcome.kind, 'complete');
  assert.equal(outcome.login.loginID, 'while-away');
});

test('a finished process has no resume state; garbage state does not resume', async (t) => {
  const { start, bridge } = await setupBridgev2(t);
  const { process, first } = await start('password');
  await process.submit({ username: 'done', password: 'pw' });
  assert.equal(process.resumeState?.(), undefined);
  for (const garbage of [undefined, null, 42, {}, { version: 2, processID: 'x', envelope: {} }]) {
    assert.equal(await bridge.resumeLogin?.(garbage, stepOf(first)), undefined);
  }
});
