/** `bridge-login migrate` on SQLite: creates or upgrades the data directory's database, then finds it current. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { schemaVersion } from '../../src/store/db.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { tempDir } from '../support/server.ts';
import { runCLI } from './cli-in-process.ts';

test('migrate brings a new SQLite database to the current schema, then says it is up to date', async () => {
  const { dir, remove } = tempDir();
  try {
    const env = { BRIDGE_LOGIN_DATA_DIR: path.join(dir, 'data') };
    const first = await runCLI(['migrate'], env);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`from schema 0 to ${MIGRATIONS.length}`));
    assert.equal(schemaVersion(path.join(dir, 'data', 'bridge-login.sqlite')), MIGRATIONS.length);
    const again = await runCLI(['migrate'], env);
    assert.match(again.stdout, new RegExp(`up to date \\(schema ${MIGRATIONS.length}\\)`));
  } finally {
    remove();
  }
});

test('migrate with a database URL that is not PostgreSQL stops with the setting named', async () => {
  const r = await runCLI(['migrate'], { BRIDGE_LOGIN_DATABASE_URL: 'mysql://u:hunter2@h/db' });
  assert.equal(r.exitCode, 78);
  assert.match(r.stderr, /BRIDGE_LOGIN_DATABASE_URL must be a postgres:\/\//);
  assert.ok(!r.stderr.includes('hunter2'));
});
