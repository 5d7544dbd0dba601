/**
 * The PostgreSQL coordinator on a real database, two instances on one: a lease is held by one
 * at a time and renewed, taken over once it runs out (the holder hears it lost it), given up at
 * close; a change saved on one is heard on the other; a named sweep runs on one at a time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { PgSessionStore } from '../../src/store/sessions-pg.ts';
import { PgCoordinator } from '../../src/coordination/pg.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Session } from '../../src/sessions/model.ts';

// Registered first, so that it runs before the database is dropped.
after(async () => {
  await a.close();
  await b.close();
  await db.close();
  assert.deepEqual(errors, []);
});
const database = await withDatabase();
const db = await openPostgres(database.url, { poolSize: 6 });
const clock = new ManualClock(5_000_000);
const errors: unknown[] = [];
const lost: string[] = [];
const LEASE = 15_000;

const heard: string[] = [];

function coordinator(instanceID: string): PgCoordinator {
  const c = new PgCoordinator({ pool: db.pool, url: database.url, instanceID, leaseMs: LEASE, clock, onError: (err) => errors.push(err) });
  c.attach({
    changed: (id) => heard.push(`${instanceID} changed ${id}`),
    yieldRequested: (id) => heard.push(`${instanceID} yield ${id}`),
    leaseLost: (id) => lost.push(`${instanceID}:${id}`),
  });
  return c;
}

const a = coordinator('instance-a');
const b = coordinator('instance-b');
const storeA = new PgSessionStore({ pool: db.pool, instanceID: 'instance-a', leaseMs: LEASE, now: () => clock.now(), onError: (err) => errors.push(err) });

before(async () => {
  await migratePostgres(db.pool);
  await a.start();
  await b.start();
});

function session(id: string): Session {
  const now = clock.now();
  return { id, bridgeID: 'demo', flowID: 'password', status: 'waiting_for_input', step: { type: 'user_input', stepID: 's', fields: [] }, createdAt: now, updatedAt: now, expiresAt: now + 600_000 };
}

async function saveOnA(s: Session): Promise<void> {
  storeA.save(s);
  assert.equal(await new Promise((resolve) => storeA.whenSaved(resolve)), true);
  a.adopt(s.id);
}

const owner = async (id: string): Promise<string | null> => (await database.query('SELECT lease_owner FROM sessions WHERE id = $1', [id]))[0].lease_owner;

test('one instance holds a lease at a time; it is taken over only once it ran out', async () => {
  await saveOnA(session('leased'));
  assert.equal(await b.lease('leased'), false, 'A holds it');
  // A is alive: it renews its lease every third of it, so it never runs out.
  clock.advance(LEASE + 1);
  await a.renew();
  assert.equal(await b.lease('leased'), false, 'renewed, so still A\'s');
  // D takes a session nobody holds, then dies (it never renews).
  const d = coordinator('instance-d');
  await saveOnA(session('orphaned'));
  await a.yieldLease('orphaned');
  assert.equal(await d.lease('orphaned'), true);
  clock.advance(LEASE - 1);
  assert.equal(await b.lease('orphaned'), false, 'D\'s lease has not run out yet');
  clock.advance(2);
  assert.equal(await b.lease('orphaned'), true, 'ran out: B takes it over');
  assert.equal(await owner('orphaned'), 'instance-b');
  await d.renew();
  assert.deepEqual(lost, ['instance-d:orphaned'], 'D hears it lost the session');
  assert.equal(d.leases, 0);
  await d.close();
});

/** Wait (bounded) until `line` was heard over LISTEN. */
async function hears(line: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!heard.includes(line) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  assert.ok(heard.includes(line), `heard "${line}"`);
}

test('a change saved on one instance is heard on the other; so are requests to yield', async () => {
  await saveOnA(session('changed'));
  await hears('instance-b changed changed');
  await b.requestYield('changed');
  await hears('instance-a yield changed');
  heard.length = 0;
  await a.yieldLease('changed');
  assert.equal(await owner('changed'), null);
  await hears('instance-b changed changed');
});

test('a named sweep runs on one instance at a time', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let runs = 0;
  const first = a.runOnce('retention', async () => {
    runs++;
    await gate;
  });
  // Wait until A holds the lock (its task has started).
  while (runs === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(await b.runOnce('retention', async () => void runs++), false, 'B finds it running');
  assert.equal(await b.runOnce('other', async () => void runs++), true, 'another sweep is not held up');
  release();
  assert.equal(await first, true);
  assert.equal(await b.runOnce('retention', async () => void runs++), true, 'once A is done, B may run it');
  assert.equal(runs, 3);
});

test('closing gives every lease up, so another instance resumes the session at once', async () => {
  const c = coordinator('instance-c');
  await c.start();
  await saveOnA(session('handed'));
  await a.yieldLease('handed');
  assert.equal(await c.lease('handed'), true);
  assert.equal(await b.lease('handed'), false);
  await c.close();
  assert.equal(await owner('handed'), null);
  assert.equal(await b.lease('handed'), true, 'no wait for the lease to run out');
});
