/**
 * The isolation sweep (api.md §10) against the real mautrix Go test bridge, newest mautrix-go:
 * the owner (acting as the bridge's `provisioning.userID`, `@me:example.org`) and two people who
 * signed in with Matrix (`@alice:example.org`, `@bob:example.org`) each connect accounts on the
 * `test` bridge. The bridge itself sees each person as their own MXID, and every `/v1` route
 * with each principal on the others' IDs answers as for IDs that do not exist
 * (test/support/isolation-sweep.ts, shared with the demo bridge's sweep).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';
import { assertKeyPerPerson, assertUnchanged, as, hold, signIn, sweep, type Holdings, type Request } from '../support/isolation-sweep.ts';
import { openEvents } from '../support/sse.ts';
import { startWorld, until, type World } from './harness.ts';

const VERSION = 'v0.33.0';
const SERVER = 'example.org';
const MXID = { owner: '@me:example.org', alice: '@alice:example.org', bob: '@bob:example.org' } as const;

describe(`people on mautrix-go ${VERSION}`, { concurrency: false }, () => {
  let w: World;
  let hs: FakeHomeserver;
  const principals: Holdings[] = [];
  const request: Request = (method, path, body, headers) => w.api(method, path, body, headers);

  before(async () => {
    hs = await startFakeHomeserver({ serverName: SERVER });
    w = await startWorld(VERSION, { config: `matrix:\n  allowedUsers: ["@*:${SERVER}"]\n  homeservers:\n    ${SERVER}: ${hs.baseURL}\n` });
    const person = (userID: string) => signIn(request, hs.issueOpenID(userID), SERVER);
    principals.push(
      await hold(request, 'test', 'owner', w.server.token),
      await hold(request, 'test', 'alice', await person(MXID.alice)),
      await hold(request, 'test', 'bob', await person(MXID.bob)),
    );
  });
  after(async () => {
    await w?.close();
    await hs?.close();
  });

  test("the bridge sees each person as their own MXID, with only their own logins", async () => {
    for (const p of principals) {
      const userID = MXID[p.name as keyof typeof MXID];
      const { status, body } = await w.provision('GET', '/v3/logins', userID);
      assert.equal(status, 200);
      assert.deepEqual([...body.login_ids].sort(), [`${p.name}-chat`, `${p.name}-keyed`], `${userID}'s logins on the bridge`);
      assert.equal(p.loginID, `${p.name}-chat`);
      // Every provisioning request made for this person carried their MXID, and the owner's the configured one.
      const lines = w.proxy.requestLines.map((l) => decodeURIComponent(l));
      assert.ok(lines.some((l) => l.includes(`user_id=${userID}`)), `no request carried user_id=${userID}`);
    }
    const users = new Set(w.proxy.requestLines.flatMap((l) => /[?&]user_id=([^&\s]+)/.exec(l)?.[1] ?? []).map((u) => decodeURIComponent(u)));
    assert.deepEqual([...users].sort(), Object.values(MXID).sort(), 'no request went out as anyone else');
  });

  test("isolation sweep: every /v1 route, each principal on the others' IDs, answers as for IDs that do not exist", async () => {
    const { routes, calls, leaks } = await sweep(request, 'test', principals);
    assert.deepEqual(leaks, []);
    assert.ok(routes >= 13, `only ${routes} routes swept`);
    console.log(`# isolation sweep on mautrix-go ${VERSION}: ${routes} routes × ${principals.length} principals × ${principals.length - 1} others = ${calls} calls, 0 leaks`);
  });

  test('after the sweep every principal still has exactly their own, unchanged, on the bridge too', async () => {
    await assertUnchanged(request, 'test', principals);
    for (const p of principals) {
      const { body } = await w.provision('GET', '/v3/logins', MXID[p.name as keyof typeof MXID]);
      assert.deepEqual([...body.login_ids].sort(), [`${p.name}-chat`, `${p.name}-keyed`]);
    }
  });

  test("an Idempotency-Key reused by another person never returns the first person's answer", async () => {
    const [owner, alice, bob] = principals as [Holdings, Holdings, Holdings];
    await assertKeyPerPerson(request, 'test', alice, bob);
    await assertKeyPerPerson(request, 'test', bob, owner);
    await assertKeyPerPerson(request, 'test', owner, alice);
  });

  test("a person's event stream carries only their own session, while another's completes", async () => {
    const [, alice, bob] = principals as [Holdings, Holdings, Holdings];
    const session = (p: Holdings, id = p.loginSessionID) => as(request, p)('GET', `/v1/bridges/test/login-sessions/${id}`);
    const stream = await openEvents(`${w.server.url}/v1/bridges/test/login-sessions/${alice.loginSessionID}/events`, alice.token);
    const theirs = await openEvents(`${w.server.url}/v1/bridges/test/login-sessions/${alice.loginSessionID}/events`, bob.token);
    try {
      assert.equal(stream.status, 200);
      assert.equal(theirs.status, 404, "bob cannot open alice's stream");
      const first = await stream.next();
      assert.equal(first.loginSessionID, alice.loginSessionID);
      // Bob's QR is scanned and his session completes while alice's stream is open...
      const bobs = (await session(bob)).body.currentStep.display.data;
      await until(async () => (await w.bridge.control('scan', { data: bobs, username: 'bob-scanned' })).status, (st) => st === 200, "bob's scan");
      await until(async () => (await session(bob)).body.status, (st) => st === 'complete', "bob's session to complete");
      // ...then alice's: everything her stream carried up to her completion is hers alone.
      const alices = (await session(alice)).body.currentStep.display.data;
      await until(async () => (await w.bridge.control('scan', { data: alices, username: 'alice-scanned' })).status, (st) => st === 200, "alice's scan");
      const seen: any[] = [first];
      while (seen.at(-1).status !== 'complete') seen.push(await stream.next(30_000));
      for (const event of seen) {
        assert.equal(event.loginSessionID, alice.loginSessionID);
        assert.ok(!JSON.stringify(event).includes('bob-'), `alice's stream shows bob's: ${JSON.stringify(event)}`);
      }
      assert.equal(seen.at(-1).loginID, 'alice-scanned');
    } finally {
      await stream.cancel();
      await theirs.cancel();
    }
  });
});
