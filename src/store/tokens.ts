/**
 * Access tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes.
 * Verification hashes the presented token, finds it by hash among the active tokens and
 * confirms with a constant-time compare. `token create` and `token revoke` run in another
 * process, and a revoked token must stop working on the running server at once: the active
 * tokens are kept in memory and read again whenever another connection has committed to the
 * database since the last look (`PRAGMA data_version`), which costs a fraction of a query.
 * That look is taken at most once per millisecond: a revocation committed by another process
 * counts for every request that starts a millisecond or more after it, and a burst of requests
 * does not pay for a read transaction each.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.ts';
import type { TokenHolder, TokenInfo, TokenStorage } from './storage.ts';

export type { TokenHolder, TokenInfo } from './storage.ts';

interface ActiveToken {
  id: string;
  hash: Buffer;
  userID: string;
  expiresAt: number | null;
}

const TOKEN_PREFIX = 'bl_';
/** Longest time, in ms, that a change made by another process can go unseen. */
const RECHECK_MS = 1;
/** Most valid tokens remembered between reads of the active set. */
const MAX_VERIFIED = 64;

// crypto.hash (Node 20.12+) skips making a Hash object, a share of every request (docs/benchmarks.md).
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** The SHA-256 of a token: what is stored of it. */
export function hashToken(token: string): Buffer {
  return oneShot ? oneShot('sha256', token, 'buffer') : createHash('sha256').update(token).digest();
}

/** The SQLite implementation of {@link TokenStorage}. */
export class TokenStore implements TokenStorage {
  /** hash (hex) → token, for tokens that are not revoked. */
  private active = new Map<string, ActiveToken>();
  private readonly activeRows;
  private readonly dataVersion;
  /** `data_version` when `active` was read; it moves when another connection commits. */
  private seenVersion = -1;
  /** `performance.now()` of the last look at `data_version`. */
  private lookedAt = -Infinity;
  /**
   * Tokens found valid since `active` was read (presented token → id), so that a client's
   * every request does not hash its token again. Only valid tokens enter, at most
   * {@link MAX_VERIFIED}; emptied whenever `active` is read again (a revocation, anywhere).
   * Held in memory only, like the request that carried them.
   */
  private verified = new Map<string, ActiveToken>();

  /** `recheckMs`: the longest a change made by another process can go unseen (tests: 0). */
  constructor(
    private readonly db: Db,
    private readonly recheckMs = RECHECK_MS,
  ) {
    this.activeRows = db.prepare<[], { id: string; hash: string; user_id: string; expires_at: number | null }>(
      'SELECT id, hash, user_id, expires_at FROM tokens WHERE revoked_at IS NULL',
    );
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** The active tokens, read again if another process changed the database since the last look. */
  private current(): Map<string, ActiveToken> {
    const now = performance.now();
    if (now - this.lookedAt < this.recheckMs) return this.active;
    this.lookedAt = now;
    const version = this.dataVersion.get()!;
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.active = new Map(this.activeRows.all().map((r) => [r.hash, { id: r.id, hash: Buffer.from(r.hash, 'hex'), userID: r.user_id, expiresAt: r.expires_at }]));
      this.verified = new Map();
    }
    return this.active;
  }

  /** This connection's own commits do not move data_version: read the active set again on the next look. */
  private readAgain(): void {
    this.seenVersion = -1;
    this.lookedAt = -Infinity;
  }

  /**
   * Create a token; the returned secret is never stored and cannot be shown again. Without
   * `options.userID` it is the owner's.
   */
  create(name: string, now: number, options: { userID?: string; expiresAt?: number } = {}): Promise<{ token: string; info: TokenInfo }> {
    const made = newToken(name, now, options);
    this.db
      .prepare('INSERT INTO tokens (id, name, hash, created_at, user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(made.info.id, name, made.hash, now, options.userID ?? '', options.expiresAt ?? null);
    this.readAgain();
    return Promise.resolve({ token: made.token, info: made.info });
  }

  /** Whom the token speaks for, or undefined when it is unknown, revoked or expired at `now`. */
  verify(token: string, now: number): Promise<TokenHolder | undefined> {
    return Promise.resolve(this.verifyNow(token, now));
  }

  private verifyNow(token: string, now: number): TokenHolder | undefined {
    const active = this.current();
    let found = this.verified.get(token);
    if (found === undefined) {
      const hash = hashToken(token);
      const candidate = active.get(hash.toString('hex'));
      if (!candidate || !timingSafeEqual(candidate.hash, hash)) return undefined;
      found = candidate;
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, found);
    }
    if (found.expiresAt !== null && now >= found.expiresAt) return undefined;
    return found.userID === '' ? { id: found.id } : { id: found.id, userID: found.userID };
  }

  list(): Promise<TokenInfo[]> {
    const rows = this.db.prepare('SELECT id, name, created_at, revoked_at, user_id, expires_at FROM tokens ORDER BY created_at, id').all() as {
      id: string;
      name: string;
      created_at: number;
      revoked_at: number | null;
      user_id: string;
      expires_at: number | null;
    }[];
    return Promise.resolve(rows.map(tokenInfoOf));
  }

  /** Revoke every token of a Matrix user; returns how many were active. */
  revokeUser(userID: string, now: number): Promise<number> {
    const changed = this.db.prepare("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND user_id <> '' AND revoked_at IS NULL").run(now, userID).changes;
    this.readAgain();
    return Promise.resolve(changed);
  }

  /** How many unrevoked, unexpired tokens each Matrix user holds. */
  activeByUser(now: number): Promise<Map<string, number>> {
    const rows = this.db
      .prepare<[number], { user_id: string; n: number }>(
        "SELECT user_id, count(*) AS n FROM tokens WHERE user_id <> '' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) GROUP BY user_id",
      )
      .all(now);
    return Promise.resolve(new Map(rows.map((r) => [r.user_id, r.n])));
  }

  /** Revoke by id; false when no such active token exists. */
  revoke(id: string, now: number): Promise<boolean> {
    const changed = this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
    this.readAgain();
    return Promise.resolve(changed);
  }

  /** Whether no token was ever created (first start creates one when none exists). */
  isEmpty(): Promise<boolean> {
    return Promise.resolve(this.db.prepare('SELECT 1 FROM tokens LIMIT 1').get() === undefined);
  }
}

/** A new token: its secret (shown once), the hash kept of it (hex) and its description. */
export function newToken(name: string, now: number, options: { userID?: string; expiresAt?: number }): { token: string; hash: string; info: TokenInfo } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const info: TokenInfo = { id: randomBytes(6).toString('hex'), name, createdAt: now };
  if (options.userID !== undefined) info.userID = options.userID;
  if (options.expiresAt !== undefined) info.expiresAt = options.expiresAt;
  return { token, hash: hashToken(token).toString('hex'), info };
}

/** A `tokens` row as the API describes it (`user_id` '' is the owner). */
export function tokenInfoOf(r: { id: string; name: string; created_at: number; revoked_at: number | null; user_id: string; expires_at: number | null }): TokenInfo {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    ...(r.revoked_at != null ? { revokedAt: r.revoked_at } : {}),
    ...(r.user_id !== '' ? { userID: r.user_id } : {}),
    ...(r.expires_at != null ? { expiresAt: r.expires_at } : {}),
  };
}
