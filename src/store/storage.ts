/**
 * What the services need of storage, apart from how it is kept. Writes are write-behind: a
 * write returns at once and is saved with the others of its moment; `whenSaved` says when
 * everything written so far is saved (or lost). The SQLite store does this with a group commit;
 * an asynchronous store (PostgreSQL, api.md §11) can queue its writes the same way.
 */
import type { Session } from '../sessions/model.ts';

export interface StoredSession {
  session: Session;
  bridgeState?: unknown;
}

/** Everything stored about sessions, as read at start. */
export interface StoredSessions {
  sessions: StoredSession[];
  /** Answers given to `Idempotency-Key`s, by session ID then key. */
  replies: Map<string, Map<string, string>>;
}

/** Persisted login sessions (never a submitted value) and their idempotent answers. */
export interface SessionStorage {
  /** Write a session; `onLost` hears if this write is lost (its save failed). */
  save(s: Session, bridgeState?: unknown, onLost?: () => void): void;
  /** Run `fn` so that the writes it makes (sessions and logins) are saved together or not at all. */
  inTransaction<T>(fn: () => T): T;
  /**
   * The stored session `id` (a finished one, or one this process does not drive), or
   * undefined. A synchronous store answers at once; an asynchronous one with a promise.
   */
  read(id: string): Session | undefined | Promise<Session | undefined>;
  /** The stored session `id` with the bridge state kept to resume it (taking it over). */
  readForResume(id: string): StoredSession | undefined | Promise<StoredSession | undefined>;
  /** The answer kept for `key` on session `id`, if any (sync or async as {@link read}). */
  readReply(id: string, key: string): string | undefined | Promise<string | undefined>;
  /**
   * Several instances only: insert a new session's row now if the caps allow it, counting every
   * instance's active sessions atomically (see the PostgreSQL store).
   */
  reserve?(s: Session, caps: { maxActive: number; maxActivePerUser: number }): Promise<'reserved' | 'global' | 'user'>;
  /** Delete one session and its answers. */
  delete(id: string): void;
  /** Keep the answer given to an `Idempotency-Key`. */
  saveReply(sessionID: string, key: string, replyJSON: string): void;
  /** Delete sessions finished at or before `cutoff`, then read every other. */
  load(cutoff: number): Promise<StoredSessions>;
  /** Call `callback` once every write made so far is saved (true) or lost (false). */
  whenSaved(callback: (saved: boolean) => void): void;
}
