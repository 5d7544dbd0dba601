/**
 * @module store
 * The embedded SQLite store (better-sqlite3): one file in the data directory, WAL mode,
 * numbered migrations applied at open. Repositories in this folder wrap prepared statements;
 * nothing outside this folder writes SQL.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/**
 * Open (creating if needed) the database at `file`, or an in-memory one for `:memory:`,
 * and bring its schema up to date. A database written by an older version is migrated.
 */
export function openDatabase(file: string): Db {
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
