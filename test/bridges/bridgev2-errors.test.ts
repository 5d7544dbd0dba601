// Each way a bridgev2 login can go wrong maps to the session error the protocol notes §12
// propose, keeping the bridge's own errcode and messages in `details`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BridgeUnavailableError, LoginLimitError, type StepOutcome } from '../../src/bridges/types.ts';
import { RespError } from '../support/fake-bridgev2.ts';
import { raw } from '../support/bridgev2-http.ts';
import { eventually } from '../support/eventually.ts';
import { setupBridgev2 } from '../support/bridgev2-setup.ts';

function errorOf(outcome: StepOutcome) {
  if (outcome.kind !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

test('TOO_MANY_LOGINS at start → LoginLimitError', async (t) => {
  const { fake, start } = await setupBridgev2(t, { maxLogins: 1 });
  fake.addLogin({ id: 'only' });
  await assert.rejects(start('password'), (error: unknown) => {
    assert.ok(error instanceof LoginLimitError);
    assert.equal(error.message, 'Maximum number of logins exceeded (1)');
    return true;
  });
});

test('incorrect password (M_UNKNOWN + internal error) → bridge_error with the bridge message kept', async (t) => {
  const { start } = await setupBridgev2(t);
  const { process } = await start('password');
  const error = errorOf(await process.submit({ username: 'a', password: 'incorrectpassword' }));
  assert.deepEqual(error, {
    code: 'bridge_error',
    message: 'incorrect password',
    details: {
      status: 500,
      errcode: 'M_UNKNOWN',
      error: 'Internal error in login step',
      'fi.mau.internal_error': 'incorrect password',
    },
  });
});

test('a connector-defined error code → bridge_error, its extra keys kept', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  fake.failProcess(processID, new RespError('FI.MAU.WHATSAPP.BANNED', 'Your account is banned', 403, { 'com.beeper.can_retry': false }));
  assert.deepEqual(errorOf(await waiting), {
    code: 'bridge_error',
    message: 'Your account is banned',
    details: { status: 403, errcode: 'FI.MAU.WHATSAPP.BANNED', error: 'Your account is banned', 'com.beeper.can_retry': false },
  });
});

test('unknown flow: the start fails → a failed first outcome, not an exception', async (t) => {
  const { start } = await setupBridgev2(t);
  const { first, process } = await start('nope');
  const error = errorOf(first);
  assert.equal(error.code, 'bridge_error');
  assert.equal(error.message, 'unknown flow ID "nope"');
  assert.equal(error.details?.error, 'Internal error starting login');
  // The process stays failed and harmless.
  assert.deepEqual(await process.submit({}), first);
  await process.cancel();
});

test('410 LOGIN_CANCELLED (cancelled by someone else) → failed `cancelled`', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  await raw(fake, 'POST', `/v3/login/cancel/${processID}`);
  const error = errorOf(await waiting);
  assert.equal(error.code, 'cancelled');
  assert.equal(error.details?.errcode, 'FI.MAU.BRIDGE.LOGIN_CANCELLED');
});

test('the bridge 30-minute deadline during a wait → login_timed_out', async (t) => {
  const { fake, clock, start } = await setupBridgev2(t);
  const { process, processID } = await start('qr');
  const waiting = process.wait(new AbortController().signal);
  await fake.waitForPoll(processID);
  clock.advance(30 * 60_000);
  const error = errorOf(await waiting);
  assert.equal(error.code, 'login_timed_out');
});

test('404 Login not found on a live process (bridge restarted) → login_timed_out', async (t) => {
  const { fake, start } = await setupBridgev2(t);
  const { process } = await start('password');
  await fake.down();
  await fake.up();
  const error = errorOf(await process.submit({ username: 'a', password: 'b' }));
  assert.equal(error.code, 'login_timed_out');
  assert.deepEqual(error.details, { status: 404, errcode: 'M_NOT_FOUND', error: 'Login not found' });
});

test('a webauthn step → webauthn_unsupported, and the process is cancelled on the bridge', async (t) => {
  const { fake, start } = await setupBridgev2(t, { extraFlows: true });
  const { first, processID } = await start('webauthn');
  assert.equal(errorOf(first).code, 'webauthn_unsupported');
  assert.deepEqual(fake.processIDs(), []);
  assert.ok(fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`));

  const strict = await setupBridgev2(t, { extraFlows: true, failOnWebauthn: true });
  const refused = await strict.start('webauthn');
  const error = errorOf(refused.first);
  assert.equal(error.code, 'webauthn_unsupported');
  assert.equal(error.details?.errcode, 'COM.BEEPER.WEBAUTHN_UNSUPPORTED');
});

test('a required cookie readable only from a request body → unsupported_cookie_source, cancelled on the bridge', async (t) => {
  const { fake, start } = await setupBridgev2(t, { extraFlows: true });
  const { first, processID } = await start('request-body-cookie');
  const error = errorOf(first);
  assert.equal(error.code, 'unsupported_cookie_source');
  assert.match(error.message, /"token".*request_body/);
  assert.ok(fake.requests.some((r) => r.path === `/v3/login/cancel/${processID}`));
  assert.deepEqual(fake.processIDs(), []);
});

test('bridge down: start, flows, logins and capabilities throw BridgeUnavailableError; health says why', async (t) => {
  const { fake, bridge, start } = await setupBridgev2(t);
  await fake.down();
  await assert.rejects(start('password'), BridgeUnavailableError);
  await assert.rejects(bridge.flows(), BridgeUnavailableError);
  await assert.rejects(bridge.liveLogins(), BridgeUnavailableError);
  await assert.rejects(bridge.capabilities(), BridgeUnavailableError);
  const health = await bridge.health();
  assert.equal(health.reachable, false);
  assert.match(health.statusText ?? '', /ECONNREFUSED/);
});

test('a hung bridge: the start times out on the clock → BridgeUnavailableError', async (t) => {
  const { fake, clock, start } = await setupBridgev2(t);
  fake.hang();
  const starting = start('password');
  await eventually(() => fake.requests.length === 1, 'the first request');
  clock.advance(10_000);
  await assert.rejects(starting, (error: unknown) => {
    assert.ok(error instanceof BridgeUnavailableError);
    assert.match(error.message, /GET \/v3\/logins: timed out after 10000 ms/);
    return true;
  });
});

test('wrong shared secret: health explains, the start is bridge_unavailable, logged once, the secret appears nowhere', async (t) => {
  const { fake, logs } = await setupBridgev2(t);
  const wrong = await setupBridgev2(t, {
    config: { provisioning: { url: fake.url, sharedSecret: 'not-the-secret-at-all', userID: fake.userID } },
  });
  const health = await wrong.bridge.health();
  assert.equal(health.reachable, false);
  assert.match(health.statusText ?? '', /M_UNKNOWN_TOKEN/);
  // A config problem, like an unreachable bridge: 503 at create, never a failed login.
  const refused = await wrong.bridge.startLogin({ flowID: 'password', signal: new AbortController().signal }).then(
    () => assert.fail('the start should be refused'),
    (error: Error) => error,
  );
  assert.equal(refused.name, 'BridgeUnavailableError');
  assert.match(refused.message, /refused the provisioning credentials \(M_UNKNOWN_TOKEN/);
  await wrong.bridge.health();
  const stateLines = wrong.logs.filter((l) => l.msg.startsWith('bridgev2: the bridge'));
  assert.deepEqual(
    stateLines.map((l) => l.msg),
    ["bridgev2: the bridge refused this server's provisioning credentials (check sharedSecret and the user's permission)"],
  );
  const everything = JSON.stringify([health, refused.message, logs, wrong.logs]);
  assert.ok(!everything.includes('not-the-secret-at-all'));
  assert.ok(!everything.includes(fake.sharedSecret));
});
