/**
 * Two session services on one PostgreSQL database, as two instances would be (issue 17): a
 * session created on A is read on B, B's watchers wake on A's changes, a submission on B takes
 * the session over from A (A yields it) and resumes the demo login from its stored state, and
 * a session whose instance died is taken over by the sweep once its lease ran out. Logins are
 * kept in each instance's own SQLite store here: what is shared is the sessions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { PgSessionStore } from '../../src/store/sessions-pg.ts';
import { PgCoordinator } from '../../src/coordination/pg.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { LoginStore } from '../../src/store/logins.ts';
import { DemoCookieStore } from '../../src/store/demo-cookies.ts';
import { DemoBridge } from '../../src/bridges/demo/bridge.ts';
import { BridgeRegistry } from '../../src/bridges/registry.ts';
import { LoginService } from '../../src/logins/service.ts';
import { SessionService } from '../../src/sessions/service.ts';
import { OWNER, matrixUser } from '../../src/principal.ts';
import type { SessionFeed } from '../../src/sessions/live.ts';

const LEASE = 15_000;
const SWEEP = 5_000;
const errors: unknown[] = [];
const instances: Instance[] = [];

after(async () => {
  for (const i of instances) await i.close();
  await db.close();
  assert.deepEqual(errors, []);
});
const database = await withDatabase();
const db = await openPostgres(database.url, { poolSize: 8 });

interface Instance {
  name: string;
  clock: ManualClock;
  sessions: SessionService;
  coordinator: PgCoordinator;
  close(): Promise<void>;
}

async function instance(name: string): Promise<Instance> {
  const clock = new ManualClock(10_000_000);
  const onError = (err: unknown): void => void errors.push(err);
  const local = openDatabase(':memory:');
  const loginStore = new LoginStore(local);
  const demo = new DemoBridge({ clock, logins: loginStore, cookieStore: new DemoCookieStore(local), baseURL: () => 'http://127.0.0.1:1', qrRefreshMs: 20_000, maxQRCodes: 3, resumable: true });
  const bridges = new BridgeRegistry([demo]);
  const store = new PgSessionStore({ pool: db.pool, instanceID: name, leaseMs: LEASE, now: () => clock.now(), onError });
  const coordinator = new PgCoordinator({ pool: db.pool, url: database.url, instanceID: name, leaseMs: LEASE, clock, onError });
  await coordinator.start();
  const sessions = new SessionService({
    clock,
    store,
    logins: new LoginService(loginStore, bridges, clock),
    bridges,
    coordinator,
    sweepMs: SWEEP,
    limits: { ttlMs: 600_000, retentionMs: 3_600_000, maxActive: 100, longPollMs: 25_000 },
    onError,
  });
  await sessions.restore();
  let closed = false;
  const i: Instance = {
    name,
    clock,
    sessions,
    coordinator,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise((resolve) => store.whenSaved(resolve));
      await sessions.close();
      await demo.close();
      local.close();
    },
  };
  instances.push(i);
  return i;
}

let a: Instance;
let b: Instance;
before(async () => {
  await migratePostgres(db.pool);
  a = await instance('instance-a');
  b = await instance('instance-b');
});

const saved = (i: Instance): Promise<boolean> => new Promise((resolve) => i.sessions.whenSaved(resolve));
const json = async (v: string | Promise<string>): Promise<any> => JSON.parse(await v);

/** The next change a watcher hears (bounded in real time: it comes over LISTEN). */
function nextChange(feed: SessionFeed): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change heard')), 5000);
    const stop = feed.watch((f) => {
      clearTimeout(timer);
      stop();
      resolve(JSON.parse(f.json));
    });
  });
}

test('created on A, read on B; B hears A\'s change; a submission on B takes the session over', async () => {
  const created = await json(a.sessions.create(OWNER, 'demo', { flowID: 'password-2fa' }));
  assert.equal(await saved(a), true);
  const id = created.loginSessionID as string;
  assert.deepEqual(await json(b.sessions.readJSON(OWNER, 'demo', id)), created, 'B reads what A created');
  assert.equal(a.sessions.size, 1);
  assert.equal(b.sessions.size, 0, 'B does not drive it');

  const feed = await b.sessions.watch(OWNER, 'demo', id);
  const heard = nextChange(feed);
  const codeStep = await json(a.sessions.submit(OWNER, 'demo', id, { stepID: 'demo.password', type: 'user_input', fields: { username: 'ada', password: 'secret-pw' } }));
  assert.equal(codeStep.currentStep.stepID, 'demo.2fa');
  assert.deepEqual(await heard, codeStep, 'B\'s watcher hears the change made on A');
  const [row] = await database.query('SELECT bridge_state_json FROM sessions WHERE id = $1', [id]);
  assert.doesNotMatch(row.bridge_state_json, /secret-pw/, 'no submitted secret is stored');

  // The code is submitted on B: A yields the session, B resumes it from its stored state.
  const done = await json(b.sessions.submit(OWNER, 'demo', id, { stepID: 'demo.2fa', type: 'user_input', fields: { code: '123456' } }));
  assert.equal(done.status, 'complete');
  assert.equal(done.account.user.username, 'ada');
  assert.equal(a.sessions.size, 0, 'A let it go');
  assert.equal(await saved(b), true);
  assert.deepEqual(await json(a.sessions.readJSON(OWNER, 'demo', id)), done, 'A reads the outcome from the database');
  // A retry of the answered step on A is a replay from the database.
  assert.deepEqual(await json(a.sessions.submit(OWNER, 'demo', id, { stepID: 'demo.2fa', type: 'user_input', fields: { code: '123456' } })), done);
});

test('a cancel on B of a session A drives: A yields, B cancels, both read it cancelled', async () => {
  const created = await json(a.sessions.create(OWNER, 'demo', { flowID: 'password' }));
  assert.equal(await saved(a), true);
  const id = created.loginSessionID as string;
  assert.deepEqual(await b.sessions.cancel(OWNER, 'demo', id), { bridgeID: 'demo', loginSessionID: id, status: 'cancelled' });
  assert.equal(await saved(b), true);
  assert.equal((await json(a.sessions.readJSON(OWNER, 'demo', id))).status, 'cancelled');
  assert.equal(a.sessions.size, 0);
  assert.equal(b.sessions.size, 0, 'a finished session is held by nobody');
});

test('an instance that dies: its session is taken over by the sweep once the lease ran out', async () => {
  const c = await instance('instance-c');
  const created = await json(c.sessions.create(OWNER, 'demo', { flowID: 'password' }));
  assert.equal(await saved(c), true);
  const id = created.loginSessionID as string;
  // C dies: its clock stops, so it renews nothing any more; it is never closed (no yield).
  instances.splice(instances.indexOf(c), 1);
  await c.coordinator.close().catch(() => {});
  // (Closing gave its lease up: put it back as a dead instance leaves it.)
  await database.query('UPDATE sessions SET lease_owner = $1, lease_until = $2 WHERE id = $3', ['instance-c', c.clock.now() + LEASE, id]);
  assert.equal((await json(b.sessions.readJSON(OWNER, 'demo', id))).status, 'waiting_for_input');
  assert.equal(b.sessions.size, 0);
  // B's next sweep comes after C's lease ran out.
  b.clock.advance(SWEEP + LEASE);
  await eventually(async () => b.sessions.size === 1, 'B to take the session over');
  const done = await json(b.sessions.submit(OWNER, 'demo', id, { stepID: 'demo.password', type: 'user_input', fields: { username: 'bo', password: 'x' } }));
  assert.equal(done.status, 'complete');
  assert.equal(done.account.user.username, 'bo');
});

test('the caps count every instance\'s sessions: global and per person', async () => {
  await database.query('DELETE FROM sessions');
  const person = matrixUser('@ada:example.org');
  // 100 at most in all, 20 per person (the test limits).
  const onA = await Promise.all(Array.from({ length: 10 }, () => a.sessions.create(person, 'demo', { flowID: 'password' })));
  const onB = await Promise.all(Array.from({ length: 10 }, () => b.sessions.create(person, 'demo', { flowID: 'password' })));
  assert.equal(onA.length + onB.length, 20);
  await assert.rejects(b.sessions.create(person, 'demo', { flowID: 'password' }), (err: any) => err.code === 'rate_limited' && /you have 20/.test(err.message));
  await assert.rejects(a.sessions.create(person, 'demo', { flowID: 'password' }), (err: any) => err.code === 'rate_limited');
  // Concurrent creates on both instances never pass the global cap together.
  const attempts = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).sessions.create(OWNER, 'demo', { flowID: 'password' })));
  assert.equal(attempts.filter((r) => r.status === 'fulfilled').length, 80, 'the 100 - 20 slots left, no more');
  const [{ n }] = await database.query('SELECT count(*)::int AS n FROM sessions WHERE finished_at IS NULL');
  assert.equal(n, 100);
  for (const r of attempts) if (r.status === 'rejected') assert.equal((r.reason as any).code, 'rate_limited');
});

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
