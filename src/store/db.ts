/**
 * @module store
 * The embedded SQLite store (better-sqlite3): one file in the data directory, WAL mode,
 * numbered migrations applied at open. Repositories in this folder wrap prepared statements;
 * nothing outside this folder writes SQL.
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/** The database's schema is not the one this version of the code works with. */
export class DatabaseVersionError extends Error {}

export interface OpenOptions {
  /**
   * Migrate a database written by an older version (default). The server does; the `token`
   * command does not, so that it never changes the schema under an older server still running.
   */
  upgrade?: boolean;
}

/**
 * Open (creating if needed) the database at `file`, or an in-memory one for `:memory:`,
 * and bring its schema up to date. A database written by an older version is migrated.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') ownerOnly(file);
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // NORMAL is durable in WAL mode except for the last transactions on power loss, not on a
  // process crash, which is what the crash-safety promise is about.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, options.upgrade ?? true);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Make the database file readable by its owner only, creating it so when new (SQLite gives its
 * -wal and -shm files the database file's permissions). Files of an older version are tightened.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const mode = statSync(f).mode & 0o777;
      if ((mode & 0o077) !== 0) chmodSync(f, mode & 0o700);
    } catch {
      // Absent (-wal, -shm), or not ours to change: SQLite reports what matters when it opens.
    }
  }
}

function migrate(db: Db, upgrade: boolean): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new DatabaseVersionError(`database schema version ${current} is newer than this server knows (${MIGRATIONS.length}); upgrade bridge-login`);
  }
  if (!upgrade && current > 0 && current < MIGRATIONS.length) {
    throw new DatabaseVersionError(
      `the database was written by an older bridge-login (schema ${current}, this one uses ${MIGRATIONS.length}); stop the old server and start this version (bridge-login serve), which upgrades it, then run this command again`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** The schema version of the SQLite file at `file` (0 when it does not exist yet), read without changing it. */
export function schemaVersion(file: string): number {
  if (file === ':memory:' || !existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}
