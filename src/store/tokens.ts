/**
 * Access tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes.
 * Verification hashes the presented token, finds the row by hash through an in-memory index
 * and confirms with a constant-time compare.
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
  /** hash (hex) → token id, for tokens that are not revoked. */
  private active = new Map<string, { id: string; hash: Buffer }>();

  constructor(private readonly db: Db) {
    this.reload();
  }

  private reload(): void {
    this.active.clear();
    const rows = this.db.prepare('SELECT id, hash FROM tokens WHERE revoked_at IS NULL').all() as { id: string; hash: string }[];
    for (const r of rows) this.active.set(r.hash, { id: r.id, hash: Buffer.from(r.hash, 'hex') });
  }

  /** Create a token; the returned secret is never stored and cannot be shown again. */
  create(name: string, now: number): { token: string; info: TokenInfo } {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const hash = hashToken(token);
    this.db.prepare('INSERT INTO tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)').run(id, name, hash.toString('hex'), now);
    this.active.set(hash.toString('hex'), { id, hash });
    return { token, info: { id, name, createdAt: now } };
  }

  /** The id of the token, or undefined when it is unknown or revoked. */
  verify(token: string): string | undefined {
    const hash = hashToken(token);
    const found = this.active.get(hash.toString('hex'));
    if (!found || !timingSafeEqual(found.hash, hash)) return undefined;
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
    const changed = this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
    if (changed) this.reload();
    return changed;
  }

  /** Whether any token was ever created (first start creates one when none exists). */
  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM tokens LIMIT 1').get() === undefined;
  }
}
