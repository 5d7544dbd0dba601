/**
 * The demo bridge's issued sign-in cookies (`api.md` §7): only their hashes, with the user
 * each was issued for; each is taken (deleted) when used, and the oldest go past a cap.
 */
import type { Db } from './db.ts';
import type { DemoCookieStorage } from './storage.ts';

/** The SQLite implementation of {@link DemoCookieStorage}. */
export class DemoCookieStore implements DemoCookieStorage {
  private readonly insertStmt;
  private readonly takeStmt;
  private readonly purgeStmt;
  private readonly countStmt;
  private readonly evictStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO demo_cookies (value_hash, username, created_at) VALUES (?, ?, ?)');
    this.takeStmt = db.prepare<[string, number], { username: string }>('DELETE FROM demo_cookies WHERE value_hash = ? AND created_at >= ? RETURNING username');
    this.purgeStmt = db.prepare('DELETE FROM demo_cookies WHERE created_at < ?');
    this.countStmt = db.prepare<[], number>('SELECT count(*) FROM demo_cookies').pluck();
    this.evictStmt = db.prepare('DELETE FROM demo_cookies WHERE rowid IN (SELECT rowid FROM demo_cookies ORDER BY created_at, rowid LIMIT ?)');
  }

  /** Number of values kept. */
  count(): Promise<number> {
    return Promise.resolve(this.countStmt.get()!);
  }

  /** Delete the `n` oldest values. */
  evictOldest(n: number): Promise<void> {
    if (n > 0) this.evictStmt.run(n);
    return Promise.resolve();
  }

  /** Keep a value's hash, issued at `now` for `username`. */
  add(valueHash: string, username: string, now: number): Promise<void> {
    this.insertStmt.run(valueHash, username, now);
    return Promise.resolve();
  }

  /** The username a hash was issued for, at or after `since`, deleting it; undefined when none. */
  take(valueHash: string, since: number): Promise<string | undefined> {
    return Promise.resolve(this.takeStmt.get(valueHash, since)?.username);
  }

  /** Delete values issued before `cutoff`. */
  purgeBefore(cutoff: number): Promise<void> {
    this.purgeStmt.run(cutoff);
    return Promise.resolve();
  }
}
