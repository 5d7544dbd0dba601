/**
 * Access tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes.
 * Verification hashes the presented token, finds the row by hash in the database (its unique
 * index) and confirms with a constant-time compare. It reads the database every time, with no
 * copy in memory: `token create` and `token revoke` run in another process, and a revoked token
 * must stop working on the running server at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.ts';

export interface TokenInfo {
  id: string;
  name: string;
  createdAt: number;
  revokedAt?: number;
}

const TOKEN_PREFIX = 'bl_';

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class TokenStore {
  private readonly byHash;

  constructor(private readonly db: Db) {
    this.byHash = db.prepare<[string], { id: string; hash: string }>('SELECT id, hash FROM tokens WHERE hash = ? AND revoked_at IS NULL');
  }

  /** Create a token; the returned secret is never stored and cannot be shown again. */
  create(name: string, now: number): { token: string; info: TokenInfo } {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const hash = hashToken(token);
    this.db.prepare('INSERT INTO tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)').run(id, name, hash.toString('hex'), now);
    return { token, info: { id, name, createdAt: now } };
  }

  /** The id of the token, or undefined when it is unknown or revoked. */
  verify(token: string): string | undefined {
    const hash = hashToken(token);
    const found = this.byHash.get(hash.toString('hex'));
    if (!found || !timingSafeEqual(Buffer.from(found.hash, 'hex'), hash)) return undefined;
    return found.id;
  }

  list(): TokenInfo[] {
    const rows = this.db.prepare('SELECT id, name, created_at, revoked_at FROM tokens ORDER BY created_at, id').all() as {
      id: string;
      name: string;
      created_at: number;
      revoked_at: number | null;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, ...(r.revoked_at != null ? { revokedAt: r.revoked_at } : {}) }));
  }

  /** Revoke by id; false when no such active token exists. */
  revoke(id: string, now: number): boolean {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }

  /** Whether any token was ever created (first start creates one when none exists). */
  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM tokens LIMIT 1').get() === undefined;
  }
}
