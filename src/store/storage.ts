/**
 * What the services need of storage, apart from how it is kept. Writes are write-behind: a
 * write returns at once and is saved with the others of its moment; `whenSaved` says when
 * everything written so far is saved (or lost). The SQLite store does this with a group commit;
 * an asynchronous store (PostgreSQL, api.md §11) can queue its writes the same way.
 */
import type { Session } from '../sessions/model.ts';
import type { LoginStatus, User } from '../bridges/types.ts';

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

// ---- Logins, tokens, people and the demo bridge's cookies -------------------------------------
// Every method returns a Promise: the SQLite store runs its statement when called (a failure may
// throw at once), the PostgreSQL store when a pooled connection is free. A failure the database
// causes by being unreachable rejects with an error for which `isUnavailable` (pg/errors.ts) holds.

/** A login of a bridge, as stored. */
export interface StoredLogin {
  /** The principal the login belongs to: '' for the owner, else a Matrix user ID. */
  owner: string;
  bridgeID: string;
  loginID: string;
  status: LoginStatus;
  statusText?: string;
  user: User;
  createdAt: number;
  updatedAt: number;
}

/** What {@link LoginStorage.upsert} writes. */
export interface LoginWrite {
  bridgeID: string;
  loginID: string;
  status: LoginStatus;
  statusText?: string;
  user: User;
}

/** The logins of every bridge. `owner` is the principal key ('' for the owner). */
export interface LoginStorage {
  /** One principal's logins on a bridge, oldest first. */
  list(bridgeID: string, owner?: string): Promise<StoredLogin[]>;
  /** One principal's logins on every bridge. */
  listAll(owner?: string): Promise<StoredLogin[]>;
  get(bridgeID: string, loginID: string, owner?: string): Promise<StoredLogin | undefined>;
  count(bridgeID: string, owner?: string): Promise<number>;
  /** How many logins each principal holds (`GET /v1/users`). */
  countByOwner(): Promise<Map<string, number>>;
  /** Create or update a login; resolves to the stored row. */
  upsert(login: LoginWrite, now: number, owner?: string, options?: LoginWriteOptions): Promise<StoredLogin>;
  /** Delete a login; false when there was none. */
  delete(bridgeID: string, loginID: string, owner?: string, options?: LoginWriteOptions): Promise<boolean>;
}

export interface LoginWriteOptions {
  /**
   * Save it with the session writes of this turn, in their transaction (a completed login and
   * the session it completed: both or neither). Asked for inside `SessionStorage.inTransaction`.
   */
  withSessions?: boolean;
}

export interface TokenInfo {
  id: string;
  name: string;
  createdAt: number;
  revokedAt?: number;
  /** The Matrix user the token belongs to; none for the owner's tokens. */
  userID?: string;
  /** When it stops working; none for tokens that never expire. */
  expiresAt?: number;
}

/** Whom a valid token speaks for. */
export interface TokenHolder {
  /** The token's id (never its secret). */
  id: string;
  /** The Matrix user; undefined for the owner. */
  userID?: string;
}

/**
 * Access tokens, kept only as hashes. A revocation counts at once for every process on the
 * database: `verify` never answers from a cache another process's revocation could leave stale.
 */
export interface TokenStorage {
  /** Create a token; the returned secret is never stored. Without `options.userID` it is the owner's. */
  create(name: string, now: number, options?: { userID?: string; expiresAt?: number }): Promise<{ token: string; info: TokenInfo }>;
  /** Whom the token speaks for, or undefined when it is unknown, revoked or expired at `now`. */
  verify(token: string, now: number): Promise<TokenHolder | undefined>;
  list(): Promise<TokenInfo[]>;
  /** Revoke by id; false when no such active token exists. */
  revoke(id: string, now: number): Promise<boolean>;
  /** Revoke every token of a Matrix user; resolves to how many were active. */
  revokeUser(userID: string, now: number): Promise<number>;
  /** How many unrevoked, unexpired tokens each Matrix user holds. */
  activeByUser(now: number): Promise<Map<string, number>>;
  /** Whether no token was ever created. */
  isEmpty(): Promise<boolean>;
}

export interface PersonRow {
  userID: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** The people who signed in with Matrix, and when each was first and last seen. */
export interface PeopleStorage {
  /** Record that `userID` was seen at `now` (always with `force`; otherwise at most once a minute). */
  seen(userID: string, now: number, force?: boolean): Promise<void>;
  list(): Promise<PersonRow[]>;
  has(userID: string): Promise<boolean>;
}

/** The demo bridge's issued sign-in cookies: only their hashes, each taken once. */
export interface DemoCookieStorage {
  /** Number of values kept. */
  count(): Promise<number>;
  /** Delete the `n` oldest values. */
  evictOldest(n: number): Promise<void>;
  /** Keep a value's hash, issued at `now` for `username`. */
  add(valueHash: string, username: string, now: number): Promise<void>;
  /** The username a hash was issued for, at or after `since`, deleting it; undefined when none. */
  take(valueHash: string, since: number): Promise<string | undefined>;
  /** Delete values issued before `cutoff`. */
  purgeBefore(cutoff: number): Promise<void>;
}

/**
 * The demo bridge's waiting QR tokens and pairing codes, shared by every instance (PostgreSQL):
 * only hashes; a page on any instance claims one, the instance driving the login takes it.
 */
export interface DemoPairingStorage {
  /** Keep a waiting token's hash. */
  add(hash: string, now: number): Promise<void>;
  /** Whether a token waits, unclaimed. */
  has(hash: string): Promise<boolean>;
  /** Claim a waiting token for `username`, once; false when unknown or already claimed. */
  claim(hash: string, username: string): Promise<boolean>;
  /** The username a token was claimed for, deleting it; undefined while unclaimed. */
  take(hash: string): Promise<string | undefined>;
  /** Forget a token (replaced, cancelled), and any older than `cutoff`. */
  remove(hash: string, cutoff: number): Promise<void>;
}
