/** Test helper: a database file as an older version of bridge-login left it. */
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/migrations.ts';

/**
 * Create `file` with only the first `version` migrations applied, as that version wrote it,
 * and return the open connection (for the rows the test needs; close it before the code under
 * test opens the file).
 */
export function databaseAtVersion(file: string, version: number): Database.Database {
  const db = new Database(file);
  for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
  db.pragma(`user_version = ${version}`);
  return db;
}
