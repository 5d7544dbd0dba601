/**
 * @module test/support/isolation-sweep
 * The isolation sweep of api.md §10, for any bridge: the owner and two people each hold a login,
 * an account and live sessions on it; every route of /v1/openapi.json is called by each principal
 * with each other principal's IDs, and must answer exactly as for IDs that do not exist, never
 * show the other's data, and change nothing. Used on the demo bridge (npm test) and on the real
 * mautrix test bridge (npm run test:bridges).
 */
import assert from 'node:assert/strict';

/** One answer of the API. */
export interface Answer {
  status: number;
  body: any;
  text: string;
}

/** Calls the server's API; `headers.authorization` names the caller. */
export type Request = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** What a principal holds on the swept bridge. */
export interface Holdings {
  /** `owner`, `alice`, …: also the prefix of their chat user names, which no one else may see. */
  name: string;
  token: string;
  loginID: string;
  accountID: string;
  /** A waiting QR session, and its step. */
  loginSessionID: string;
  stepID: string;
  /** A finished password session answered with the Idempotency-Key {@link KEY}: its step and that answer. */
  keyedSessionID: string;
  keyedStepID: string;
  keyedAnswer: any;
}

/** The Idempotency-Key every principal uses, and every sweep call sends. */
export const KEY = 'the-same-key';

/** The API as `p`. */
export function as(request: Request, p: { token: string }): Request {
  return (method, path, body, headers = {}) => request(method, path, body, { authorization: `Bearer ${p.token}`, ...headers });
}

/** Signs `userID` in with an OpenID token its homeserver issued; resolves with this server's token. */
export async function signIn(request: Request, openIDToken: string, matrixServerName: string): Promise<string> {
  const res = await request('POST', '/v1/auth/matrix', { accessToken: openIDToken, matrixServerName }, { authorization: '' });
  assert.equal(res.status, 200, res.text);
  return res.body.accessToken;
}

/** Answers the session's current step with `fields`; resolves with the session after it. */
async function answer(call: Request, bridgeID: string, session: any, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const step = session.currentStep;
  const path = `/v1/bridges/${bridgeID}/login-sessions/${session.loginSessionID}/steps/${encodeURIComponent(step.stepID)}`;
  return call('POST', path, { type: step.type, fields }, headers);
}

/**
 * As `name` with `token`, on `bridgeID`: a password login (chat user `<name>-chat`), a QR session
 * left waiting, and a second password login answered with the Idempotency-Key {@link KEY}.
 */
export async function hold(request: Request, bridgeID: string, name: string, token: string): Promise<Holdings> {
  const call = as(request, { token });
  const start = async (flowID: string): Promise<any> => {
    const created = await call('POST', `/v1/bridges/${bridgeID}/login-sessions`, { flowID });
    assert.equal(created.status, 200, created.text);
    return created.body;
  };
  const done = await answer(call, bridgeID, await start('password'), { username: `${name}-chat`, password: 'pw' });
  assert.equal(done.body.status, 'complete', done.text);
  const qr = await start('qr');
  assert.equal(qr.status, 'waiting_for_display', JSON.stringify(qr));
  const keyed = await start('password');
  const answered = await answer(call, bridgeID, keyed, { username: `${name}-keyed`, password: 'pw' }, { 'idempotency-key': KEY });
  assert.equal(answered.body.status, 'complete', answered.text);
  return {
    name,
    token,
    loginID: done.body.login?.loginID ?? done.body.loginID,
    accountID: done.body.accountID,
    loginSessionID: qr.loginSessionID,
    stepID: qr.currentStep.stepID,
    keyedSessionID: keyed.loginSessionID,
    keyedStepID: keyed.currentStep.stepID,
    keyedAnswer: answered.body,
  };
}

/** The same IDs with their last character changed: well-formed, but nobody's. */
function madeUp(p: Holdings): Holdings {
  const change = (id: string): string => id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
  return { ...p, loginID: change(p.loginID), accountID: change(p.accountID), loginSessionID: change(p.loginSessionID), keyedSessionID: change(p.keyedSessionID) };
}

function fill(path: string, bridgeID: string, ids: Holdings): string {
  return path
    .replace('{bridgeID}', bridgeID)
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

/** What a sweep did: routes swept, calls compared, and every leak found (none, when isolated). */
export interface SweepResult {
  routes: number;
  calls: number;
  leaks: string[];
}

/**
 * Every route of /v1/openapi.json except the owner-only, sign-in and info ones, called by each
 * principal with each other's IDs and with made-up IDs: the two answers must be the same once the
 * IDs are masked, 404 where the path names a session, login or account, and free of the other's
 * chat user names. Each call sends the Idempotency-Key the others used.
 */
export async function sweep(request: Request, bridgeID: string, principals: readonly Holdings[]): Promise<SweepResult> {
  const doc = (await request('GET', '/v1/openapi.json')).body;
  const result: SweepResult = { routes: 0, calls: 0, leaks: [] };
  const masked = (text: string, ids: Holdings): string => [ids.loginID, ids.accountID, ids.loginSessionID].reduce((t, id) => t.split(id).join('<id>'), text);
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    if (!path.startsWith('/v1/') || path === '/v1/info' || path.startsWith('/v1/users') || path.startsWith('/v1/auth')) continue;
    for (const method of Object.keys(ops)) {
      result.routes++;
      for (const caller of principals) {
        const call = as(request, caller);
        for (const victim of principals) {
          if (caller === victim) continue;
          const nobody = madeUp(victim);
          const headers = { 'idempotency-key': KEY, 'x-stainless-timeout': '0.01' };
          const theirs = await call(method.toUpperCase(), fill(path, bridgeID, victim), bodyFor(path, method, victim), headers);
          const none = await call(method.toUpperCase(), fill(path, bridgeID, nobody), bodyFor(path, method, nobody), headers);
          result.calls++;
          const where = `${caller.name} → ${method.toUpperCase()} ${path} with ${victim.name}'s IDs`;
          assert.equal(theirs.status, none.status, `${where}: ${theirs.text} vs ${none.text}`);
          assert.equal(theirs.body?.code, none.body?.code, where);
          if (/\{(accountID|loginID|loginSessionID)\}/.test(path)) assert.equal(theirs.status, 404, where);
          // Indistinguishable from nobody's: the same answer once the IDs the caller sent are masked,
          // and nothing else of the other principal's (their chat user names) anywhere.
          if (masked(theirs.text, victim) !== masked(none.text, nobody)) result.leaks.push(`${where}: ${theirs.text} differs from ${none.text}`);
          if (masked(theirs.text, victim).includes(`${victim.name}-`)) result.leaks.push(`${where}: shows ${victim.name}'s data`);
        }
      }
    }
  }
  return result;
}

/** After a sweep: every principal still has their account, login and waiting session, and sees no one else's. */
export async function assertUnchanged(request: Request, bridgeID: string, principals: readonly Holdings[]): Promise<void> {
  for (const p of principals) {
    const call = as(request, p);
    const mine = (await call('GET', '/v1/accounts')).body.map((a: any) => a.accountID);
    assert.ok(mine.includes(p.accountID), `${p.name} lost their account`);
    for (const other of principals) if (other !== p) assert.ok(!mine.includes(other.accountID), `${p.name} sees ${other.name}'s account`);
    const session = await call('GET', `/v1/bridges/${bridgeID}/login-sessions/${p.loginSessionID}`);
    assert.equal(session.body.status, 'waiting_for_display', `${p.name}'s waiting session was changed: ${session.text}`);
    const logins = await call('GET', `/v1/bridges/${bridgeID}/logins`);
    assert.deepEqual(logins.body.items.map((l: any) => l.loginID).filter((id: string) => principals.some((o) => o.loginID === id)), [p.loginID]);
  }
}

/** `second` reusing `first`'s Idempotency-Key gets their own earlier answer again, and on `first`'s session a 404. */
export async function assertKeyPerPerson(request: Request, bridgeID: string, first: Holdings, second: Holdings): Promise<void> {
  const call = as(request, second);
  const stepPath = (p: Holdings): string => `/v1/bridges/${bridgeID}/login-sessions/${p.keyedSessionID}/steps/${encodeURIComponent(p.keyedStepID)}`;
  const body = { type: 'user_input', fields: { username: 'x', password: 'y' } };
  const again = await call('POST', stepPath(second), body, { 'idempotency-key': KEY });
  assert.equal(again.body.loginSessionID, second.keyedSessionID);
  assert.deepEqual(again.body, second.keyedAnswer, 'the replay is their own first answer');
  const onFirsts = await call('POST', stepPath(first), body, { 'idempotency-key': KEY });
  assert.equal(onFirsts.status, 404);
  assert.ok(!onFirsts.text.includes(`${first.name}-keyed`));
}
