/**
 * A crash loses nothing that was confirmed: the server process is killed with SIGKILL in the
 * middle of its work, and after a restart on the same data directory every completed login
 * and account is there, every unfinished session reads as a valid session, and logins work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import path from 'node:path';
import { tempDir } from '../support/server.ts';
import { client, startChildServer } from '../support/child-server.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const STATUSES = ['waiting_for_input', 'waiting_for_cookies', 'waiting_for_display', 'complete', 'cancelled', 'failed'];

/** Run `fn` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)))));
  return out;
}

/** A session as the contract shapes it, and as a restarted server may show an interrupted one. */
function assertValidSession(s: any, id: string): void {
  assert.equal(s.loginSessionID, id);
  assert.equal(s.bridgeID, 'demo');
  assert.ok(STATUSES.includes(s.status), s.status);
  for (const k of ['createdAt', 'updatedAt', 'expiresAt']) assert.match(s[k], ISO, k);
  if (s.status === 'failed') {
    assert.equal(s.error.code, 'session_interrupted');
    assert.equal(typeof s.error.message, 'string');
    assert.equal(s.currentStep, undefined);
  } else {
    // Resumed: still waiting on a step of the matching type.
    assert.match(s.status, /^waiting_for_/);
    assert.ok(s.currentStep?.stepID);
  }
}

test('after SIGKILL and a restart, 50 completed logins and their accounts are all there, 50 unfinished sessions read as valid sessions, and logins work', async () => {
  const { dir, remove } = tempDir();
  try {
    const first = await startChildServer(dir);
    const api = client(first.url, first.token);

    // 50 completed logins.
    const completed = await inBatches([...Array(50).keys()], 10, async (i) => {
      const c = await api('POST', '/v1/bridges/demo/login-sessions', {});
      const done = await api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: `crash-user-${i}`, password: `pw-${i}` } });
      assert.equal(done.body.status, 'complete');
      return done.body;
    });
    // 50 unfinished ones: most half way through a 2FA login, the rest waiting on their first step.
    const flows = ['password-2fa', 'password-2fa', 'password-2fa', 'password', 'qr', 'code', 'cookies'];
    const unfinished = await inBatches([...Array(50).keys()], 10, async (i) => {
      const flowID = flows[i % flows.length]!;
      const c = await api('POST', '/v1/bridges/demo/login-sessions', { flowID });
      assert.equal(c.status, 200);
      if (flowID === 'password-2fa') {
        const half = await api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: `half-${i}`, password: 'pw' } });
        assert.equal(half.body.currentStep.stepID, 'demo.2fa');
      }
      return c.body.loginSessionID as string;
    });
    // And work still arriving when the process dies.
    const inFlight = [...Array(20).keys()].map((i) =>
      api('POST', '/v1/bridges/demo/login-sessions', {}).then(
        (c) => api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: `late-${i}`, password: 'pw' } }),
        () => undefined,
      ),
    );
    await first.stop('SIGKILL');
    await Promise.allSettled(inFlight);
    assert.equal(first.child.signalCode, 'SIGKILL');

    const second = await startChildServer(dir);
    try {
      assert.equal(second.token, first.token);
      const api2 = client(second.url, second.token);
      // Every completed login and its account, exactly as confirmed before the crash.
      const accounts = (await api2('GET', '/v1/accounts')).body as any[];
      const byID = new Map(accounts.map((a) => [a.accountID, a]));
      for (const done of completed) {
        assert.deepEqual(byID.get(done.accountID), done.account, done.accountID);
        const login = await api2('GET', `/v1/bridges/demo/logins/${done.loginID}`);
        assert.equal(login.status, 200);
        assert.deepEqual(login.body, done.login);
        const session = await api2('GET', `/v1/bridges/demo/login-sessions/${done.loginSessionID}`);
        assert.equal(session.body.status, 'complete');
        assert.deepEqual(session.body.account, done.account);
      }
      const logins = (await api2('GET', '/v1/bridges/demo/logins')).body.items as any[];
      for (const done of completed) assert.ok(logins.some((l) => l.loginID === done.loginID));
      // Every unfinished session answers 200 with a valid session: never a 500, never a 404.
      let interrupted = 0;
      for (const id of unfinished) {
        const r = await api2('GET', `/v1/bridges/demo/login-sessions/${id}`);
        assert.equal(r.status, 200, `${id}: ${r.text}`);
        assertValidSession(r.body, id);
        if (r.body.status === 'failed') interrupted++;
        // Submitting to it is answered in the contract too (410 once it failed).
        const submit = await api2('POST', `/v1/bridges/demo/login-sessions/${id}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
        assert.ok(submit.status < 500, submit.text);
      }
      assert.equal(interrupted, 50, 'the demo bridge cannot resume a login, so all 50 read session_interrupted');
      // New logins work, the two-step one included.
      const c = await api2('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' });
      await api2('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, { type: 'user_input', fields: { username: 'after-crash', password: 'pw' } });
      const done = await api2('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
      assert.equal(done.body.status, 'complete');
      assert.equal((await api2('GET', '/v1/accounts')).body.length, accounts.length + 1);
    } finally {
      await second.stop('SIGTERM');
    }
    // The file itself survived the crash intact.
    const db = new Database(path.join(dir, 'bridge-login.sqlite'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    assert.match(second.output(), /listening on/);
    assert.doesNotMatch(second.output(), /"level":[56]0/, 'no error or fatal log line after the restart');
  } finally {
    remove();
  }
});
