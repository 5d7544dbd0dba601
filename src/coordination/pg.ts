/**
 * The PostgreSQL {@link Coordinator}: several instances on one database (api.md §11). An
 * instance drives a session under a lease in its row (`lease_owner`, `lease_until`), renewed
 * every third of the lease; one whose lease runs out (its instance died) is taken over by
 * another. Changes reach the other instances by `NOTIFY bridge_login, '<id>:<version>'` (sent
 * by the session store in the transaction of the change), heard on one dedicated connection.
 * Sweeps run on one instance at a time, under a session-level advisory lock.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Clock, TimerHandle } from '../clock.ts';
import { CHANNEL } from '../store/sessions-pg.ts';
import type { Coordinator, CoordinatorHooks } from './coordinator.ts';

export interface PgCoordinatorOptions {
  pool: pg.Pool;
  /** Where the dedicated `LISTEN` connection connects (the database URL). */
  url: string;
  instanceID: string;
  /** How long a lease lasts without renewal (`database.leaseSeconds`, default 15 s). */
  leaseMs: number;
  clock: Clock;
  onError: (err: unknown, context: string) => void;
}

/** The advisory-lock key of a named task (the first 8 bytes of its SHA-256, as a signed bigint). */
export function lockKey(name: string): string {
  return createHash('sha256').update(`bridge-login:${name}`).digest().readBigInt64BE(0).toString();
}

/** How long the listening connection waits before connecting again after it was lost. */
const RECONNECT_MS = 1000;

export class PgCoordinator implements Coordinator {
  readonly shared = true;
  readonly instanceID: string;
  private readonly held = new Set<string>();
  private hooks?: CoordinatorHooks;
  private listener?: pg.Client;
  private renewal?: TimerHandle;
  private reconnect?: TimerHandle;
  private closed = false;

  constructor(private readonly opts: PgCoordinatorOptions) {
    this.instanceID = opts.instanceID;
  }

  /** Connect the listening connection and start renewing leases. */
  async start(): Promise<void> {
    if (this.listener || this.closed) return;
    await this.listen();
    this.scheduleRenewal();
  }

  /** Number of sessions whose lease this instance holds. */
  get leases(): number {
    return this.held.size;
  }

  async lease(id: string): Promise<boolean> {
    const now = this.opts.clock.now();
    const { rowCount } = await this.opts.pool.query(
      `UPDATE sessions SET lease_owner = $2, lease_until = $3
       WHERE id = $1 AND finished_at IS NULL AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4)`,
      [id, this.instanceID, now + this.opts.leaseMs, now],
    );
    if (rowCount === 1) this.held.add(id);
    return rowCount === 1;
  }

  /** A session's save took its lease (a new session, or one resumed here). */
  adopt(id: string): void {
    this.held.add(id);
  }

  /** Stop renewing: a finished session's save already cleared its lease. */
  release(id: string): void {
    this.held.delete(id);
  }

  /** Give the lease up in the database now, and tell the instance waiting for it. */
  async yieldLease(id: string): Promise<void> {
    this.held.delete(id);
    await this.opts.pool.query(
      `WITH freed AS (UPDATE sessions SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2 RETURNING id, version)
       SELECT pg_notify($3, id || ':' || version) FROM freed`,
      [id, this.instanceID, CHANNEL],
    );
  }

  async requestYield(id: string): Promise<void> {
    await this.opts.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, `${id}:yield`]);
  }

  /** The store sends the NOTIFY in the transaction of the change: nothing to do here. */
  changed(id: string): void {
    void id;
  }

  attach(hooks: CoordinatorHooks): void {
    this.hooks = hooks;
  }

  async runOnce(name: string, task: () => Promise<void>): Promise<boolean> {
    const client = await this.opts.pool.connect();
    try {
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [lockKey(name)]);
      if (!rows[0]?.got) return false;
      try {
        await task();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [lockKey(name)]);
      }
      return true;
    } finally {
      client.release();
    }
  }

  /** Stop renewing and listening; give every lease up so that another instance resumes at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.renewal?.cancel();
    this.reconnect?.cancel();
    const held = [...this.held];
    this.held.clear();
    try {
      if (held.length > 0) {
        await this.opts.pool.query('UPDATE sessions SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1) AND lease_owner = $2', [held, this.instanceID]);
      }
    } catch (err) {
      this.opts.onError(err, 'giving up leases at shutdown');
    }
    await this.listener?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 2000 });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      const at = n.payload.lastIndexOf(':');
      const id = n.payload.slice(0, at);
      try {
        if (n.payload.slice(at + 1) === 'yield') this.hooks?.yieldRequested(id);
        else this.hooks?.changed(id);
      } catch (err) {
        this.opts.onError(err, 'telling of a change');
      }
    });
    // A lost connection (the database restarted) is made again; changes sent meanwhile are
    // missed, which long-polls survive (they answer at their deadline with what they read).
    client.on('error', (err) => {
      this.opts.onError(err, 'listening for changes');
      this.relisten(client);
    });
    client.on('end', () => this.relisten(client));
    this.listener = client;
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  }

  private relisten(client: pg.Client): void {
    if (this.closed || this.listener !== client || this.reconnect) return;
    this.listener = undefined;
    this.reconnect = this.opts.clock.setTimeout(() => {
      this.reconnect = undefined;
      this.listen().catch((err: unknown) => {
        this.opts.onError(err, 'listening for changes');
        if (this.listener) this.relisten(this.listener);
      });
    }, RECONNECT_MS);
  }

  private scheduleRenewal(): void {
    if (this.closed) return;
    this.renewal = this.opts.clock.setTimeout(() => {
      this.renew()
        .catch((err: unknown) => this.opts.onError(err, 'renewing leases'))
        .finally(() => this.scheduleRenewal());
    }, Math.max(1, Math.floor(this.opts.leaseMs / 3)));
  }

  /** Renew every lease held; a session whose lease another instance took is lost here. */
  async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const ids = [...this.held];
    const now = this.opts.clock.now();
    const { rows } = await this.opts.pool.query<{ id: string }>(
      'UPDATE sessions SET lease_until = $3 WHERE id = ANY($1) AND lease_owner = $2 AND finished_at IS NULL RETURNING id',
      [ids, this.instanceID, now + this.opts.leaseMs],
    );
    const kept = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !kept.has(id));
    if (missing.length === 0) return;
    // A session whose first save is still being flushed has no row yet: it is not lost. One
    // that finished, or that another instance took over, is.
    const taken = await this.opts.pool.query<{ id: string }>('SELECT id FROM sessions WHERE id = ANY($1) AND lease_owner IS DISTINCT FROM $2', [missing, this.instanceID]);
    for (const { id } of taken.rows) {
      if (!this.held.delete(id)) continue;
      this.hooks?.leaseLost(id);
    }
  }
}
