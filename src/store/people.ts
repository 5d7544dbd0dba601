/**
 * The people who signed in with Matrix (api.md §10): when each was first and last seen. Last
 * seen moves at sign-in and with their requests, written at most once a minute per person.
 */
import type { Db } from './db.ts';
import type { PeopleStorage, PersonRow } from './storage.ts';

export type { PersonRow } from './storage.ts';

/** How often a person's requests may move their last-seen time in the database. */
const SEEN_EVERY_MS = 60_000;

/** The SQLite implementation of {@link PeopleStorage}. */
export class PeopleStore implements PeopleStorage {
  private readonly upsertStmt;
  private readonly allStmt;
  private readonly oneStmt;
  /** When each person's last-seen time was last written, in this process. */
  private readonly written = new Map<string, number>();

  constructor(db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO people (user_id, first_seen_at, last_seen_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    );
    this.allStmt = db.prepare<[], { user_id: string; first_seen_at: number; last_seen_at: number }>('SELECT * FROM people ORDER BY user_id');
    this.oneStmt = db.prepare<[string], { user_id: string }>('SELECT user_id FROM people WHERE user_id = ?');
  }

  /** Record that `userID` was seen at `now` (always at sign-in; at most once a minute otherwise). */
  seen(userID: string, now: number, force = false): Promise<void> {
    if (!seenDue(this.written, userID, now, force)) return Promise.resolve();
    this.upsertStmt.run(userID, now, now);
    return Promise.resolve();
  }

  list(): Promise<PersonRow[]> {
    return Promise.resolve(this.allStmt.all().map((r) => ({ userID: r.user_id, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at })));
  }

  has(userID: string): Promise<boolean> {
    return Promise.resolve(this.oneStmt.get(userID) !== undefined);
  }
}

/**
 * Whether a person's last-seen time is due to be written at `now` (always with `force`), noting
 * it in `written` (user → when last written in this process) when it is.
 */
export function seenDue(written: Map<string, number>, userID: string, now: number, force: boolean): boolean {
  const last = written.get(userID);
  if (!force && last !== undefined && now - last < SEEN_EVERY_MS) return false;
  written.set(userID, now);
  return true;
}
