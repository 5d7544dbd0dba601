// The provisioning HTTP client: auth and user_id on every call, typed errors naming the call,
// timeouts on the injected clock, abort, and no shared secret in any message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { ProvisioningClient } from '../../src/bridges/bridgev2/client.ts';
import {
  ProvisioningError,
  ProvisioningHTTPError,
  ProvisioningNetworkError,
  ProvisioningTimeoutError,
} from '../../src/bridges/bridgev2/errors.ts';
import { startFakeBridgev2 } from '../support/fake-bridgev2.ts';
import { eventually } from '../support/eventually.ts';

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const clock = new ManualClock();
  const fake = await startFakeBridgev2({ clock });
  t.after(() => fake.close());
  const client = new ProvisioningClient({ baseURL: `${fake.url}/`, sharedSecret: fake.sharedSecret, userID: fake.userID, clock });
  return { clock, fake, client };
}

test('every call sends the Bearer secret and user_id; a trailing slash on the base URL is fine', async (t) => {
  const { fake, client } = await setup(t);
  const seen: { authorization: string | null; url: string }[] = [];
  const spying = new ProvisioningClient({
    baseURL: fake.url,
    sharedSecret: fake.sharedSecret,
    userID: fake.userID,
    fetch: (input, init) => {
      seen.push({ authorization: new Headers(init?.headers).get('authorization'), url: String(input) });
      return fetch(input, init);
    },
  });
  assert.deepEqual(await spying.logins(), { login_ids: [] });
  assert.equal(seen[0]?.authorization, `Bearer ${fake.sharedSecret}`);
  assert.equal(new URL(seen[0]?.url ?? '').searchParams.get('user_id'), fake.userID);
  assert.equal((await client.flows()).flows?.length, 5);
});

test('HTTP errors carry status, errcode, error, internal error and the other keys; the message names the call', async (t) => {
  const { client } = await setup(t);
  const env = await client.startLogin('password');
  const error = await client
    .submitStep(env.login_id, env.step_id, 'user_input', { txnID: env.txn_id, body: { username: 'a', password: 'incorrectpassword' } })
    .catch((e: unknown) => e);
  assert.ok(error instanceof ProvisioningHTTPError);
  assert.ok(error instanceof ProvisioningError);
  assert.equal(error.status, 500);
  assert.equal(error.errcode, 'M_UNKNOWN');
  assert.equal(error.error, 'Internal error in login step');
  assert.equal(error.internalError, 'incorrect password');
  assert.deepEqual(error.extra, {});
  assert.equal(error.call, `POST /v3/login/step/${env.login_id}/com.beeper.dummy.password/user_input`);
  assert.match(error.message, /^POST \/v3\/login\/step\/.+: HTTP 500 M_UNKNOWN Internal error in login step$/);
});

test('connection refused → ProvisioningNetworkError without the secret in its message', async (t) => {
  const { fake, client } = await setup(t);
  await fake.down();
  const error = await client.whoami().catch((e: unknown) => e);
  assert.ok(error instanceof ProvisioningNetworkError);
  assert.match(error.message, /^GET \/v3\/whoami: network error \(ECONNREFUSED\)$/);
  assert.ok(!error.message.includes(fake.sharedSecret));
});

test('no answer → ProvisioningTimeoutError when the clock passes the timeout; 0 disables it', async (t) => {
  const { fake, clock, client } = await setup(t);
  fake.hang();
  const pending = client.whoami().catch((e: unknown) => e);
  const unlimited = client.logins({ timeoutMs: 0 }).catch((e: unknown) => e);
  await eventually(() => fake.requests.length === 2, 'both requests');
  clock.advance(9_999);
  clock.advance(1);
  const error = await pending;
  assert.ok(error instanceof ProvisioningTimeoutError);
  assert.equal(error.timeoutMs, 10_000);
  assert.equal(error.message, 'GET /v3/whoami: timed out after 10000 ms');
  clock.advance(3_600_000);
  assert.equal(clock.pendingTimers, 0);
  await fake.down();
  assert.ok((await unlimited) instanceof ProvisioningNetworkError);
});

test('an aborted call rejects with the signal reason, not a provisioning error', async (t) => {
  const { fake, client } = await setup(t);
  fake.hang();
  const controller = new AbortController();
  const pending = client.whoami({ signal: controller.signal });
  await eventually(() => fake.requests.length === 1, 'the request');
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await assert.rejects(client.whoami({ signal: controller.signal }), { name: 'AbortError' });
});

test('a 200 answer that is not a JSON object is a ProvisioningError', async () => {
  const client = new ProvisioningClient({
    baseURL: 'http://127.0.0.1:1/_matrix/provision',
    sharedSecret: 'x'.repeat(32),
    userID: '@a:b',
    fetch: async () => new Response('<html>proxy</html>', { status: 200 }),
  });
  const error = await client.whoami().catch((e: unknown) => e);
  assert.ok(error instanceof ProvisioningError);
  assert.match(error.message, /GET \/v3\/whoami: HTTP 200 with a body that is not a JSON object/);
});

test('an answer larger than the cap fails the call instead of filling memory', async () => {
  const { MAX_ANSWER_BYTES } = await import('../../src/bridges/bridgev2/client.ts');
  const { createServer } = await import('node:http');
  const huge = Buffer.alloc(MAX_ANSWER_BYTES + 1024, 0x20);
  for (const declared of [true, false]) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...(declared ? { 'content-length': String(huge.length) } : {}) });
      res.end(huge);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const client = new ProvisioningClient({ baseURL: `http://127.0.0.1:${port}/_matrix/provision`, sharedSecret: 's'.repeat(20), userID: '@me:example.org' });
    const error = await client.logins().catch((e: unknown) => e);
    assert.ok(error instanceof ProvisioningError, `declared=${declared}`);
    assert.match((error as Error).message, /larger than/);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
