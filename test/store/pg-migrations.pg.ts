import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testClusterURL, withDatabase } from '../support/postgres.ts';
import { openPostgres } from '../../src/store/pg/pool.ts';
import { PG_MIGRATIONS, migratePostgres } from '../../src/store/pg/migrations.ts';
import { isUnavailable } from '../../src/store/pg/errors.ts';
import { DatabaseVersionError } from '../../src/store/db.ts';

test('three runners starting at once on an empty database migrate it once', async () => {
  const db = await withDatabase();
  const opened = await Promise.all([0, 1, 2].map(() => openPostgres(db.url, { poolSize: 2 })));
  try {
    const results = await Promise.all(opened.map((o) => migratePostgres(o.pool)));
    // Exactly one found the database empty; the others waited on the lock and found it current.
    assert.deepEqual(results.map((r) => r.from).sort(), [0, PG_MIGRATIONS.length, PG_MIGRATIONS.length]);
    assert.ok(results.every((r) => r.to === PG_MIGRATIONS.length));
    const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(versions.map((r) => r.version), PG_MIGRATIONS.map((_, i) => i + 1));
    const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    assert.deepEqual(
      tables.map((t) => t.tablename),
      ['demo_cookies', 'demo_pairings', 'logins', 'oauth_clients', 'oauth_codes', 'oauth_grants', 'oauth_requests', 'oauth_tokens', 'people', 'schema_migrations', 'session_replies', 'sessions', 'tokens'],
    );
    const leaseColumns = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions' AND column_name IN ('version', 'lease_owner', 'lease_until') ORDER BY column_name",
    );
    assert.deepEqual(leaseColumns.map((c) => c.column_name), ['lease_owner', 'lease_until', 'version']);
  } finally {
    await Promise.all(opened.map((o) => o.close()));
  }
});

test('a schema newer than the code is refused; a check without upgrade refuses an old one', async () => {
  const db = await withDatabase();
  const o = await openPostgres(db.url);
  try {
    await assert.rejects(migratePostgres(o.pool, { upgrade: false }), (err: unknown) => err instanceof DatabaseVersionError && /bridge-login migrate/.test(err.message));
    await migratePostgres(o.pool);
    assert.deepEqual(await migratePostgres(o.pool, { upgrade: false }), { from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length });
    await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [PG_MIGRATIONS.length + 1]);
    await assert.rejects(migratePostgres(o.pool), (err: unknown) => err instanceof DatabaseVersionError && /newer than this server knows/.test(err.message));
  } finally {
    await o.close();
  }
});

test('a database that cannot be reached fails as unavailable, quickly', async () => {
  // Port 1 on 127.0.0.1: nothing listens there, so the connection is refused.
  const url = new URL(testClusterURL());
  url.port = '1';
  const o = await openPostgres(url.toString());
  try {
    const err = await o.pool.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isUnavailable(err), `expected unavailable: ${String(err)}`);
  } finally {
    await o.close();
  }
});
