/** The PostgreSQL implementation of {@link DemoCookieStorage}: a value issued on one instance may be taken on any. */
import type pg from 'pg';
import type { DemoCookieStorage } from '../storage.ts';

export class PgDemoCookieStore implements DemoCookieStorage {
  constructor(private readonly pool: pg.Pool) {}

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM demo_cookies');
    return rows[0]?.n ?? 0;
  }

  async evictOldest(n: number): Promise<void> {
    if (n <= 0) return;
    await this.pool.query('DELETE FROM demo_cookies WHERE value_hash IN (SELECT value_hash FROM demo_cookies ORDER BY created_at, seq LIMIT $1)', [n]);
  }

  async add(valueHash: string, username: string, now: number): Promise<void> {
    await this.pool.query('INSERT INTO demo_cookies (value_hash, username, created_at) VALUES ($1, $2, $3)', [valueHash, username, now]);
  }

  async take(valueHash: string, since: number): Promise<string | undefined> {
    // One statement: of two instances taking the same value at once, one gets it.
    const { rows } = await this.pool.query<{ username: string }>('DELETE FROM demo_cookies WHERE value_hash = $1 AND created_at >= $2 RETURNING username', [
      valueHash,
      since,
    ]);
    return rows[0]?.username;
  }

  async purgeBefore(cutoff: number): Promise<void> {
    await this.pool.query('DELETE FROM demo_cookies WHERE created_at < $1', [cutoff]);
  }
}
