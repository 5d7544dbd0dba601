/** A login written `withSessions` goes through the session store's queue (its transaction); others do not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { migratePostgres } from '../../src/store/pg/migrations.ts';
import { PgLoginStore } from '../../src/store/pg/logins.ts';
import type { PgWriteQueue } from '../../src/store/pg/write-queue.ts';

const db = await withDatabase();

/** A queue that holds statements until the test commits them (or loses them). */
function heldQueue(run: (sql: string, params: unknown[]) => Promise<unknown>) {
  const held: { sql: string; params: unknown[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  const queue: PgWriteQueue = {
    enqueue: (sql, params) => new Promise<void>((resolve, reject) => held.push({ sql, params, resolve, reject })),
  };
  return {
    queue,
    held,
    async commit() {
      for (const h of held.splice(0)) {
        await run(h.sql, h.params);
        h.resolve();
      }
    },
    lose() {
      for (const h of held.splice(0)) h.reject(new Error('the write was lost'));
    },
  };
}

test('a login written with its session waits for that transaction; one that is lost is not stored', async () => {
  const pg = await openPostgres(db.url);
  try {
    await migratePostgres(pg.pool);
    const q = heldQueue((sql, params) => pg.pool.query(sql, params));
    const logins = new PgLoginStore(pg.pool, q.queue);
    const user = { id: 'u' };

    const withSession = logins.upsert({ bridgeID: 'demo', loginID: 'a', status: 'connected', user }, 1000, '', { withSessions: true });
    assert.equal(q.held.length, 1, 'queued at once, in the same turn as the session save');
    assert.equal(await logins.get('demo', 'a'), undefined, 'not stored before the transaction commits');
    await q.commit();
    assert.equal((await withSession).loginID, 'a');
    assert.equal((await logins.get('demo', 'a'))?.status, 'connected');

    const lost = logins.upsert({ bridgeID: 'demo', loginID: 'b', status: 'connected', user }, 2000, '', { withSessions: true });
    q.lose();
    await assert.rejects(lost);
    assert.equal(await logins.get('demo', 'b'), undefined);

    // A refresh from the bridge is not part of any session: it is written on its own, at once.
    await logins.upsert({ bridgeID: 'demo', loginID: 'c', status: 'connected', user }, 3000);
    assert.equal(q.held.length, 0);
    assert.equal((await logins.get('demo', 'c'))?.loginID, 'c');
  } finally {
    await pg.close();
  }
});
