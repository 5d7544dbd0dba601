/**
 * The PostgreSQL implementation of {@link TokenStorage}. Every check reads the database (one
 * lookup by the hash's unique index), with no cache: a token revoked on any instance, or by
 * `bridge-login token revoke`, is refused by every instance from the next request on.
 */
import type pg from 'pg';
import type { TokenHolder, TokenInfo, TokenStorage } from '../storage.ts';
import { hashToken, newToken, tokenInfoOf } from '../tokens.ts';

export class PgTokenStore implements TokenStorage {
  constructor(private readonly pool: pg.Pool) {}

  async create(name: string, now: number, options: { userID?: string; expiresAt?: number } = {}): Promise<{ token: string; info: TokenInfo }> {
    const made = newToken(name, now, options);
    await this.pool.query('INSERT INTO tokens (id, name, hash, created_at, user_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      made.info.id,
      name,
      made.hash,
      now,
      options.userID ?? '',
      options.expiresAt ?? null,
    ]);
    return { token: made.token, info: made.info };
  }

  async verify(token: string, now: number): Promise<TokenHolder | undefined> {
    // Looked up by its hash: the secret never reaches the database, and a lookup's timing says
    // nothing about it.
    const { rows } = await this.pool.query<{ id: string; user_id: string; expires_at: number | null }>(
      'SELECT id, user_id, expires_at FROM tokens WHERE hash = $1 AND revoked_at IS NULL',
      [hashToken(token).toString('hex')],
    );
    const r = rows[0];
    if (!r || (r.expires_at !== null && now >= r.expires_at)) return undefined;
    return r.user_id === '' ? { id: r.id } : { id: r.id, userID: r.user_id };
  }

  async list(): Promise<TokenInfo[]> {
    const { rows } = await this.pool.query<Parameters<typeof tokenInfoOf>[0]>(
      'SELECT id, name, created_at, revoked_at, user_id, expires_at FROM tokens ORDER BY created_at, id',
    );
    return rows.map(tokenInfoOf);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id]);
    return (rowCount ?? 0) > 0;
  }

  async revokeUser(userID: string, now: number): Promise<number> {
    const { rowCount } = await this.pool.query("UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND user_id <> '' AND revoked_at IS NULL", [now, userID]);
    return rowCount ?? 0;
  }

  async activeByUser(now: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ user_id: string; n: number }>(
      "SELECT user_id, count(*) AS n FROM tokens WHERE user_id <> '' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) GROUP BY user_id",
      [now],
    );
    return new Map(rows.map((r) => [r.user_id, r.n]));
  }

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM tokens LIMIT 1');
    return rows.length === 0;
  }
}
