/** `bridge-login migrate` and `token` on PostgreSQL (database.url). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PG_MIGRATIONS } from '../../src/store/pg/migrations.ts';
import { testClusterURL, withDatabase } from '../support/postgres.ts';
import { runCLI } from './cli-in-process.ts';

test('token commands refuse an unmigrated database; migrate migrates it; tokens then work on it', async () => {
  const db = await withDatabase();
  const env = { BRIDGE_LOGIN_DATABASE_URL: db.url };
  const early = await runCLI(['token', 'list'], env);
  assert.equal(early.exitCode, 78);
  assert.match(early.stderr, /run bridge-login migrate/);
  assert.deepEqual(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'tokens'"), [], 'the token command changed no schema');

  const migrated = await runCLI(['migrate'], env);
  assert.equal(migrated.exitCode, 0, migrated.stderr);
  assert.match(migrated.stdout, new RegExp(`PostgreSQL database from schema 0 to ${PG_MIGRATIONS.length}`));
  assert.match((await runCLI(['migrate'], env)).stdout, /up to date/);

  const created = await runCLI(['token', 'create', '--name', 'ops'], env);
  assert.equal(created.exitCode, 0, created.stderr);
  const secret = created.stdout.trim().split('\n').at(-1)!;
  const rows = await db.query<{ name: string; hash: string }>('SELECT name, hash FROM tokens');
  assert.deepEqual(rows.map((r) => r.name), ['ops']);
  assert.ok(!JSON.stringify(rows).includes(secret), 'only the hash is stored');
  const id = /Created token ([0-9a-f]+)/.exec(created.stdout)![1]!;
  assert.equal((await runCLI(['token', 'revoke', id], env)).exitCode, 0);
  assert.match((await runCLI(['token', 'list'], env)).stdout, /revoked/);
});

test('a PostgreSQL server that cannot be reached is a clear error, without the password', async () => {
  const url = new URL(testClusterURL());
  url.port = '1';
  url.password = 'hunter2';
  url.pathname = '/nowhere';
  const r = await runCLI(['migrate'], { BRIDGE_LOGIN_DATABASE_URL: url.toString() });
  assert.equal(r.exitCode, 78);
  assert.match(r.stderr, /cannot reach the PostgreSQL database/);
  assert.ok(!r.stderr.includes('hunter2'));
});
