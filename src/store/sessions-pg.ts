/**
 * The PostgreSQL implementation of {@link SessionStorage} (api.md §11). Writes are write-behind
 * like SQLite's group commit: the saves of one event-loop turn are flushed together in one
 * transaction (the last save of each session wins), and `whenSaved` answers once they are
 * committed or lost. Each save bumps the row's `version` and sends `NOTIFY bridge_login,
 * '<id>:<version>'` in the same transaction, which PostgreSQL delivers only on commit. A save
 * is fenced by the lease: a row another instance has taken over is not written (the write is lost).
 */
import type pg from 'pg';
import type { Session, SessionStatus, SessionStep } from '../sessions/model.ts';
import type { LoginError } from '../bridges/types.ts';
import type { SessionStorage, StoredSession, StoredSessions } from './storage.ts';
import type { PgWriteQueue } from './pg/write-queue.ts';

/** Key of the advisory lock under which the caps are counted ('bl-caps' in ASCII). */
const CAPS_LOCK = '27703489914302579';

/** The channel every instance listens on. */
export const CHANNEL = 'bridge_login';

interface Row {
  id: string;
  user_id: string;
  bridge_id: string;
  flow_id: string;
  status: string;
  step_json: string | null;
  error_json: string | null;
  login_id: string | null;
  last_answered_step_id: string | null;
  bridge_state_json: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  finished_at: string | null;
  version: string;
}

/** A session as stored, with its version (bumped on every save). */
export interface VersionedSession {
  session: Session;
  version: number;
}

function fromRow(r: Row): Session {
  return {
    id: r.id,
    ...(r.user_id !== '' ? { owner: r.user_id } : {}),
    bridgeID: r.bridge_id,
    flowID: r.flow_id,
    status: r.status as SessionStatus,
    ...(r.step_json != null ? { step: JSON.parse(r.step_json) as SessionStep } : {}),
    ...(r.error_json != null ? { error: JSON.parse(r.error_json) as LoginError } : {}),
    ...(r.login_id != null ? { loginID: r.login_id } : {}),
    ...(r.last_answered_step_id != null ? { lastAnsweredStepID: r.last_answered_step_id } : {}),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    expiresAt: Number(r.expires_at),
    ...(r.finished_at != null ? { finishedAt: Number(r.finished_at) } : {}),
  };
}

/** A statement joined to the next flush; `done` hears whether it was committed. */
interface Statement {
  sql: string;
  params: unknown[];
  done?: (committed: boolean) => void;
}

interface PendingSave {
  session: Session;
  bridgeState: unknown;
  lost: (() => void)[];
}

export interface PgSessionStoreOptions {
  pool: pg.Pool;
  /** This instance: the lease owner its saves write and are fenced by. */
  instanceID: string;
  /** How long a lease taken by a save lasts (ms). */
  leaseMs: number;
  now: () => number;
  /** Hears a failed flush; its writes are then lost. */
  onError: (err: unknown) => void;
}

const UPSERT = `
  INSERT INTO sessions AS s (id, user_id, bridge_id, flow_id, status, step_json, error_json, login_id, last_answered_step_id,
    bridge_state_json, created_at, updated_at, expires_at, finished_at, version, lease_owner, lease_until)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16)
  ON CONFLICT (id) DO UPDATE SET status = $5, step_json = $6, error_json = $7, login_id = $8, last_answered_step_id = $9,
    bridge_state_json = $10, updated_at = $12, finished_at = $14, version = s.version + 1, lease_owner = $15, lease_until = $16
  WHERE s.lease_owner IS NULL OR s.lease_owner = $17 OR s.lease_until < $18
  RETURNING version`;

export class PgSessionStore implements SessionStorage, PgWriteQueue {
  private pending = new Map<string, PendingSave>();
  private extra: Statement[] = [];
  private waiting: ((saved: boolean) => void)[] = [];
  private scheduled = false;
  /** The flush being committed now, if any (flushes run one after the other). */
  private flushing: Promise<void> = Promise.resolve();
  private inFlight = 0;
  /** Whether the last flush committed every write. */
  private lastSaved = true;

  constructor(private readonly opts: PgSessionStoreOptions) {}

  save(s: Session, bridgeState?: unknown, onLost?: () => void): void {
    const prev = this.pending.get(s.id);
    const lost = prev?.lost ?? [];
    if (onLost) lost.push(onLost);
    this.pending.set(s.id, { session: s, bridgeState, lost });
    this.schedule();
  }

  /**
   * Insert a new session's row now, if the caps allow it: the active sessions of everyone, and
   * of its owner, are counted in the same transaction under an advisory lock, so that
   * instances creating at once cannot together pass a cap (api.md §5, §10). The row is this
   * instance's (leased); the session's first save then updates it.
   */
  async reserve(s: Session, caps: { maxActive: number; maxActivePerUser: number }): Promise<'reserved' | 'global' | 'user'> {
    const client = await this.opts.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [CAPS_LOCK]);
      const now = this.opts.now();
      const { rows } = await client.query<{ everyone: string; mine: string }>(
        'SELECT count(*) AS everyone, count(*) FILTER (WHERE user_id = $2) AS mine FROM sessions WHERE finished_at IS NULL AND expires_at > $1',
        [now, s.owner ?? ''],
      );
      const counts = rows[0]!;
      let verdict: 'reserved' | 'global' | 'user' = 'reserved';
      if (s.owner !== undefined && Number(counts.mine) >= caps.maxActivePerUser) verdict = 'user';
      else if (Number(counts.everyone) >= caps.maxActive) verdict = 'global';
      if (verdict !== 'reserved') {
        await client.query('ROLLBACK');
        return verdict;
      }
      await client.query(
        `INSERT INTO sessions (id, user_id, bridge_id, flow_id, status, created_at, updated_at, expires_at, lease_owner, lease_until)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)`,
        [s.id, s.owner ?? '', s.bridgeID, s.flowID, s.status, s.createdAt, s.expiresAt, this.opts.instanceID, now + this.opts.leaseMs],
      );
      await client.query('COMMIT');
      return 'reserved';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Writes join this turn's flush anyway: one transaction for all of them. */
  inTransaction<T>(fn: () => T): T {
    return fn();
  }

  delete(id: string): void {
    this.pending.delete(id);
    this.extra.push({ sql: 'DELETE FROM sessions WHERE id = $1', params: [id] });
    this.schedule();
  }

  saveReply(sessionID: string, key: string, replyJSON: string): void {
    this.extra.push({
      sql: 'INSERT INTO session_replies (session_id, idempotency_key, reply_json) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1) ON CONFLICT DO NOTHING',
      params: [sessionID, key, replyJSON],
    });
    this.schedule();
  }

  /** Run `sql` in the next flush's transaction (a completed login is saved with its session). */
  enqueue(sql: string, params: unknown[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.extra.push({ sql, params, done: (committed) => (committed ? resolve() : reject(new Error('the write was lost: its transaction did not commit'))) });
      this.schedule();
    });
  }

  async read(id: string): Promise<Session | undefined> {
    return (await this.readVersioned(id))?.session;
  }

  /** The stored session with its version (by primary key). */
  async readVersioned(id: string): Promise<VersionedSession | undefined> {
    const { rows } = await this.opts.pool.query<Row>('SELECT * FROM sessions WHERE id = $1', [id]);
    const r = rows[0];
    return r ? { session: fromRow(r), version: Number(r.version) } : undefined;
  }

  /** The stored session and the bridge state kept to resume it. */
  async readForResume(id: string): Promise<StoredSession | undefined> {
    const { rows } = await this.opts.pool.query<Row>('SELECT * FROM sessions WHERE id = $1', [id]);
    const r = rows[0];
    return r ? withState(r) : undefined;
  }

  async readReply(id: string, key: string): Promise<string | undefined> {
    const { rows } = await this.opts.pool.query<{ reply_json: string }>('SELECT reply_json FROM session_replies WHERE session_id = $1 AND idempotency_key = $2', [id, key]);
    return rows[0]?.reply_json;
  }

  /**
   * Delete sessions finished at or before `cutoff`, then take over every unfinished session
   * whose lease has run out (or that nobody holds), and read those with their answers.
   */
  async load(cutoff: number): Promise<StoredSessions> {
    await this.deleteFinishedBefore(cutoff);
    return this.claimOrphans();
  }

  /** Delete sessions finished at or before `cutoff` (their answers go with them). */
  async deleteFinishedBefore(cutoff: number): Promise<number> {
    const { rowCount } = await this.opts.pool.query('DELETE FROM sessions WHERE finished_at IS NOT NULL AND finished_at <= $1', [cutoff]);
    return rowCount ?? 0;
  }

  /** Take the lease on every unfinished session nobody holds any more; read them. */
  async claimOrphans(): Promise<StoredSessions> {
    const now = this.opts.now();
    const { rows } = await this.opts.pool.query<Row>(
      `UPDATE sessions SET lease_owner = $1, lease_until = $2
       WHERE finished_at IS NULL AND (lease_owner IS NULL OR lease_until < $3) RETURNING *`,
      [this.opts.instanceID, now + this.opts.leaseMs, now],
    );
    rows.sort((a, b) => Number(a.created_at) - Number(b.created_at));
    const replies = new Map<string, Map<string, string>>();
    if (rows.length > 0) {
      const r = await this.opts.pool.query<{ session_id: string; idempotency_key: string; reply_json: string }>(
        'SELECT session_id, idempotency_key, reply_json FROM session_replies WHERE session_id = ANY($1)',
        [rows.map((x) => x.id)],
      );
      for (const x of r.rows) {
        let m = replies.get(x.session_id);
        if (!m) replies.set(x.session_id, (m = new Map()));
        m.set(x.idempotency_key, x.reply_json);
      }
    }
    return { sessions: rows.map(withState), replies };
  }

  whenSaved(callback: (saved: boolean) => void): void {
    if (this.scheduled) this.waiting.push(callback);
    else if (this.inFlight > 0) void this.flushing.then(() => callback(this.lastSaved));
    else callback(true);
  }

  /** Wait until every write made so far is committed or lost (at close). */
  flush(): Promise<boolean> {
    return new Promise((resolve) => this.whenSaved(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = { saves: this.pending, extra: this.extra, waiting: this.waiting };
      this.pending = new Map();
      this.extra = [];
      this.waiting = [];
      this.inFlight++;
      this.flushing = this.flushing.then(() => this.commit(batch.saves, batch.extra)).then(
        (saved) => {
          for (const e of batch.extra) e.done?.(true);
          this.settle(batch.waiting, saved);
        },
        (err: unknown) => {
          this.opts.onError(err);
          for (const e of batch.extra) e.done?.(false);
          for (const p of batch.saves.values()) for (const fn of p.lost) fn();
          this.settle(batch.waiting, false);
        },
      );
    });
  }

  private settle(waiting: ((saved: boolean) => void)[], saved: boolean): void {
    this.inFlight--;
    this.lastSaved = saved;
    // Callers that asked after this batch was taken wait for theirs (already scheduled).
    for (const fn of waiting) fn(saved);
  }

  /** Commit one batch; a save fenced out by another instance's lease is lost. */
  private async commit(saves: Map<string, PendingSave>, extra: Statement[]): Promise<boolean> {
    if (saves.size === 0 && extra.length === 0) return true;
    const client = await this.opts.pool.connect();
    const fenced: PendingSave[] = [];
    try {
      await client.query('BEGIN');
      const now = this.opts.now();
      const me = this.opts.instanceID;
      for (const p of saves.values()) {
        const s = p.session;
        const running = s.finishedAt === undefined;
        const { rows } = await client.query<{ version: string }>(UPSERT, [
          s.id, s.owner ?? '', s.bridgeID, s.flowID, s.status,
          s.step ? JSON.stringify(s.step) : null,
          s.error ? JSON.stringify(s.error) : null,
          s.loginID ?? null, s.lastAnsweredStepID ?? null,
          p.bridgeState === undefined ? null : JSON.stringify(p.bridgeState),
          s.createdAt, s.updatedAt, s.expiresAt, s.finishedAt ?? null,
          running ? me : null, running ? now + this.opts.leaseMs : null, me, now,
        ]);
        const v = rows[0]?.version;
        if (v === undefined) fenced.push(p);
        else await client.query('SELECT pg_notify($1, $2)', [CHANNEL, `${s.id}:${v}`]);
      }
      for (const e of extra) await client.query(e.sql, e.params);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    for (const p of fenced) for (const fn of p.lost) fn();
    return fenced.length === 0;
  }
}

function withState(r: Row): StoredSession {
  return { session: fromRow(r), ...(r.bridge_state_json != null ? { bridgeState: JSON.parse(r.bridge_state_json) as unknown } : {}) };
}
