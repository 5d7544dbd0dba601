/**
 * How a PostgreSQL store's writes join the session store's transactions. The session store
 * (store/sessions-pg.ts) flushes the writes of one event-loop turn in one transaction; a login
 * written when a session completes must be saved with that session or not at all, so the login
 * store hands its statements to the same queue instead of running them on its own.
 */

/** A queue of statements committed together with the session writes of the same turn. */
export interface PgWriteQueue {
  /** Run `sql` in the next flush's transaction; resolves once it is committed, rejects if lost. */
  enqueue(sql: string, params: unknown[]): Promise<void>;
}
