/**
 * The isolation sweep (api.md §10) on the demo bridge: the owner and two people each hold a
 * login, an account and live sessions; every route of /v1/openapi.json is called by each
 * principal with each other principal's IDs (test/support/isolation-sweep.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';
import { assertKeyPerPerson, assertUnchanged, hold, signIn, sweep, type Holdings, type Request } from '../support/isolation-sweep.ts';

let s: TestServer;
let hs: FakeHomeserver;
const principals: Holdings[] = [];
const request: Request = (method, path, body, headers) => s.api(method, path, body, headers);

before(async () => {
  hs = await startFakeHomeserver({ serverName: 'example.test' });
  s = await startTestServer({
    configure: (c) => {
      c.matrix = { allowedUsers: ['@*:example.test'], homeservers: { 'example.test': hs.baseURL } };
    },
  });
  const person = (localpart: string) => signIn(request, hs.issueOpenID(`@${localpart}:example.test`), 'example.test');
  principals.push(
    await hold(request, 'demo', 'owner', s.token),
    await hold(request, 'demo', 'alice', await person('alice')),
    await hold(request, 'demo', 'bob', await person('bob')),
  );
});
after(async () => {
  await s?.close();
  await hs?.close();
});

test('isolation sweep: every route, each principal on the others\' IDs, answers as for IDs that do not exist', async () => {
  const { routes, calls, leaks } = await sweep(request, 'demo', principals);
  assert.deepEqual(leaks, []);
  assert.ok(routes >= 13, `only ${routes} routes swept`);
  console.log(`# isolation sweep: ${routes} routes × ${principals.length} principals × ${principals.length - 1} others = ${calls} calls, 0 leaks`);
});

test('after the sweep every principal still has exactly their own, unchanged', async () => {
  await assertUnchanged(request, 'demo', principals);
});

test('an Idempotency-Key reused by another person never returns the first person\'s answer', async () => {
  const [, alice, bob] = principals as [Holdings, Holdings, Holdings];
  await assertKeyPerPerson(request, 'demo', alice, bob);
  assert.equal(bob.keyedAnswer.account.user.username, 'bob-keyed');
});
