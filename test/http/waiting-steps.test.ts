import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openEvents } from '../support/sse.ts';
import { eventually } from '../support/eventually.ts';
import { OWNER } from '../../src/principal.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const SEC = 1000;
const sessionPath = (id: string) => `/v1/bridges/demo/login-sessions/${id}`;
const createQR = async () => (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).body;
const poll = (id: string, step: string, query = '', headers: Record<string, string> = {}) =>
  s.api('POST', `${sessionPath(id)}/steps/${step}${query}`, { type: 'display_and_wait' }, headers);

test('a QR login shows a scannable code with an SVG image and an expiry, and completes when the phone POSTs it', async () => {
  const c = await createQR();
  assert.equal(c.status, 'waiting_for_display');
  const step = c.currentStep;
  assert.equal(step.type, 'display_and_wait');
  assert.equal(step.stepID, 'demo.qr');
  assert.equal(step.display.type, 'qr');
  assert.match(step.display.data, new RegExp(`^${s.baseURL}/demo/scan/[A-Za-z0-9_-]{20,}$`));
  assert.match(step.display.imageURL, /^data:image\/svg\+xml;base64,/);
  assert.match(Buffer.from(step.display.imageURL.split(',')[1], 'base64').toString(), /^<svg[^>]*viewBox/);
  assert.equal(Date.parse(step.display.expiresAt) - s.clock.now(), 20 * SEC);
  const scanPage = await fetch(step.display.data);
  assert.equal(scanPage.status, 200);
  assert.match(await scanPage.text(), /Confirm sign-in/);
  const scanned = await fetch(step.display.data, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=Quinn' });
  assert.equal(scanned.status, 200);
  await eventually(() => JSON.parse((s.app.sessions.readJSON(OWNER, 'demo', c.loginSessionID) as string)).status === 'complete', 'completion');
  const done = await s.api('GET', sessionPath(c.loginSessionID));
  assert.equal(done.body.status, 'complete');
  assert.equal(done.body.account.user.username, 'Quinn');
  // The token was one-time.
  assert.equal((await fetch(step.display.data, { method: 'POST' })).status, 404);
});

test('a refresh is seen by GET, by a long-poll and by the event stream; the old token stops working', async () => {
  const c = await createQR();
  const id = c.loginSessionID;
  const oldURL = c.currentStep.display.data;
  const stream = await openEvents(`${s.baseURL}${sessionPath(id)}/events`, s.token);
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type')!, /^text\/event-stream/);
  const first = await stream.next();
  assert.equal(first.currentStep.display.data, oldURL);
  const longPoll = poll(id, 'demo.qr');
  await eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 2, 'the long-poll to wait');
  s.clock.advance(20 * SEC);
  const polled = await longPoll;
  assert.equal(polled.status, 200);
  const newURL = polled.body.currentStep.display.data;
  assert.notEqual(newURL, oldURL);
  assert.equal(polled.body.status, 'waiting_for_display');
  const viaStream = await stream.next();
  assert.equal(viaStream.currentStep.display.data, newURL);
  assert.notEqual(viaStream.currentStep.display.imageURL, first.currentStep.display.imageURL);
  const got = await s.api('GET', sessionPath(id));
  assert.equal(got.body.currentStep.display.data, newURL);
  assert.equal((await fetch(oldURL, { method: 'POST' })).status, 404);
  assert.equal((await fetch(newURL, { method: 'POST' })).status, 200);
  const final = await stream.next();
  assert.equal(final.status, 'complete');
  await stream.closed;
});

test('after the fifth code expires the session fails with login_timed_out', async () => {
  const c = await createQR();
  const seen = new Set<string>([c.currentStep.display.data]);
  for (let i = 1; i < 5; i++) {
    s.clock.advance(20 * SEC);
    await eventually(() => !seen.has(JSON.parse((s.app.sessions.readJSON(OWNER, 'demo', c.loginSessionID) as string)).currentStep.display.data), `refresh ${i}`);
    seen.add(JSON.parse((s.app.sessions.readJSON(OWNER, 'demo', c.loginSessionID) as string)).currentStep.display.data);
  }
  assert.equal(seen.size, 5);
  s.clock.advance(20 * SEC);
  const r = await s.api('GET', sessionPath(c.loginSessionID));
  assert.equal(r.body.status, 'failed');
  assert.equal(r.body.error.code, 'login_timed_out');
});

test('a long-poll answers unchanged after ?wait= or X-Stainless-Timeout, and GET never blocks', async () => {
  const c = await createQR();
  const id = c.loginSessionID;
  const p = poll(id, 'demo.qr', '?wait=2');
  await eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 1, 'waiting');
  s.clock.advance(2 * SEC);
  const r = await p;
  assert.equal(r.status, 200);
  assert.equal(r.body.currentStep.display.data, c.currentStep.display.data);
  const p2 = poll(id, 'demo.qr', '', { 'x-stainless-timeout': '5' });
  await eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 1, 'waiting');
  s.clock.advance(4 * SEC);
  assert.equal((await p2).body.updatedAt, c.updatedAt);
  const p3 = poll(id, 'demo.qr');
  await eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 1, 'waiting');
  s.clock.advance(25 * SEC - 1);
  assert.equal(s.app.sessions.feed(OWNER, 'demo', id).watcherCount, 1, 'still waiting before 25 s');
  s.clock.advance(1);
  const r3 = await p3;
  assert.equal(r3.status, 200);
  assert.equal((await s.api('GET', sessionPath(id))).status, 200);
  await s.api('DELETE', sessionPath(id));
});

test('a pairing-code login completes through /demo/link', async () => {
  const c = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'code' })).body;
  assert.equal(c.currentStep.stepID, 'demo.code');
  assert.equal(c.currentStep.display.type, 'code');
  assert.match(c.currentStep.display.data, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const page = await fetch(`${s.baseURL}/demo/link`);
  assert.match(await page.text(), /Pairing code/);
  const wrong = await fetch(`${s.baseURL}/demo/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=0000-0000' });
  assert.equal(wrong.status, 400);
  const waiting = poll(c.loginSessionID, 'demo.code');
  const typed = c.currentStep.display.data.toLowerCase().replace('-', ' ');
  const ok = await fetch(`${s.baseURL}/demo/link`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${encodeURIComponent(typed)}&username=Lin` });
  assert.equal(ok.status, 200);
  const done = await waiting;
  assert.equal(done.body.status, 'complete');
  assert.equal(done.body.account.user.username, 'Lin');
});

test('a cookie login: fetch the sign-in page, post its form, read the cookie, submit it', async () => {
  const c = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'cookies' })).body;
  const step = c.currentStep;
  assert.equal(c.status, 'waiting_for_cookies');
  assert.equal(step.type, 'cookies');
  assert.equal(step.stepID, 'demo.cookies');
  assert.equal(step.url, `${s.baseURL}/demo/sign-in`);
  assert.deepEqual(step.fields, [{ id: 'session', name: 'demo_session', type: 'cookie' }]);
  assert.match('/demo/signed-in', new RegExp(step.expectedFinalURLRegex));
  assert.match(await (await fetch(step.url)).text(), /<form method="post">/);
  const signIn = await fetch(step.url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=Cora&password=pw' });
  assert.equal(signIn.status, 303);
  assert.equal(signIn.headers.get('location'), '/demo/signed-in');
  const cookie = /demo_session=([^;]+)/.exec(signIn.headers.get('set-cookie')!)![1]!;
  const signedIn = await fetch(`${s.baseURL}/demo/signed-in`, { headers: { cookie: `demo_session=${cookie}` } });
  assert.ok((await signedIn.text()).includes(cookie));
  const done = await s.api('POST', `${sessionPath(c.loginSessionID)}/steps/demo.cookies`, { type: 'cookies', fields: { session: cookie } });
  assert.equal(done.body.status, 'complete');
  assert.equal(done.body.account.user.username, 'Cora');
});

test('a cookie the page did not issue fails the login with invalid_credentials', async () => {
  const c = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'cookies' })).body;
  const r = await s.api('POST', `${sessionPath(c.loginSessionID)}/steps/demo.cookies`, { type: 'cookies', fields: { session: 'made-up' } });
  assert.equal(r.body.status, 'failed');
  assert.equal(r.body.error.code, 'invalid_credentials');
});

test('cancel releases a waiting long-poll and an event stream at once, with the cancelled session', async () => {
  const c = await createQR();
  const id = c.loginSessionID;
  const stream = await openEvents(`${s.baseURL}${sessionPath(id)}/events`, s.token);
  await stream.next();
  const longPoll = poll(id, 'demo.qr');
  await eventually(() => s.app.sessions.feed(OWNER, 'demo', id).watcherCount >= 2, 'both watchers');
  const serverTime = s.clock.now();
  await s.api('DELETE', sessionPath(id));
  const [polled, event] = await Promise.all([longPoll, stream.next()]);
  await stream.closed;
  // The server's clock is manual and did not move: no long-poll timeout can have answered them.
  assert.equal(s.clock.now(), serverTime, 'released by the cancel, not by a timeout');
  assert.equal(polled.body.status, 'cancelled');
  assert.equal(event.status, 'cancelled');
  // The old scan token no longer completes anything.
  assert.equal((await fetch(c.currentStep.display.data, { method: 'POST' })).status, 404);
});

test('expiry ends the wait with session_expired and closes streams', async () => {
  const c = await createQR();
  const id = c.loginSessionID;
  const stream = await openEvents(`${s.baseURL}${sessionPath(id)}/events`, s.token);
  await stream.next();
  // Refreshes every 20 s would time out first; make the session expire before the 5th code ends.
  s.clock.advance(30 * 60 * SEC);
  let last: any;
  for (;;) {
    last = await stream.next();
    if (last.status !== 'waiting_for_display') break;
  }
  await stream.closed;
  assert.equal(last.status, 'failed');
  assert.ok(['login_timed_out', 'session_expired'].includes(last.error.code));
});

test('the event stream sends a keep-alive comment every 15 s', async () => {
  const c = await createQR();
  const stream = await openEvents(`${s.baseURL}${sessionPath(c.loginSessionID)}/events`, s.token);
  await stream.next();
  s.clock.advance(15 * SEC);
  await eventually(() => stream.comments.length >= 1, 'a keep-alive');
  assert.match(stream.comments[0]!, /^: keep-alive/);
  await s.api('DELETE', sessionPath(c.loginSessionID));
  await stream.closed;
});

test('200 concurrent long-polls on 200 sessions are all answered with their own session', async () => {
  const sessions = await Promise.all(Array.from({ length: 200 }, () => s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'code' })));
  const ids = sessions.map((r) => r.body.loginSessionID as string);
  const polls = ids.map((id) => poll(id, 'demo.code'));
  await eventually(() => ids.every((id) => s.app.sessions.feed(OWNER, 'demo', id).watcherCount === 1), 'all 200 waiting');
  await Promise.all(ids.map((id) => s.api('DELETE', sessionPath(id))));
  const answers = await Promise.all(polls);
  answers.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.loginSessionID, ids[i]);
    assert.equal(r.body.status, 'cancelled');
  });
});

test('a long-poll retried after its answer was lost gets the finished session, not 410 (the wait answered the step)', async () => {
  const c = await createQR();
  const id = c.loginSessionID;
  const scanned = await fetch(c.currentStep.display.data, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=Rita' });
  assert.equal(scanned.status, 200);
  await eventually(() => JSON.parse(s.app.sessions.readJSON(OWNER, 'demo', id) as string).status === 'complete', 'completion');
  const retried = await poll(id, 'demo.qr');
  assert.equal(retried.status, 200);
  assert.equal(retried.body.status, 'complete');
  assert.equal(retried.body.account.user.username, 'Rita');
  // Any other step of a finished session is still 410.
  assert.equal((await s.api('POST', `${sessionPath(id)}/steps/demo.password`, { type: 'user_input', fields: { username: 'x', password: 'y' } })).status, 410);

  // The same when the wait ends the login as failed (every code expired).
  const t = await createQR();
  const current = (): { status: string; currentStep?: { display: { data: string } } } => JSON.parse(s.app.sessions.readJSON(OWNER, 'demo', t.loginSessionID) as string);
  for (let i = 0; i < 5; i++) {
    const shown = current().currentStep?.display.data;
    s.clock.advance(20 * SEC);
    await eventually(() => current().status === 'failed' || current().currentStep?.display.data !== shown, `code ${i + 1} to expire`);
  }
  assert.equal(current().status, 'failed');
  const late = await poll(t.loginSessionID, 'demo.qr');
  assert.equal(late.status, 200);
  assert.equal(late.body.error.code, 'login_timed_out');
});

test('HEAD of an active session\'s event stream answers the stream\'s headers at once, with no body', async () => {
  const c = await createQR();
  const res = await fetch(`${s.baseURL}${sessionPath(c.loginSessionID)}/events`, { method: 'HEAD', headers: { authorization: `Bearer ${s.token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  assert.equal(await res.text(), '');
  assert.equal(s.app.sessions.feed(OWNER, 'demo', c.loginSessionID).watcherCount, 0, 'nobody left watching');
});
