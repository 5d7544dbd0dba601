/**
 * @module oauth/store
 * OAuth's own tables (api.md §12): registered clients, grants (one approval by one principal of
 * one client), and each grant's codes and tokens, kept only as SHA-256 hashes. Every token check
 * reads the database, so a revocation made by another process (`bridge-login apps revoke`)
 * counts at once. Times are the injected clock's milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { principalFromKey, principalKey, type Principal } from '../principal.ts';

/** A registered (public) client. */
export interface OAuthClient {
  id: string;
  name: string;
  redirectUris: string[];
  createdAt: number;
}

/** An approved connection as the person sees it. */
export interface Connection {
  clientID: string;
  name: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt?: number;
}

/** What a valid access token stands for. */
export interface AccessGrant {
  grantID: string;
  clientID: string;
  principal: Principal;
  scopes: string[];
  createdAt: number;
  expiresAt: number;
}

/** A stored authorization code, found by its value. */
export interface StoredCode {
  grantID: string;
  clientID: string;
  principal: Principal;
  scope: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  usedAt?: number;
}

/** A refresh token found by its value, spent or not. */
export interface StoredRefresh {
  grantID: string;
  clientID: string;
  principal: Principal;
  scope: string;
  expiresAt: number;
  spent: boolean;
}

export const ACCESS_TTL_MS = 3600_000;
export const REFRESH_TTL_MS = 30 * 24 * 3600_000;
export const CODE_TTL_MS = 60_000;

/** The hex SHA-256 of a secret: the only form in which codes and tokens are stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new random secret (256 bits) with a prefix saying what it is. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}


type GrantRow = { grant_id: string; client_id: string; user_id: string };

export class OAuthStore {
  constructor(private readonly db: Db) {}

  registerClient(name: string, redirectUris: string[], now: number): OAuthClient {
    const id = 'app_' + randomBytes(12).toString('base64url');
    this.db.prepare('INSERT INTO oauth_clients (id, name, redirect_uris, created_at) VALUES (?, ?, ?, ?)').run(id, name, JSON.stringify(redirectUris), now);
    return { id, name, redirectUris, createdAt: now };
  }

  client(id: string): OAuthClient | undefined {
    const row = this.db.prepare('SELECT id, name, redirect_uris, created_at FROM oauth_clients WHERE id = ?').get(id) as
      | { id: string; name: string; redirect_uris: string; created_at: number }
      | undefined;
    return row && { id: row.id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[], createdAt: row.created_at };
  }

  /** Record an approval and its single-use code; returns the grant id. */
  saveCode(code: string, c: { clientID: string; principal: Principal; scope: string; redirectUri: string; codeChallenge: string }, now: number): string {
    const grantID = 'grant_' + randomBytes(9).toString('base64url');
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO oauth_grants (id, client_id, user_id, scope, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(grantID, c.clientID, principalKey(c.principal), c.scope, now);
      this.db
        .prepare('INSERT INTO oauth_codes (hash, grant_id, redirect_uri, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(hashSecret(code), grantID, c.redirectUri, c.codeChallenge, now + CODE_TTL_MS);
    })();
    return grantID;
  }

  code(code: string): StoredCode | undefined {
    const row = this.db
      .prepare(
        `SELECT c.grant_id, g.client_id, g.user_id, g.scope, c.redirect_uri, c.code_challenge, c.expires_at, c.used_at
         FROM oauth_codes c JOIN oauth_grants g ON g.id = c.grant_id WHERE c.hash = ? AND g.revoked_at IS NULL`,
      )
      .get(hashSecret(code)) as
      | (GrantRow & { scope: string; redirect_uri: string; code_challenge: string; expires_at: number; used_at: number | null })
      | undefined;
    if (!row) return undefined;
    return {
      grantID: row.grant_id,
      clientID: row.client_id,
      principal: principalFromKey(row.user_id),
      scope: row.scope,
      redirectUri: row.redirect_uri,
      codeChallenge: row.code_challenge,
      expiresAt: row.expires_at,
      ...(row.used_at !== null ? { usedAt: row.used_at } : {}),
    };
  }

  /** Mark a code used; false when it already was (a replay). */
  spendCode(code: string, now: number): boolean {
    return this.db.prepare('UPDATE oauth_codes SET used_at = ? WHERE hash = ? AND used_at IS NULL').run(now, hashSecret(code)).changes > 0;
  }

  saveToken(token: string, kind: 'access' | 'refresh', grantID: string, scope: string, now: number, expiresAt: number): void {
    this.db
      .prepare('INSERT INTO oauth_tokens (hash, grant_id, kind, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(hashSecret(token), grantID, kind, scope, now, expiresAt);
  }

  /** The grant behind a valid (known, unexpired, unrevoked) access token; notes its use. */
  access(token: string, now: number): AccessGrant | undefined {
    const row = this.db
      .prepare(
        `SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.created_at, t.expires_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.hash = ? AND t.kind = 'access' AND t.spent_at IS NULL AND g.revoked_at IS NULL AND t.expires_at > ?`,
      )
      .get(hashSecret(token), now) as (GrantRow & { scope: string; created_at: number; expires_at: number }) | undefined;
    if (!row) return undefined;
    this.db.prepare('UPDATE oauth_grants SET last_used_at = ? WHERE id = ?').run(now, row.grant_id);
    return {
      grantID: row.grant_id,
      clientID: row.client_id,
      principal: principalFromKey(row.user_id),
      scopes: row.scope.split(' '),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  /** A refresh token of a live grant, whether spent or not (a spent one is a replay). */
  refresh(token: string, now: number): StoredRefresh | undefined {
    const row = this.db
      .prepare(
        `SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.expires_at, t.spent_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.hash = ? AND t.kind = 'refresh' AND g.revoked_at IS NULL AND t.expires_at > ?`,
      )
      .get(hashSecret(token), now) as (GrantRow & { scope: string; expires_at: number; spent_at: number | null }) | undefined;
    return (
      row && {
        grantID: row.grant_id,
        clientID: row.client_id,
        principal: principalFromKey(row.user_id),
        scope: row.scope,
        expiresAt: row.expires_at,
        spent: row.spent_at !== null,
      }
    );
  }

  /** Mark one token spent (rotation, or an RFC 7009 revocation of an access token). */
  spendToken(token: string, now: number): boolean {
    return this.db.prepare('UPDATE oauth_tokens SET spent_at = ? WHERE hash = ? AND spent_at IS NULL').run(now, hashSecret(token)).changes > 0;
  }

  /** The grant a token (of either kind) belongs to, if any. */
  grantOf(token: string): string | undefined {
    return (this.db.prepare('SELECT grant_id FROM oauth_tokens WHERE hash = ?').get(hashSecret(token)) as { grant_id: string } | undefined)?.grant_id;
  }

  revokeGrant(grantID: string, now: number): void {
    this.db.prepare('UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, grantID);
  }

  /** The principal's approved connections, one per client, newest approval first. */
  connections(principal: Principal): Connection[] {
    const rows = this.db
      .prepare(
        `SELECT g.client_id, c.name, g.scope, g.created_at, g.last_used_at FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id
         WHERE g.user_id = ? AND g.revoked_at IS NULL ORDER BY g.created_at DESC, g.id`,
      )
      .all(principalKey(principal)) as { client_id: string; name: string; scope: string; created_at: number; last_used_at: number | null }[];
    const byClient = new Map<string, Connection>();
    for (const r of rows) {
      const seen = byClient.get(r.client_id);
      if (seen) {
        seen.scopes = [...new Set([...seen.scopes, ...r.scope.split(' ')])].sort();
        if (r.last_used_at !== null && (seen.lastUsedAt ?? 0) < r.last_used_at) seen.lastUsedAt = r.last_used_at;
        continue;
      }
      byClient.set(r.client_id, {
        clientID: r.client_id,
        name: r.name,
        scopes: r.scope.split(' ').sort(),
        createdAt: r.created_at,
        ...(r.last_used_at !== null ? { lastUsedAt: r.last_used_at } : {}),
      });
    }
    return [...byClient.values()];
  }

  /** Revoke every grant the principal gave the client; false when there was none. */
  revokeClient(principal: Principal, clientID: string, now: number): boolean {
    return (
      this.db
        .prepare('UPDATE oauth_grants SET revoked_at = ? WHERE user_id = ? AND client_id = ? AND revoked_at IS NULL')
        .run(now, principalKey(principal), clientID).changes > 0
    );
  }

  /** Revoke every grant the principal gave any app (signing a person out everywhere); how many. */
  revokeAll(principal: Principal, now: number): number {
    return this.db.prepare('UPDATE oauth_grants SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(now, principalKey(principal)).changes;
  }
}
