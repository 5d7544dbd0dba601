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

/**
 * Open (creating if needed) the database at `file`, or an in-memory one for `:memory:`,
 * and bring its schema up to date. A database written by an older version is migrated.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') ownerOnly(file);
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // NORMAL is durable in WAL mode except for the last transactions on power loss, not on a
  // process crash, which is what the crash-safety promise is about.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
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

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this server knows (${MIGRATIONS.length}); upgrade bridge-login`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
