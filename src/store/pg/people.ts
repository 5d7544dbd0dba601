/** The PostgreSQL implementation of {@link PeopleStorage}. */
import type pg from 'pg';
import type { PeopleStorage, PersonRow } from '../storage.ts';
import { seenDue } from '../people.ts';

export class PgPeopleStore implements PeopleStorage {
  /** When each person's last-seen time was last written by this instance. */
  private readonly written = new Map<string, number>();

  constructor(private readonly pool: pg.Pool) {}

  async seen(userID: string, now: number, force = false): Promise<void> {
    if (!seenDue(this.written, userID, now, force)) return;
    // GREATEST: instances' clocks and requests interleave; last seen never moves back.
    await this.pool.query(
      `INSERT INTO people (user_id, first_seen_at, last_seen_at) VALUES ($1, $2, $2)
       ON CONFLICT (user_id) DO UPDATE SET last_seen_at = GREATEST(people.last_seen_at, excluded.last_seen_at)`,
      [userID, now],
    );
  }

  async list(): Promise<PersonRow[]> {
    const { rows } = await this.pool.query<{ user_id: string; first_seen_at: number; last_seen_at: number }>('SELECT * FROM people ORDER BY user_id');
    return rows.map((r) => ({ userID: r.user_id, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at }));
  }

  async has(userID: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM people WHERE user_id = $1', [userID]);
    return rows.length > 0;
  }
}
