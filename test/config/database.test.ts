/** The `database` settings: a postgres:// URL selects PostgreSQL; a bad one stops the start, its password unshown. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { tempDir } from '../support/server.ts';

test('without a URL the server keeps SQLite; the pool and lease have their defaults', () => {
  const config = loadConfig({}, {});
  assert.deepEqual(config.database, { poolSize: 10, leaseSeconds: 15 });
  assert.deepEqual(loadConfig({}, { BRIDGE_LOGIN_DATABASE_URL: '' }).database, { poolSize: 10, leaseSeconds: 15 }, 'an empty variable is none');
});

test('the environment wins over the file for every database key', () => {
  const { dir, remove } = tempDir();
  try {
    const file = path.join(dir, 'bridge-login.yaml');
    writeFileSync(file, 'database:\n  url: postgres://file-host/db\n  poolSize: 4\n  leaseSeconds: 30\n');
    assert.deepEqual(loadConfig({ config: file }, {}).database, { url: 'postgres://file-host/db', poolSize: 4, leaseSeconds: 30 });
    const env = { BRIDGE_LOGIN_DATABASE_URL: 'postgresql://u:p@env-host:5433/bl', BRIDGE_LOGIN_DATABASE_POOL_SIZE: '20', BRIDGE_LOGIN_LEASE_SECONDS: '2' };
    assert.deepEqual(loadConfig({ config: file }, env).database, { url: 'postgresql://u:p@env-host:5433/bl', poolSize: 20, leaseSeconds: 2 });
  } finally {
    remove();
  }
});

test('a bad database setting names itself and never shows a password', () => {
  const { dir, remove } = tempDir();
  try {
    const cases: [Record<string, string>, RegExp][] = [
      [{ BRIDGE_LOGIN_DATABASE_URL: 'mysql://u:hunter2@h/db' }, /^BRIDGE_LOGIN_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
      [{ BRIDGE_LOGIN_DATABASE_URL: 'postgres:///db?password=hunter2' }, /^BRIDGE_LOGIN_DATABASE_URL names no host/],
      [{ BRIDGE_LOGIN_DATABASE_URL: 'postgres://u:hunter2@h' }, /^BRIDGE_LOGIN_DATABASE_URL must name one database/],
      [{ BRIDGE_LOGIN_DATABASE_URL: 'postgres://u:hunter2@h:notaport/db' }, /^BRIDGE_LOGIN_DATABASE_URL is not a valid URL/],
      [{ BRIDGE_LOGIN_DATABASE_POOL_SIZE: '0' }, /^BRIDGE_LOGIN_DATABASE_POOL_SIZE must be a whole number from 1 to 1000$/],
      [{ BRIDGE_LOGIN_LEASE_SECONDS: 'soon' }, /^BRIDGE_LOGIN_LEASE_SECONDS must be a whole number from 1 to 3600$/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig({}, env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message) && !err.message.includes('hunter2'),
        JSON.stringify(env),
      );
    }
    const file = path.join(dir, 'bridge-login.yaml');
    writeFileSync(file, 'database:\n  url: postgres://h/db\n  pool: 3\n');
    assert.throws(() => loadConfig({ config: file }, {}), (err: unknown) => err instanceof ConfigError && err.message.includes('"database.pool" is not a known setting'));
  } finally {
    remove();
  }
});
