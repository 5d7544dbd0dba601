/**
 * Issue 17, api.md §11: three real instances on one PostgreSQL database, reached directly or
 * through a round-robin proxy (no sticky sessions), through the public HTTP API only.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startInstances, type Cluster } from '../support/instances.ts';
import { withDatabase } from '../support/postgres.ts';
import { startRoundRobin, type RoundRobin } from '../support/round-robin.ts';
import { openEvents } from '../support/sse.ts';
import { tempDir } from '../support/server.ts';
import { apiWith, loginsNamed, scan, sessionPath, type Answer, type Api } from './http.ts';

/** The server-wide cap on active sessions, small so that the cap test reaches it. */
const MAX_ACTIVE = 4;

const db = await withDatabase();
const config = tempDir();
let cluster: Cluster;
let rr: RoundRobin;
let api: Api;
let A: string, B: string, C: string;

before(async () => {
  const file = path.join(config.dir, 'config.yaml');
  writeFileSync(file, `sessions:\n  maxActive: ${MAX_ACTIVE}\n`);
  cluster = await startInstances(3, { databaseURL: db.url, env: { BRIDGE_LOGIN_CONFIG: file } });
  [A, B, C] = cluster.instances.map((i) => i.url) as [string, string, string];
  rr = await startRoundRobin([A, B, C]);
  api = apiWith(cluster.token);
});

/** Every session this file created, so that the cap test can first end what a failed test left. */
const madeHere: string[] = [];

/** Create a demo session with `flowID` on the instance at `base`. */
async function create(base: string, flowID: string): Promise<Answer> {
  const r = await api(base, 'POST', '/v1/bridges/demo/login-sessions', { flowID });
  if (r.status === 200) madeHere.push(r.body.loginSessionID);
  return r;
}

after(async () => {
  await rr?.close();
  await cluster?.close();
  config.remove();
});

test('a session created on A is submitted on B and read on C', async () => {
  const created = await create(A, 'password-2fa');
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.loginSessionID;
  const step = await api(B, 'POST', `${sessionPath(id)}/steps/demo.password`, { type: 'user_input', fields: { username: 'ada', password: 'pw' } });
  assert.equal(step.status, 200, JSON.stringify(step.body));
  assert.equal(step.body.currentStep.stepID, 'demo.2fa');
  const read = await api(C, 'GET', sessionPath(id));
  assert.equal(read.status, 200);
  assert.equal(read.body.status, 'waiting_for_input');
  assert.equal(read.body.currentStep.stepID, 'demo.2fa');
  // The finish happens on the third instance it was not created on, and every one reads it.
  const done = await api(C, 'POST', `${sessionPath(id)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  for (const base of [A, B, C]) {
    const r = await api(base, 'GET', sessionPath(id));
    assert.equal(r.body.status, 'complete', `read on ${base}`);
    assert.equal(r.body.accountID, done.body.accountID);
  }
  assert.equal((await loginsNamed(api, B, 'ada')).length, 1);
});

test('through the round-robin proxy, every step of a login lands on another instance', async () => {
  rr.served.length = 0;
  const created = await create(rr.url, 'password');
  const id = created.body.loginSessionID;
  const read = await api(rr.url, 'GET', sessionPath(id));
  assert.equal(read.body.currentStep.stepID, 'demo.password');
  const done = await api(rr.url, 'POST', `${sessionPath(id)}/steps/demo.password`, { type: 'user_input', fields: { username: 'rr', password: 'pw' } });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  assert.deepEqual(new Set(rr.served), new Set([0, 1, 2]));
});

test('a long-poll on B is answered by a scan that reaches C, and event streams on A and B see it', async () => {
  // A creates the session and so drives it: the scan lands on C, the waiting request on B.
  const created = await create(A, 'qr');
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.loginSessionID;
  const streams = [await openEvents(`${A}${sessionPath(id)}/events`, cluster.token), await openEvents(`${B}${sessionPath(id)}/events`, cluster.token)];
  try {
    for (const s of streams) {
      assert.equal(s.status, 200);
      assert.equal((await s.next(10_000)).status, 'waiting_for_display');
    }
    const poll = api(B, 'POST', `${sessionPath(id)}/steps/demo.qr?wait=25`, { type: 'display_and_wait' });
    // Awaited below; a failure before then must not become an unhandled rejection.
    poll.catch(() => undefined);
    assert.equal(await scan(C, created.body, 'grace'), 200);
    const answered = await poll;
    assert.equal(answered.status, 200);
    assert.equal(answered.body.status, 'complete', JSON.stringify(answered.body));
    for (const s of streams) {
      // Each stream sees the completion (after a QR refresh at most, on a slow machine).
      let event = await s.next(10_000);
      while (event.status !== 'complete') event = await s.next(10_000);
      assert.equal(event.accountID, answered.body.accountID);
    }
  } finally {
    for (const s of streams) await s.cancel();
  }
  assert.equal((await loginsNamed(api, C, 'grace')).length, 1);
});

test('concurrent duplicate submissions on A and B run once', async () => {
  const created = await create(C, 'password-2fa');
  const id = created.body.loginSessionID;
  const submit = { type: 'user_input', fields: { username: 'dup', password: 'pw' } };
  const [onA, onB] = await Promise.all([api(A, 'POST', `${sessionPath(id)}/steps/demo.password`, submit), api(B, 'POST', `${sessionPath(id)}/steps/demo.password`, submit)]);
  assert.equal(onA.status, 200, JSON.stringify(onA.body));
  assert.equal(onB.status, 200, JSON.stringify(onB.body));
  // Both get the session after the one execution: the second step, unchanged by a second run.
  assert.equal(onA.body.currentStep.stepID, 'demo.2fa');
  assert.deepEqual(onB.body.currentStep, onA.body.currentStep);
  const done = await api(C, 'POST', `${sessionPath(id)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
});

test('the same Idempotency-Key on two instances returns one answer and runs once', async () => {
  const created = await create(A, 'password-2fa');
  const id = created.body.loginSessionID;
  await api(A, 'POST', `${sessionPath(id)}/steps/demo.password`, { type: 'user_input', fields: { username: 'idem', password: 'pw' } });
  // A wrong code, sent with one key on A and B at once, then again on C: the bridge must see it
  // once, or the wrong code after it would be the third and fail the session.
  const wrong = { type: 'user_input', fields: { code: '000000' } };
  const key = { 'idempotency-key': 'k-wrong-code-1' };
  const [onA, onB] = await Promise.all([
    api(A, 'POST', `${sessionPath(id)}/steps/demo.2fa`, wrong, key),
    api(B, 'POST', `${sessionPath(id)}/steps/demo.2fa`, wrong, key),
  ]);
  const onC = await api(C, 'POST', `${sessionPath(id)}/steps/demo.2fa`, wrong, key);
  for (const r of [onA, onB, onC]) assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(onA.body.status, 'waiting_for_input');
  assert.deepEqual(onB.body, onA.body);
  assert.deepEqual(onC.body, onA.body);
  const second = await api(B, 'POST', `${sessionPath(id)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '111111' } });
  assert.equal(second.body.status, 'waiting_for_input', `the keyed wrong code ran more than once: ${JSON.stringify(second.body)}`);
  const done = await api(C, 'POST', `${sessionPath(id)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
});

test('the cap on active sessions is global', async () => {
  // Every earlier test finished its sessions (this ends any a failed one left), so MAX_ACTIVE
  // sessions fit, spread over the three.
  for (const id of madeHere) {
    const r = await api(A, 'DELETE', sessionPath(id));
    assert.ok(r.status === 200 || r.status === 410, `ending ${id}: ${JSON.stringify(r.body)}`);
  }
  const ids: { id: string; on: string }[] = [];
  for (let i = 0; i < MAX_ACTIVE; i++) {
    const on = [A, B, C][i % 3]!;
    const r = await create(on, 'password');
    assert.equal(r.status, 200, `session ${i + 1} on ${on}: ${JSON.stringify(r.body)}`);
    ids.push({ id: r.body.loginSessionID, on });
  }
  for (const base of [A, B, C]) {
    const over = await create(base, 'password');
    assert.equal(over.status, 429, `over the cap on ${base}: ${JSON.stringify(over.body)}`);
    assert.equal(over.body.code, 'rate_limited');
  }
  // Cancelling one on an instance that did not create it frees a slot for all.
  const freed = await api(C, 'DELETE', sessionPath(ids[0]!.id));
  assert.equal(freed.status, 200, JSON.stringify(freed.body));
  assert.equal(freed.body.status, 'cancelled');
  const again = await create(B, 'password');
  assert.equal(again.status, 200, JSON.stringify(again.body));
  ids.push({ id: again.body.loginSessionID, on: B });
  for (const { id } of ids.slice(1)) assert.equal((await api(A, 'DELETE', sessionPath(id))).status, 200);
});
