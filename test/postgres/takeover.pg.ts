/**
 * Issue 17, api.md §11: the instance driving a QR session is SIGKILLed while the session waits
 * for its scan; another instance takes the session over once the lease runs out, the scan (sent
 * to a survivor) completes it, and the login is made exactly once. The takeover time is reported
 * as a diagnostic, never asserted.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { startInstances, TEST_LEASE_SECONDS, type Cluster } from '../support/instances.ts';
import { withDatabase } from '../support/postgres.ts';
import { apiWith, loginsNamed, scan, sessionPath, type Api } from './http.ts';

const db = await withDatabase();
let cluster: Cluster;
let api: Api;

before(async () => {
  cluster = await startInstances(3, { databaseURL: db.url });
  api = apiWith(cluster.token);
});

after(async () => {
  await cluster?.close();
});

test('a QR session survives the SIGKILL of the instance driving it', async (t) => {
  const [A, B, C] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  const created = await api(A.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.loginSessionID;
  // A long-poll held on B across the kill: it must be answered by the completion, not lost.
  const poll = api(B.url, 'POST', `${sessionPath(id)}/steps/demo.qr?wait=25`, { type: 'display_and_wait' });
  // Awaited below; a failure before then must not become an unhandled rejection.
  poll.catch(() => undefined);

  const killedAt = Date.now();
  await A.kill();
  // The phone scans the code A showed; the demo state is in the database, so C accepts it.
  assert.equal(await scan(C.url, created.body, 'kit'), 200);
  let answered = await poll;
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  // A long-poll may time out unchanged before the takeover on a slow machine: poll again.
  while (answered.body.status === 'waiting_for_display') {
    answered = await api(C.url, 'POST', `${sessionPath(id)}/steps/${answered.body.currentStep.stepID}?wait=25`, { type: 'display_and_wait' });
  }
  const tookMs = Date.now() - killedAt;
  t.diagnostic(`completed ${tookMs} ms after the SIGKILL (lease ${TEST_LEASE_SECONDS} s)`);
  assert.equal(answered.body.status, 'complete', JSON.stringify(answered.body));

  for (const i of [B, C]) {
    const r = await api(i.url, 'GET', sessionPath(id));
    assert.equal(r.body.status, 'complete', `read on ${i.name}`);
    assert.equal(r.body.accountID, answered.body.accountID);
  }
  const logins = await loginsNamed(api, B.url, 'kit');
  assert.equal(logins.length, 1, `one login, not lost or doubled: ${JSON.stringify(logins)}`);
  assert.equal(`demo_${logins[0].loginID}`, answered.body.accountID);
});

test('the survivors take over every running session, each once', async (t) => {
  const [, B, C] = cluster.instances as [unknown, (typeof cluster.instances)[0], (typeof cluster.instances)[0]];
  // B drives two sessions in different states; C is the survivor.
  const qr = await api(B.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' });
  const twoFA = await api(B.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' });
  const step = await api(B.url, 'POST', `${sessionPath(twoFA.body.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'lin', password: 'pw' } });
  assert.equal(step.body.currentStep.stepID, 'demo.2fa');

  const killedAt = Date.now();
  await B.kill();
  // A user-input step needs no driver until it is answered: C runs it (after the takeover).
  const done = await api(C.url, 'POST', `${sessionPath(twoFA.body.loginSessionID)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  t.diagnostic(`user-input step answered ${Date.now() - killedAt} ms after the SIGKILL`);

  assert.equal(await scan(C.url, qr.body, 'mo'), 200);
  let r = await api(C.url, 'POST', `${sessionPath(qr.body.loginSessionID)}/steps/demo.qr?wait=25`, { type: 'display_and_wait' });
  while (r.body.status === 'waiting_for_display') {
    r = await api(C.url, 'POST', `${sessionPath(qr.body.loginSessionID)}/steps/${r.body.currentStep.stepID}?wait=25`, { type: 'display_and_wait' });
  }
  t.diagnostic(`QR session completed ${Date.now() - killedAt} ms after the SIGKILL`);
  assert.equal(r.body.status, 'complete', JSON.stringify(r.body));
  assert.equal((await loginsNamed(api, C.url, 'mo')).length, 1);
  assert.equal((await loginsNamed(api, C.url, 'lin')).length, 1);
});
