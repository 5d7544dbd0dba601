/**
 * @module oauth/store-sqlite
 * {@link OAuthStorage} on the SQLite database of a single instance (tables of SQLite migration 5).
 * better-sqlite3 is synchronous: each method does its work at once and resolves.
 */
import type { Db } from '../store/db.ts';
import { principalKey, type Principal } from '../principal.ts';
import { PendingRequests, type PendingRequest } from './pending.ts';
import {
  CODE_TTL_MS,
  accessFromRow,
  codeFromRow,
  refreshFromRow,
  type AccessRow,
  type CodeRow,
  type RefreshRow,
  connectionsOf,
  hashSecret,
  newClientID,
  newGrantID,
  type AccessGrant,
  type CodeGrant,
  type Connection,
  type ConnectionRow,
  type OAuthClient,
  type OAuthStorage,
  type StoredCode,
  type StoredRefresh,
} from './store.ts';

export class SqliteOAuthStore implements OAuthStorage {
  // One process answers every request: the consent page's requests can stay in memory.
  private readonly requests = new PendingRequests();

  constructor(private readonly db: Db) {}

  async registerClient(name: string, redirectUris: string[], now: number): Promise<OAuthClient> {
    const id = newClientID();
    this.db.prepare('INSERT INTO oauth_clients (id, name, redirect_uris, created_at) VALUES (?, ?, ?, ?)').run(id, name, JSON.stringify(redirectUris), now);
    return { id, name, redirectUris, createdAt: now };
  }

  async client(id: string): Promise<OAuthClient | undefined> {
    const row = this.db.prepare('SELECT id, name, redirect_uris, created_at FROM oauth_clients WHERE id = ?').get(id) as
      | { id: string; name: string; redirect_uris: string; created_at: number }
      | undefined;
    return row && { id: row.id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[], createdAt: row.created_at };
  }

  async saveCode(code: string, c: CodeGrant, now: number): Promise<string> {
    const grantID = newGrantID();
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

  async code(code: string): Promise<StoredCode | undefined> {
    const row = this.db
      .prepare(
        `SELECT c.grant_id, g.client_id, g.user_id, g.scope, c.redirect_uri, c.code_challenge, c.expires_at, c.used_at
         FROM oauth_codes c JOIN oauth_grants g ON g.id = c.grant_id WHERE c.hash = ? AND g.revoked_at IS NULL`,
      )
      .get(hashSecret(code)) as
      | (CodeRow)
      | undefined;
    if (!row) return undefined;
    return codeFromRow(row);
  }

  async spendCode(code: string, now: number): Promise<boolean> {
    return this.db.prepare('UPDATE oauth_codes SET used_at = ? WHERE hash = ? AND used_at IS NULL').run(now, hashSecret(code)).changes > 0;
  }

  async saveToken(token: string, kind: 'access' | 'refresh', grantID: string, scope: string, now: number, expiresAt: number): Promise<void> {
    this.db
      .prepare('INSERT INTO oauth_tokens (hash, grant_id, kind, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(hashSecret(token), grantID, kind, scope, now, expiresAt);
  }

  async access(token: string, now: number): Promise<AccessGrant | undefined> {
    const row = this.db
      .prepare(
        `SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.created_at, t.expires_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.hash = ? AND t.kind = 'access' AND t.spent_at IS NULL AND g.revoked_at IS NULL AND t.expires_at > ?`,
      )
      .get(hashSecret(token), now) as (AccessRow) | undefined;
    if (!row) return undefined;
    this.db.prepare('UPDATE oauth_grants SET last_used_at = ? WHERE id = ?').run(now, row.grant_id);
    return accessFromRow(row);
  }

  async refresh(token: string, now: number): Promise<StoredRefresh | undefined> {
    const row = this.db
      .prepare(
        `SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.expires_at, t.spent_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.hash = ? AND t.kind = 'refresh' AND g.revoked_at IS NULL AND t.expires_at > ?`,
      )
      .get(hashSecret(token), now) as (RefreshRow) | undefined;
    return row && refreshFromRow(row);
  }

  async spendToken(token: string, now: number): Promise<boolean> {
    return this.db.prepare('UPDATE oauth_tokens SET spent_at = ? WHERE hash = ? AND spent_at IS NULL').run(now, hashSecret(token)).changes > 0;
  }

  async grantOf(token: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT grant_id FROM oauth_tokens WHERE hash = ?').get(hashSecret(token)) as { grant_id: string } | undefined)?.grant_id;
  }

  async revokeGrant(grantID: string, now: number): Promise<void> {
    this.db.prepare('UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, grantID);
  }

  async connections(principal: Principal): Promise<Connection[]> {
    const rows = this.db
      .prepare(
        `SELECT g.client_id, c.name, g.scope, g.created_at, g.last_used_at FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id
         WHERE g.user_id = ? AND g.revoked_at IS NULL ORDER BY g.created_at DESC, g.id`,
      )
      .all(principalKey(principal)) as ConnectionRow[];
    return connectionsOf(rows);
  }

  async revokeClient(principal: Principal, clientID: string, now: number): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE oauth_grants SET revoked_at = ? WHERE user_id = ? AND client_id = ? AND revoked_at IS NULL')
        .run(now, principalKey(principal), clientID).changes > 0
    );
  }

  async revokeAll(principal: Principal, now: number): Promise<number> {
    return this.db.prepare('UPDATE oauth_grants SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(now, principalKey(principal)).changes;
  }

  async addPending(request: Omit<PendingRequest, 'expiresAt'>, now: number): Promise<string> {
    return this.requests.add(request, now);
  }

  async pending(id: string, now: number): Promise<PendingRequest | undefined> {
    return this.requests.get(id, now);
  }

  async takePending(id: string, now: number): Promise<PendingRequest | undefined> {
    return this.requests.take(id, now);
  }
}
