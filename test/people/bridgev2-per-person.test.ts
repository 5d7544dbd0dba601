/**
 * api.md §10: a bridgev2 bridge is driven as the person, not as the configured user: every
 * provisioning request made for them carries their own MXID as `user_id`, and each sees only
 * their logins there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupBridgev2 } from '../support/bridgev2-setup.ts';

test('requests made for a person carry their MXID as user_id; the owner keeps the configured user', async (t) => {
  const setup = await setupBridgev2(t);
  const { bridge, fake } = setup;
  const bob = '@bob:example.com';
  await bridge.startLogin({ flowID: 'password', actingUserID: bob, signal: new AbortController().signal });
  const forBob = fake.requests.map((r) => r.query.user_id);
  assert.ok(forBob.length >= 2, 'the start asked the bridge');
  assert.deepEqual(new Set(forBob), new Set([bob]));

  fake.requests.length = 0;
  await bridge.liveLogins(bob);
  await bridge.liveLogins();
  assert.deepEqual(fake.requests.map((r) => r.query.user_id), [bob, fake.userID]);

  fake.requests.length = 0;
  await setup.start('password');
  assert.deepEqual(new Set(fake.requests.map((r) => r.query.user_id)), new Set([fake.userID]));
});
