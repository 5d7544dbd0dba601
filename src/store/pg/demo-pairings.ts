/** The PostgreSQL implementation of {@link DemoPairingStorage}: a scan on one instance reaches the login on another. */
import type pg from 'pg';
import type { DemoPairingStorage } from '../storage.ts';

export class PgDemoPairingStore implements DemoPairingStorage {
  constructor(private readonly pool: pg.Pool) {}

  async add(hash: string, now: number): Promise<void> {
    await this.pool.query('INSERT INTO demo_pairings (hash, created_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [hash, now]);
  }

  async has(hash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM demo_pairings WHERE hash = $1 AND username IS NULL', [hash]);
    return (rowCount ?? 0) > 0;
  }

  async claim(hash: string, username: string): Promise<boolean> {
    // One statement: of two scans of one token at once, one wins.
    const { rowCount } = await this.pool.query('UPDATE demo_pairings SET username = $2 WHERE hash = $1 AND username IS NULL', [hash, username]);
    return (rowCount ?? 0) > 0;
  }

  async take(hash: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ username: string }>('DELETE FROM demo_pairings WHERE hash = $1 AND username IS NOT NULL RETURNING username', [hash]);
    return rows[0]?.username;
  }

  async remove(hash: string, cutoff: number): Promise<void> {
    await this.pool.query('DELETE FROM demo_pairings WHERE hash = $1 OR created_at < $2', [hash, cutoff]);
  }
}
