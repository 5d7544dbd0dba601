/**
 * The isolation sweep (api.md §10): the owner and two people each hold a login, an account and
 * live sessions; every route of /v1/openapi.json is called by each principal with each other
 * principal's IDs. Every such call must answer exactly as for an ID that does not exist, never
 * show the other's IDs, and change nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type Reply, type TestServer } from '../support/server.ts';
import { startFakeHomeserver, type FakeHomeserver } from '../support/fake-homeserver.ts';

interface Holdings {
  name: string;
  token: string;
  loginID: string;
  accountID: string;
  /** A waiting QR session, and its step. */
  loginSessionID: string;
  stepID: string;
  /** A finished session answered with an Idempotency-Key. */
  keyedSessionID: string;
}

let s: TestServer;
let hs: FakeHomeserver;
const principals: Holdings[] = [];
const as = (p: Holdings, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  s.api(method, path, body, { authorization: `Bearer ${p.token}`, ...headers });

async function signIn(localpart: string): Promise<string> {
  const openid = hs.issueOpenID(`@${localpart}:example.test`);
  const res = await s.api('POST', '/v1/auth/matrix', { accessToken: openid, matrixServerName: 'example.test' }, { authorization: '' });
  assert.equal(res.status, 200, res.text);
  return res.body.accessToken;
}

async function hold(name: string, token: string): Promise<Holdings> {
  const p = { name, token } as Holdings;
  const created = await as(p, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  const done = await as(p, 'POST', `/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: `${name}-chat`, password: 'pw' } });
  assert.equal(done.body.status, 'complete', done.text);
  p.loginID = done.body.login.loginID;
  p.accountID = done.body.accountID;
  const qr = await as(p, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  p.loginSessionID = qr.body.loginSessionID;
  p.stepID = qr.body.currentStep.stepID;
  const keyed = await as(p, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  p.keyedSessionID = keyed.body.loginSessionID;
  const answered = await as(p, 'POST', `/v1/bridges/demo/login-sessions/${p.keyedSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: `${name}-keyed`, password: 'pw' } }, { 'idempotency-key': 'the-same-key' });
  assert.equal(answered.body.status, 'complete');
  return p;
}

before(async () => {
  hs = await startFakeHomeserver({ serverName: 'example.test' });
  s = await startTestServer({
    configure: (c) => {
      c.matrix = { allowedUsers: ['@*:example.test'], homeservers: { 'example.test': hs.baseURL } };
    },
  });
  principals.push(await hold('owner', s.token), await hold('alice', await signIn('alice')), await hold('bob', await signIn('bob')));
});
after(async () => {
  await s?.close();
  await hs?.close();
});

/** The same IDs with their last character changed: well-formed, but nobody's. */
function madeUp(p: Holdings): Holdings {
  const change = (id: string): string => id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
  return { ...p, loginID: change(p.loginID), accountID: change(p.accountID), loginSessionID: change(p.loginSessionID), keyedSessionID: change(p.keyedSessionID) };
}

function fill(path: string, ids: Holdings): string {
  return path
    .replace('{bridgeID}', 'demo')
    .replace('{accountID}', encodeURIComponent(ids.accountID))
    .replace('{loginID}', encodeURIComponent(ids.loginID))
    .replace('{loginSessionID}', encodeURIComponent(ids.loginSessionID))
    .replace('{stepID}', encodeURIComponent(ids.stepID));
}

function bodyFor(path: string, method: string, ids: Holdings): unknown {
  if (method !== 'post') return undefined;
  if (path.endsWith('/login-sessions')) return { loginID: ids.loginID };
  if (path.endsWith('/remove')) return { scope: 'current-device' };
  if (path.includes('/steps/')) return { type: 'display_and_wait' };
  return {};
}

test('isolation sweep: every route, each principal on the others\' IDs, answers as for IDs that do not exist', async () => {
  const doc = (await s.api('GET', '/v1/openapi.json')).body;
  let calls = 0;
  let routes = 0;
  const leaks: string[] = [];
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    if (!path.startsWith('/v1/') || path === '/v1/info' || path.startsWith('/v1/users') || path.startsWith('/v1/auth')) continue;
    for (const method of Object.keys(ops)) {
      routes++;
      for (const caller of principals) {
        for (const victim of principals) {
          if (caller === victim) continue;
          const nobody = madeUp(victim);
          const headers = { 'idempotency-key': 'the-same-key', 'x-stainless-timeout': '0.01' };
          const theirs = await as(caller, method.toUpperCase(), fill(path, victim), bodyFor(path, method, victim), headers);
          const none = await as(caller, method.toUpperCase(), fill(path, nobody), bodyFor(path, method, nobody), headers);
          calls++;
          const where = `${caller.name} → ${method.toUpperCase()} ${path} with ${victim.name}'s IDs`;
          assert.equal(theirs.status, none.status, `${where}: ${theirs.text} vs ${none.text}`);
          assert.equal(theirs.body?.code, none.body?.code, where);
          if (/\{(accountID|loginID|loginSessionID)\}/.test(path)) assert.equal(theirs.status, 404, where);
          // Indistinguishable from nobody's: the same answer once the IDs the caller sent are masked,
          // and nothing else of the other principal's (their chat user names) anywhere.
          const masked = (text: string, ids: Holdings): string => [ids.loginID, ids.accountID, ids.loginSessionID].reduce((t, id) => t.split(id).join('<id>'), text);
          if (masked(theirs.text, victim) !== masked(none.text, nobody)) leaks.push(`${where}: ${theirs.text} differs from ${none.text}`);
          if (masked(theirs.text, victim).includes(`${victim.name}-`)) leaks.push(`${where}: shows ${victim.name}'s data`);
        }
      }
    }
  }
  assert.deepEqual(leaks, []);
  assert.ok(routes >= 13, `only ${routes} routes swept`);
  console.log(`# isolation sweep: ${routes} routes × ${principals.length} principals × ${principals.length - 1} others = ${calls} calls, 0 leaks`);
});

test('after the sweep every principal still has exactly their own, unchanged', async () => {
  for (const p of principals) {
    const accounts = await as(p, 'GET', '/v1/accounts');
    const mine = accounts.body.map((a: any) => a.accountID);
    assert.ok(mine.includes(p.accountID), `${p.name} lost their account`);
    for (const other of principals) if (other !== p) assert.ok(!mine.includes(other.accountID), `${p.name} sees ${other.name}'s account`);
    const session = await as(p, 'GET', `/v1/bridges/demo/login-sessions/${p.loginSessionID}`);
    assert.equal(session.body.status, 'waiting_for_display', `${p.name}'s waiting session was changed: ${session.text}`);
    const logins = await as(p, 'GET', '/v1/bridges/demo/logins');
    assert.deepEqual(logins.body.items.map((l: any) => l.loginID).filter((id: string) => principals.some((o) => o.loginID === id)), [p.loginID]);
  }
});

test('an Idempotency-Key reused by another person never returns the first person\'s answer', async () => {
  const [, alice, bob] = principals as [Holdings, Holdings, Holdings];
  const again = await as(bob, 'POST', `/v1/bridges/demo/login-sessions/${bob.keyedSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'x', password: 'y' } }, { 'idempotency-key': 'the-same-key' });
  assert.equal(again.body.loginSessionID, bob.keyedSessionID);
  assert.equal(again.body.account.user.username, 'bob-keyed');
  const onAlices = await as(bob, 'POST', `/v1/bridges/demo/login-sessions/${alice.keyedSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'x', password: 'y' } }, { 'idempotency-key': 'the-same-key' });
  assert.equal(onAlices.status, 404);
  assert.ok(!onAlices.text.includes('alice-keyed'));
});
