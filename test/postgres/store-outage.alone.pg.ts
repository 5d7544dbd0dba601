/**
 * Issue 17, api.md §11: PostgreSQL stopped and started again under load. While it is down every
 * request that needs it answers 503 `store_unavailable` (retryable), never a 500 or a hang; once
 * it is back the service recovers by itself and nothing committed before is lost. This file stops
 * the shared test cluster, so it runs alone (`*.alone.pg.ts`, after the other files).
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { startInstances, type Cluster } from '../support/instances.ts';
import { controlCluster, withDatabase } from '../support/postgres.ts';
import { startRoundRobin, type RoundRobin } from '../support/round-robin.ts';
import { apiWith, loginsNamed, sessionPath, type Answer, type Api } from './http.ts';

// Registered first, so it runs first: whatever happened, the cluster runs again before the
// database is dropped and for the files after this one.
after(() => controlCluster('start'));
const db = await withDatabase();
let cluster: Cluster;
let rr: RoundRobin;
let api: Api;

before(async () => {
  cluster = await startInstances(2, { databaseURL: db.url });
  rr = await startRoundRobin(cluster.instances.map((i) => i.url));
  api = apiWith(cluster.token);
});

after(async () => {
  await rr?.close();
  await cluster?.close();
});

/** What the load saw: every answer (status and code), the sessions it created, and failures to answer at all. */
interface Seen {
  answers: { what: string; status: number; code?: string; retry?: string | null }[];
  created: string[];
  failures: string[];
}

/** Clients creating, reading and cancelling sessions, and listing logins, through the proxy until `stop()`. */
function load(workers: number): { seen: Seen; stop: () => Promise<void> } {
  const seen: Seen = { answers: [], created: [], failures: [] };
  let running = true;
  const note = (what: string, r: Answer): void => {
    seen.answers.push({ what, status: r.status, code: r.body?.code, retry: r.headers.get('x-should-retry') });
  };
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const c = await api(rr.url, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
        note('create', c);
        if (c.status === 200) {
          seen.created.push(c.body.loginSessionID);
          note('read', await api(rr.url, 'GET', sessionPath(c.body.loginSessionID)));
          // Cancelled, so that the load never reaches the cap on active sessions.
          note('cancel', await api(rr.url, 'DELETE', sessionPath(c.body.loginSessionID)));
        }
        note('logins', await api(rr.url, 'GET', '/v1/bridges/demo/logins'));
      } catch (err) {
        // A request that got no answer in time (a hang) or whose connection broke.
        seen.failures.push(String(err));
      }
    }
  };
  const all = Array.from({ length: workers }, () => worker());
  return {
    seen,
    stop: async () => {
      running = false;
      await Promise.all(all);
    },
  };
}

test('PostgreSQL restarted under load: 503 store_unavailable meanwhile, then recovery with nothing lost', async (t) => {
  const [A, B] = cluster.instances.map((i) => i.url) as [string, string];
  // Committed before the outage: a finished login and a session waiting for its second step
  // (made on one instance: crossing instances is the three-instance tests' concern).
  const first = await api(A, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
  const firstDone = await api(A, 'POST', `${sessionPath(first.body.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'before', password: 'pw' } });
  assert.equal(firstDone.body.status, 'complete', JSON.stringify(firstDone.body));
  const waiting = await api(A, 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' });
  const step = await api(A, 'POST', `${sessionPath(waiting.body.loginSessionID)}/steps/demo.password`, { type: 'user_input', fields: { username: 'during', password: 'pw' } });
  assert.equal(step.body.currentStep.stepID, 'demo.2fa');

  const traffic = load(4);
  await eventually(() => traffic.seen.answers.some((a) => a.status === 200), 'the load to get answers');
  controlCluster('stop');
  const stoppedAt = traffic.seen.answers.length;
  // Asked directly while it is down, both instances say so, the same way.
  for (const i of cluster.instances) assert.ok(i.alive(), `${i.name} died when PostgreSQL stopped:\n${i.output().slice(-3000)}`);
  for (const base of [A, B]) {
    const r = await api(base, 'GET', sessionPath(waiting.body.loginSessionID));
    assert.equal(r.status, 503, `${base}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, 'store_unavailable');
    assert.notEqual(r.headers.get('x-should-retry'), 'false', 'a retry is fine');
  }
  await eventually(() => traffic.seen.answers.slice(stoppedAt).some((a) => a.status === 503), 'the load to see the outage');

  controlCluster('start');
  const restartedAt = Date.now();
  for (const base of [A, B]) {
    await eventually(async () => (await api(base, 'GET', '/v1/bridges/demo/logins')).status === 200, `${base} to recover`, { timeoutMs: 30_000 });
  }
  t.diagnostic(`both instances answered again ${Date.now() - restartedAt} ms after PostgreSQL was back`);
  const recoveredAt = traffic.seen.answers.length;
  await eventually(() => traffic.seen.answers.slice(recoveredAt).filter((a) => a.what === 'create' && a.status === 200).length >= 3, 'creates to succeed again');
  await traffic.stop();

  const { answers, created, failures } = traffic.seen;
  t.diagnostic(`${answers.length} answers under load: ${answers.filter((a) => a.status === 503).length} were 503`);
  assert.deepEqual(failures, [], 'every request was answered');
  const odd = answers.filter((a) => a.status !== 200 && !(a.status === 503 && a.code === 'store_unavailable'));
  assert.deepEqual(odd, [], 'only 200 or 503 store_unavailable');
  assert.ok(answers.filter((a) => a.status === 503).every((a) => a.retry !== 'false'), 'every 503 is retryable');

  // Nothing committed is lost: every session created with a 200, the login from before, and the
  // session that was waiting, which now completes.
  for (const id of created) {
    const r = await api(A, 'GET', sessionPath(id));
    assert.equal(r.status, 200, `session ${id}: ${JSON.stringify(r.body)}`);
  }
  assert.equal((await loginsNamed(api, B, 'before')).length, 1);
  const done = await api(A, 'POST', `${sessionPath(waiting.body.loginSessionID)}/steps/demo.2fa`, { type: 'user_input', fields: { code: '123456' } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.status, 'complete', JSON.stringify(done.body));
  assert.equal((await loginsNamed(api, A, 'during')).length, 1);
});
