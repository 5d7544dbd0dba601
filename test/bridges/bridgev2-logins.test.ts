// Logins as the bridge reports them (whoami states → login status), logout, capabilities and
// the cached health check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BridgeUnavailableError, UnknownLoginError } from '../../src/bridges/types.ts';
import { setupBridgev2 } from '../support/bridgev2-setup.ts';

test('whoami states map to login statuses (protocol notes §8)', async (t) => {
  const { fake, bridge } = await setupBridgev2(t);
  const cases: [string, Record<string, unknown>, string, string?][] = [
    ['connected', { state_event: 'CONNECTED' }, 'connected'],
    ['backfilling', { state_event: 'BACKFILLING' }, 'connected'],
    ['connecting', { state_event: 'CONNECTING' }, 'connecting'],
    ['transient', { state_event: 'TRANSIENT_DISCONNECT', error: 'wa-timeout' }, 'connecting', 'wa-timeout'],
    ['fresh', { state_event: '' }, 'connecting'],
    ['badcreds', { state_event: 'BAD_CREDENTIALS', message: 'Logged out from phone' }, 'needs_login', 'Logged out from phone'],
    ['relogin', { state_event: 'UNKNOWN_ERROR', user_action: 'RELOGIN' }, 'needs_login'],
    ['loggedout', { state_event: 'LOGGED_OUT', reason: 'LOGIN_OVERRIDDEN' }, 'logged_out', 'LOGIN_OVERRIDDEN'],
    ['unknownerr', { state_event: 'UNKNOWN_ERROR', message: 'boom' }, 'unknown', 'boom'],
    ['native', { state_event: 'CONNECTED', user_action: 'OPEN_NATIVE' }, 'unknown'],
    ['restart', { state_event: 'CONNECTING', user_action: 'RESTART' }, 'unknown'],
    ['strange', { state_event: 'SOMETHING_NEW' }, 'unknown'],
  ];
  for (const [id, state] of cases) {
    fake.addLogin({ id, state: { state_event: '', timestamp: 1_755_000_000, ttl: 21600, ...state } });
  }
  const logins = (await bridge.liveLogins()) ?? [];
  assert.equal(logins.length, cases.length);
  for (const [id, , status, statusText] of cases) {
    const login = logins.find((l) => l.loginID === id);
    assert.equal(login?.status, status, id);
    assert.equal(login?.statusText, statusText, id);
  }
});

test('whoami profile → User', async (t) => {
  const { fake, bridge } = await setupBridgev2(t);
  fake.addLogin({
    id: '+15550001',
    name: 'Remote name',
    profile: { phone: '+15550001', email: 'a@example.com', username: 'alice', name: 'Alice A.', avatar: 'mxc://x/y' },
  });
  fake.addLogin({ id: 'bare', name: 'Only a name', profile: {} });
  const logins = await bridge.liveLogins();
  assert.deepEqual(
    logins?.map((l) => l.user),
    [
      { id: '+15550001', fullName: 'Alice A.', phoneNumber: '+15550001', email: 'a@example.com', username: 'alice' },
      { id: 'bare', fullName: 'Only a name' },
    ],
  );
});

test('logout removes the login on the bridge; an unknown login → UnknownLoginError', async (t) => {
  const { fake, bridge } = await setupBridgev2(t);
  fake.addLogin({ id: 'x' });
  await bridge.logout('x', 'all-devices');
  assert.deepEqual(fake.loginIDs(), []);
  assert.ok(fake.requests.some((r) => r.method === 'POST' && r.path === '/v3/logout/x'));
  await assert.rejects(bridge.logout('x', 'all-devices'), UnknownLoginError);
  await fake.down();
  await assert.rejects(bridge.logout('x', 'all-devices'), BridgeUnavailableError);
});

test('login ids with reserved characters are path-encoded', async (t) => {
  const { fake, bridge } = await setupBridgev2(t);
  fake.addLogin({ id: 'a/b c' });
  await bridge.logout('a/b c', 'all-devices');
  assert.deepEqual(fake.loginIDs(), []);
});

test('capabilities: null group_creation becomes {}, missing flags become false', async (t) => {
  const { bridge } = await setupBridgev2(t);
  assert.deepEqual(await bridge.capabilities(), {
    group_creation: {},
    resolve_identifier: {
      any_phone: false,
      contact_list: false,
      create_dm: false,
      lookup_email: false,
      lookup_phone: false,
      lookup_username: false,
      search: false,
    },
  });
  const custom = await setupBridgev2(t, {
    capabilities: {
      resolve_identifier: { create_dm: true, lookup_phone: true },
      group_creation: { group: { type_description: 'a group' } },
      image_pack_import: true,
    },
  });
  const caps = await custom.bridge.capabilities();
  assert.deepEqual(caps.group_creation, { group: { type_description: 'a group' } });
  assert.equal(caps.resolve_identifier.create_dm, true);
  assert.equal(caps.resolve_identifier.search, false);
  assert.equal(caps.image_pack_import, true);
});

test('health is cached for a few seconds of the clock and notices a bridge going down', async (t) => {
  const { fake, clock, bridge } = await setupBridgev2(t);
  assert.deepEqual(await bridge.health(), { reachable: true });
  assert.deepEqual(await bridge.health(), { reachable: true });
  assert.equal(fake.requests.length, 1);
  await fake.down();
  assert.deepEqual(await bridge.health(), { reachable: true }); // still cached
  clock.advance(5_000);
  const health = await bridge.health();
  assert.equal(health.reachable, false);
  await fake.up();
  clock.advance(5_000);
  assert.deepEqual(await bridge.health(), { reachable: true });
});
