/** The PostgreSQL implementation of {@link LoginStorage}. */
import type pg from 'pg';
import type { LoginStorage, LoginWrite, LoginWriteOptions, StoredLogin } from '../storage.ts';
import type { PgWriteQueue } from './write-queue.ts';
import { loginFromRow as fromRow, type LoginRow as Row } from '../logins.ts';


const UPSERT = `INSERT INTO logins (user_id, bridge_id, login_id, status, status_text, user_json, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
  ON CONFLICT (user_id, bridge_id, login_id) DO UPDATE SET status = excluded.status, status_text = excluded.status_text,
    user_json = excluded.user_json, updated_at = excluded.updated_at`;
const DELETE = 'DELETE FROM logins WHERE user_id = $1 AND bridge_id = $2 AND login_id = $3';

export class PgLoginStore implements LoginStorage {
  /**
   * `queue`: the session store's, which writes asked `withSessions` join (a completed login is
   * saved with its session); every other write runs on its own.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly queue?: PgWriteQueue,
  ) {}

  async list(bridgeID: string, owner = ''): Promise<StoredLogin[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM logins WHERE user_id = $1 AND bridge_id = $2 ORDER BY created_at, login_id', [owner, bridgeID]);
    return rows.map(fromRow);
  }

  async listAll(owner = ''): Promise<StoredLogin[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM logins WHERE user_id = $1 ORDER BY bridge_id, created_at, login_id', [owner]);
    return rows.map(fromRow);
  }

  async get(bridgeID: string, loginID: string, owner = ''): Promise<StoredLogin | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM logins WHERE user_id = $1 AND bridge_id = $2 AND login_id = $3', [owner, bridgeID, loginID]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async count(bridgeID: string, owner = ''): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM logins WHERE user_id = $1 AND bridge_id = $2', [owner, bridgeID]);
    return rows[0]?.n ?? 0;
  }

  async countByOwner(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ user_id: string; n: number }>('SELECT user_id, count(*) AS n FROM logins GROUP BY user_id');
    return new Map(rows.map((r) => [r.user_id, r.n]));
  }

  async upsert(login: LoginWrite, now: number, owner = '', options: LoginWriteOptions = {}): Promise<StoredLogin> {
    const params = [owner, login.bridgeID, login.loginID, login.status, login.statusText ?? null, JSON.stringify(login.user), now];
    if (!this.queue || !options.withSessions) return fromRow((await this.pool.query<Row>(`${UPSERT} RETURNING *`, params)).rows[0]!);
    // Queued at once (before any await), so that it joins the flush of this turn's session writes.
    await this.queue.enqueue(UPSERT, params);
    const stored = await this.get(login.bridgeID, login.loginID, owner);
    // Deleted again in between: what was written is the answer.
    return stored ?? fromRow({ user_id: owner, bridge_id: login.bridgeID, login_id: login.loginID, status: login.status, status_text: login.statusText ?? null, user_json: JSON.stringify(login.user), created_at: now, updated_at: now });
  }

  async delete(bridgeID: string, loginID: string, owner = '', options: LoginWriteOptions = {}): Promise<boolean> {
    if (!this.queue || !options.withSessions) return ((await this.pool.query(DELETE, [owner, bridgeID, loginID])).rowCount ?? 0) > 0;
    // Both issued before any await: the delete joins this turn's flush; whether there was a
    // login is read as it stood just before.
    const existed = this.get(bridgeID, loginID, owner);
    const deleted = this.queue.enqueue(DELETE, [owner, bridgeID, loginID]);
    const [found] = await Promise.all([existed, deleted]);
    return found !== undefined;
  }
}
