/**
 * No web page can grow the database through the demo pages (issue 21, item 2): their forms
 * are refused when posted from another site; issued sign-in cookies are capped, the oldest
 * going first; and expired ones are deleted on a schedule, with no request needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const count = (s: TestServer): number => (s.app.db.prepare('SELECT count(*) AS n FROM demo_cookies').get() as { n: number }).n;

function signIn(s: TestServer, headers: Record<string, string> = {}, username = 'alice'): Promise<Response> {
  return fetch(`${s.baseURL}/demo/sign-in`, { method: 'POST', redirect: 'manual', headers: { ...FORM, ...headers }, body: `username=${username}&password=pw` });
}

function issuedCookie(res: Response): string {
  const m = /demo_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  assert.ok(m, 'a cookie was issued');
  return m[1]!;
}

test('a form posted from another site is refused, and nothing is stored', async () => {
  const s = await startTestServer();
  try {
    const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://localhost:1' }];
    for (const headers of foreign) {
      const res = await signIn(s, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.headers.get('set-cookie'), null);
      for (const path of ['/demo/link', '/demo/scan/some-token']) {
        const other = await fetch(s.baseURL + path, { method: 'POST', headers: { ...FORM, ...headers }, body: 'code=K7Q2-M9XD' });
        assert.equal(other.status, 403, `${path} ${JSON.stringify(headers)}`);
      }
    }
    assert.equal(count(s), 0);
    // The server's own page (same origin, or a client that sends no Origin) still signs in.
    assert.equal((await signIn(s, { origin: s.baseURL, 'sec-fetch-site': 'same-origin' })).status, 303);
    assert.equal((await signIn(s)).status, 303);
    // What a browser sends from the page itself, which asks for no referrer.
    assert.equal((await signIn(s, { origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 303);
    assert.equal(count(s), 3);
  } finally {
    await s.close();
  }
});

test('issued cookies are capped at demo.maxCookies: the oldest is forgotten first', async () => {
  const s = await startTestServer({ configure: (c) => void (c.demo.maxCookies = 3) });
  try {
    const values: string[] = [];
    for (let i = 0; i < 5; i++) values.push(issuedCookie(await signIn(s, {}, `user${i}`)));
    assert.equal(count(s), 3);
    const login = async (value: string) => {
      const created = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'cookies' })).body;
      return (await s.api('POST', `/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.cookies`, { type: 'cookies', fields: { session: value } })).body;
    };
    assert.equal((await login(values[0]!)).error?.code, 'invalid_credentials');
    assert.equal((await login(values[1]!)).error?.code, 'invalid_credentials');
    const done = await login(values[4]!);
    assert.equal(done.status, 'complete');
    assert.equal(done.account.user.username, 'user4');
  } finally {
    await s.close();
  }
});

test('expired cookies are deleted on a schedule, without any request', async () => {
  const s = await startTestServer();
  try {
    await signIn(s);
    await signIn(s);
    assert.equal(count(s), 2);
    s.clock.advance(50 * 60_000);
    assert.equal(count(s), 2, 'not yet expired');
    s.clock.advance(30 * 60_000);
    assert.equal(count(s), 0);
  } finally {
    await s.close();
  }
  assert.equal(s.clock.pendingTimers, 0, 'the purge stops with the server');
});
