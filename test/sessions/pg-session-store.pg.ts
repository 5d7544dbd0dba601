/**
 * The PostgreSQL session store on a real database: write-behind saves flushed together with a
 * version bump and a NOTIFY delivered on commit, reads by primary key, answers kept by key,
 * fencing by the lease, and the take-over of sessions whose lease ran out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { withDatabase, type TestDatabase } from '../support/postgres.ts';
import { openPostgres, type PgDatabase } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { CHANNEL, PgSessionStore } from '../../src/store/sessions-pg.ts';
import type { Session } from '../../src/sessions/model.ts';

// Registered first, so that it runs before the database is dropped.
after(async () => {
  assert.deepEqual(errors, [], 'no flush failed');
  await listener.end();
  await db.close();
});
const database: TestDatabase = await withDatabase();
const db: PgDatabase = await openPostgres(database.url, { poolSize: 4 });
let listener: pg.Client;
const notices: string[] = [];
let now = 1_000_000;
const errors: unknown[] = [];

before(async () => {
  await migratePostgres(db.pool);
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', (n) => notices.push(n.payload ?? ''));
  await listener.query(`LISTEN ${CHANNEL}`);
});
function store(instanceID: string): PgSessionStore {
  return new PgSessionStore({ pool: db.pool, instanceID, leaseMs: 15_000, now: () => now, onError: (err) => errors.push(err) });
}

const saved = (s: PgSessionStore): Promise<boolean> => new Promise((resolve) => s.whenSaved(resolve));

function session(id: string, patch: Partial<Session> = {}): Session {
  return {
    id,
    bridgeID: 'demo',
    flowID: 'password',
    status: 'waiting_for_input',
    step: { type: 'user_input', stepID: 'demo.password', fields: [{ id: 'password', type: 'password' }] },
    createdAt: now,
    updatedAt: now,
    expiresAt: now + 600_000,
    ...patch,
  };
}

/** Wait until `n` notices have arrived (they come on commit, over the listening connection). */
async function noticesArrive(n: number): Promise<void> {
  while (notices.length < n) await new Promise((r) => setTimeout(r, 5));
}

test('saves of one turn are one flush: one version per session, and a NOTIFY on commit', async () => {
  const a = store('instance-a');
  const s = session('s-one', { owner: '@ada:example.org' });
  a.save(s, { token: 'resume-me' });
  a.save({ ...s, updatedAt: now + 1 });
  assert.equal(notices.length, 0);
  assert.equal(await saved(a), true);
  const read = await a.readVersioned('s-one');
  assert.deepEqual(read, { session: { ...s, updatedAt: now + 1 }, version: 1 });
  await noticesArrive(1);
  assert.deepEqual(notices.splice(0), ['s-one:1']);
  a.save({ ...s, status: 'cancelled', step: undefined, updatedAt: now + 2, finishedAt: now + 2 } as Session);
  assert.equal(await saved(a), true);
  const again = await a.readVersioned('s-one');
  assert.equal(again?.version, 2);
  assert.equal(again?.session.status, 'cancelled');
  assert.equal(again?.session.step, undefined);
  await noticesArrive(1);
  assert.deepEqual(notices.splice(0), ['s-one:2']);
  const [row] = await database.query('SELECT lease_owner FROM sessions WHERE id = $1', ['s-one']);
  assert.equal(row.lease_owner, null, 'a finished session is leased by nobody');
});

test('answers by Idempotency-Key are kept with the session and go with it', async () => {
  const a = store('instance-a');
  a.save(session('s-keys'));
  a.saveReply('s-keys', 'k1', '{"answer":1}');
  a.saveReply('s-keys', 'k1', '{"answer":2}');
  assert.equal(await saved(a), true);
  assert.equal(await a.readReply('s-keys', 'k1'), '{"answer":1}', 'the first answer to a key stays');
  assert.equal(await a.readReply('s-keys', 'k2'), undefined);
  a.delete('s-keys');
  assert.equal(await saved(a), true);
  assert.equal(await a.read('s-keys'), undefined);
  assert.equal(await a.readReply('s-keys', 'k1'), undefined);
  notices.length = 0;
});

test('a save is fenced by another instance\'s live lease, and goes through once it ran out', async () => {
  const a = store('instance-a');
  const b = store('instance-b');
  a.save(session('s-fenced'));
  assert.equal(await saved(a), true);
  let lost = 0;
  b.save(session('s-fenced', { status: 'cancelled', finishedAt: now }), undefined, () => lost++);
  assert.equal(await saved(b), false);
  assert.equal(lost, 1);
  assert.equal((await a.read('s-fenced'))?.status, 'waiting_for_input');
  now += 15_001;
  b.save(session('s-fenced', { status: 'cancelled', finishedAt: now }), undefined, () => lost++);
  assert.equal(await saved(b), true);
  assert.equal(lost, 1);
  assert.equal((await a.read('s-fenced'))?.status, 'cancelled');
  notices.length = 0;
});

test('load deletes what is past retention and takes over only the sessions nobody holds', async () => {
  const a = store('instance-a');
  const b = store('instance-b');
  await database.query('DELETE FROM sessions');
  a.save(session('held-by-a'));
  a.save(session('old-finished', { status: 'cancelled', finishedAt: now - 10 }));
  a.save(session('orphan', { createdAt: now - 5 }), { step: 2 });
  a.saveReply('orphan', 'k', '"kept"');
  assert.equal(await saved(a), true);
  await database.query('UPDATE sessions SET lease_until = $1 WHERE id = $2', [now - 1, 'orphan']);
  const loaded = await b.load(now - 10);
  assert.deepEqual(
    loaded.sessions.map((x) => [x.session.id, x.bridgeState]),
    [['orphan', { step: 2 }]],
  );
  assert.deepEqual(loaded.replies.get('orphan'), new Map([['k', '"kept"']]));
  assert.equal(await a.read('old-finished'), undefined);
  const rows = await database.query('SELECT id, lease_owner FROM sessions ORDER BY id');
  assert.deepEqual(rows, [
    { id: 'held-by-a', lease_owner: 'instance-a' },
    { id: 'orphan', lease_owner: 'instance-b' },
  ]);
  notices.length = 0;
});
