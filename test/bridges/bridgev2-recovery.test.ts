// What the connector concludes when an answer of the bridge goes missing: a vanished process is
// taken for a completion only when its answer may really have been missed, never with a login
// another process completed; a replayed submit is asked again, not shown as a new step; the
// client's timeouts never end a step the bridge is still running; and when the connector gives
// up on a process, it cancels it on the bridge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBridgev2Bridge } from '../../src/bridges/bridgev2/index.ts';
import { LONG_POLL_TIMEOUT_MS, SUBMIT_TIMEOUT_MS } from '../../src/bridges/bridgev2/login-process.ts';
import { DEFAULT_TIMEOUT_MS } from '../../src/bridges/bridgev2/client.ts';
import { eventually } from '../support/eventually.ts';
import { countLogs, setupBridgev2, stepOf } from '../support/bridgev2-setup.ts';

const never = (): AbortSignal => new AbortController().signal;

test('a process that ended without any answer missed is not credited with a login that appeared meanwhile', async (t) => {
  const { fake, clock, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const first = process.wait(never());
  await fake.waitForPoll(processID);
  fake.refreshDisplay(processID);
  assert.equal((await first).kind, 'step');
  // A login made elsewhere (the bridge's own bot, another client), then the 30-minute deadline.
  fake.addLogin({ id: 'carol' });
  clock.advance(30 * 60_000);
  const outcome = await process.wait(never());
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'login_timed_out');
  assert.ok(!fake.requests.some((r) => r.path === '/v3/logins' && fake.requests.indexOf(r) > 1), 'the login list is not consulted');
});

test('a submit retried while it still runs on the bridge: a replay of the step it answered is asked again, not shown', async (t) => {
  const { fake, clock, start, logs } = await setupBridgev2(t, { literalReplay: true });
  const { process, processID } = await start('twofactor');
  // A wrong code: the bridge asks again under the same step id.
  const again = await process.submit({ code: 'wrong' });
  assert.equal(stepOf(again).instructions, 'Wrong code, try again');
  // The next code takes the connector a while; the connection drops meanwhile.
  const submitting = process.submit({ code: 'wait' });
  await fake.waitForPoll(processID);
  assert.equal(fake.dropPolls(processID), 1);
  // The retry is answered with the step being answered (same txn_id): the connector asks again.
  await eventually(() => clock.pendingTimers > 0 && fake.requests.filter((r) => r.path.startsWith('/v3/login/step/')).length === 3, 'the replayed retry');
  fake.scanQR(processID, { username: 'coded' });
  await eventually(() => fake.processIDs().length === 0, 'the step to complete on the bridge');
  clock.advance(1_000);
  const outcome = await submitting;
  assert.equal(outcome.kind, 'complete'); // the process is gone by then: found in the login list
  assert.equal(outcome.login.loginID, 'coded');
  assert.equal(fake.executions(processID), 2, 'each code ran once');
  assert.equal(countLogs(logs, 'a new login appeared'), 1);
});

test("a slow step is not cut at the client's default timeout; past the submit limit it is re-sent and joins the running step", async (t) => {
  const { fake, clock, start } = await setupBridgev2(t);
  const { process, processID } = await start('twofactor');
  const submitting = process.submit({ code: 'wait' });
  await fake.waitForPoll(processID);
  const steps = (): number => fake.requests.filter((r) => r.path.startsWith(`/v3/login/step/${processID}/`)).length;
  clock.advance(DEFAULT_TIMEOUT_MS + 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(steps(), 1, 'still the first request');
  clock.advance(SUBMIT_TIMEOUT_MS - DEFAULT_TIMEOUT_MS);
  await eventually(() => steps() === 2, 'the re-sent submit');
  await fake.waitForPoll(processID);
  fake.scanQR(processID, { username: 'patient' });
  const outcome = await submitting;
  assert.ok(outcome.kind === 'complete' && outcome.login.loginID === 'patient');
  assert.equal(fake.executions(processID), 1);
});

test('legacy bridges (no txn_id): neither a slow submit nor a long display wait is ever cut by the client', async (t) => {
  const { fake, clock, start } = await setupBridgev2(t, { legacy: true });
  const code = await start('twofactor');
  const submitting = code.process.submit({ code: 'wait' });
  await fake.waitForPoll(code.processID);
  clock.advance(SUBMIT_TIMEOUT_MS * 10);
  const qr = await start('qr');
  const waiting = qr.process.wait(never());
  await fake.waitForPoll(qr.processID);
  clock.advance(LONG_POLL_TIMEOUT_MS + 1);
  await new Promise((resolve) => setImmediate(resolve));
  // Both requests are still open, each process alive (a cut request would have killed it).
  assert.deepEqual(fake.processIDs().sort(), [code.processID, qr.processID].sort());
  fake.scanQR(code.processID, { username: 'slow' });
  fake.scanQR(qr.processID, { username: 'scanned' });
  const [a, b] = await Promise.all([submitting, waiting]);
  assert.ok(a.kind === 'complete' && a.login.loginID === 'slow');
  assert.ok(b.kind === 'complete' && b.login.loginID === 'scanned');
});

test('an answer the connector cannot read: the login fails and the process is cancelled on the bridge', async (t) => {
  const { fake, clock, config } = await setupBridgev2(t);
  // A proxy in front of the bridge answers the step with a page instead of JSON.
  const proxied: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes('/v3/login/step/')) return new Response('<html>proxy error</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    return fetch(input, init);
  };
  const bridge = createBridgev2Bridge(config, { clock, fetch: proxied });
  t.after(() => bridge.close?.());
  const { process } = await bridge.startLogin({ flowID: 'qr', signal: never() });
  const processID = fake.processIDs()[0]!;
  const outcome = await process.wait(never());
  assert.equal(outcome.kind, 'failed');
  assert.equal(outcome.error.code, 'bridge_error');
  assert.ok(fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`));
  assert.deepEqual(fake.processIDs(), []);
});
