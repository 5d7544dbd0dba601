/**
 * @module oauth/store-pg
 * {@link OAuthStorage} on PostgreSQL, shared by every instance (tables of the OAuth PG
 * migration). Each method is one statement, so none holds a connection across awaits. Spending
 * a code or a token is `UPDATE … WHERE used_at IS NULL`: when two instances race, PostgreSQL
 * makes the second wait for the first and then finds the row spent, so exactly one wins.
 */
import type pg from 'pg';
import { principalKey, type Principal } from '../principal.ts';
import { PENDING_TTL_MS, newPendingID, type PendingRequest } from './pending.ts';
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

export class PgOAuthStore implements OAuthStorage {
  constructor(private readonly pool: pg.Pool) {}

  async registerClient(name: string, redirectUris: string[], now: number): Promise<OAuthClient> {
    const id = newClientID();
    await this.pool.query('INSERT INTO oauth_clients (id, name, redirect_uris, created_at) VALUES ($1, $2, $3, $4)', [id, name, JSON.stringify(redirectUris), now]);
    return { id, name, redirectUris, createdAt: now };
  }

  async client(id: string): Promise<OAuthClient | undefined> {
    const { rows } = await this.pool.query<{ id: string; name: string; redirect_uris: string; created_at: number }>(
      'SELECT id, name, redirect_uris, created_at FROM oauth_clients WHERE id = $1',
      [id],
    );
    const row = rows[0];
    return row && { id: row.id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[], createdAt: row.created_at };
  }

  async saveCode(code: string, c: CodeGrant, now: number): Promise<string> {
    const grantID = newGrantID();
    // One statement: the grant and its code are written together or not at all.
    await this.pool.query(
      `WITH g AS (INSERT INTO oauth_grants (id, client_id, user_id, scope, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id)
       INSERT INTO oauth_codes (hash, grant_id, redirect_uri, code_challenge, expires_at) SELECT $6, g.id, $7, $8, $9 FROM g`,
      [grantID, c.clientID, principalKey(c.principal), c.scope, now, hashSecret(code), c.redirectUri, c.codeChallenge, now + CODE_TTL_MS],
    );
    return grantID;
  }

  async code(code: string): Promise<StoredCode | undefined> {
    const { rows } = await this.pool.query<CodeRow>(
      `SELECT c.grant_id, g.client_id, g.user_id, g.scope, c.redirect_uri, c.code_challenge, c.expires_at, c.used_at
       FROM oauth_codes c JOIN oauth_grants g ON g.id = c.grant_id WHERE c.hash = $1 AND g.revoked_at IS NULL`,
      [hashSecret(code)],
    );
    const row = rows[0];
    if (!row) return undefined;
    return codeFromRow(row);
  }

  async spendCode(code: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE oauth_codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL', [now, hashSecret(code)]);
    return (rowCount ?? 0) > 0;
  }

  async saveToken(token: string, kind: 'access' | 'refresh', grantID: string, scope: string, now: number, expiresAt: number): Promise<void> {
    await this.pool.query('INSERT INTO oauth_tokens (hash, grant_id, kind, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      hashSecret(token),
      grantID,
      kind,
      scope,
      now,
      expiresAt,
    ]);
  }

  async access(token: string, now: number): Promise<AccessGrant | undefined> {
    // The check and the note of its use in one round trip; the grant's row is written only when
    // its last use moves forward.
    const { rows } = await this.pool.query<AccessRow>(
      `WITH t AS (
         SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.created_at, t.expires_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
         WHERE t.hash = $1 AND t.kind = 'access' AND t.spent_at IS NULL AND g.revoked_at IS NULL AND t.expires_at > $2
       ), used AS (
         UPDATE oauth_grants SET last_used_at = $2 WHERE id IN (SELECT grant_id FROM t) AND (last_used_at IS NULL OR last_used_at < $2)
       )
       SELECT * FROM t`,
      [hashSecret(token), now],
    );
    const row = rows[0];
    if (!row) return undefined;
    return accessFromRow(row);
  }

  async refresh(token: string, now: number): Promise<StoredRefresh | undefined> {
    const { rows } = await this.pool.query<RefreshRow>(
      `SELECT t.grant_id, g.client_id, g.user_id, t.scope, t.expires_at, t.spent_at FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id
       WHERE t.hash = $1 AND t.kind = 'refresh' AND g.revoked_at IS NULL AND t.expires_at > $2`,
      [hashSecret(token), now],
    );
    const row = rows[0];
    return row && refreshFromRow(row);
  }

  async spendToken(token: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE oauth_tokens SET spent_at = $1 WHERE hash = $2 AND spent_at IS NULL', [now, hashSecret(token)]);
    return (rowCount ?? 0) > 0;
  }

  async grantOf(token: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ grant_id: string }>('SELECT grant_id FROM oauth_tokens WHERE hash = $1', [hashSecret(token)]);
    return rows[0]?.grant_id;
  }

  async revokeGrant(grantID: string, now: number): Promise<void> {
    await this.pool.query('UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, grantID]);
  }

  async connections(principal: Principal): Promise<Connection[]> {
    const { rows } = await this.pool.query<ConnectionRow>(
      `SELECT g.client_id, c.name, g.scope, g.created_at, g.last_used_at FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id
       WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.created_at DESC, g.id`,
      [principalKey(principal)],
    );
    return connectionsOf(rows);
  }

  async revokeClient(principal: Principal, clientID: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE oauth_grants SET revoked_at = $1 WHERE user_id = $2 AND client_id = $3 AND revoked_at IS NULL', [
      now,
      principalKey(principal),
      clientID,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async revokeAll(principal: Principal, now: number): Promise<number> {
    const { rowCount } = await this.pool.query('UPDATE oauth_grants SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL', [now, principalKey(principal)]);
    return rowCount ?? 0;
  }

  async addPending(request: Omit<PendingRequest, 'expiresAt'>, now: number): Promise<string> {
    const id = newPendingID();
    // Unanswered requests older than their ten minutes go as new ones come.
    await this.pool.query(
      `WITH gone AS (DELETE FROM oauth_requests WHERE expires_at <= $4)
       INSERT INTO oauth_requests (id_hash, request_json, expires_at) VALUES ($1, $2, $3)`,
      [hashSecret(id), JSON.stringify(request), now + PENDING_TTL_MS, now],
    );
    return id;
  }

  async pending(id: string, now: number): Promise<PendingRequest | undefined> {
    const { rows } = await this.pool.query<{ request_json: string; expires_at: number }>(
      'SELECT request_json, expires_at FROM oauth_requests WHERE id_hash = $1 AND expires_at > $2',
      [hashSecret(id), now],
    );
    return rows[0] && pendingOf(rows[0]);
  }

  async takePending(id: string, now: number): Promise<PendingRequest | undefined> {
    // DELETE … RETURNING: of two instances answering one request, one gets the row.
    const { rows } = await this.pool.query<{ request_json: string; expires_at: number }>('DELETE FROM oauth_requests WHERE id_hash = $1 RETURNING request_json, expires_at', [
      hashSecret(id),
    ]);
    const row = rows[0];
    return row && row.expires_at > now ? pendingOf(row) : undefined;
  }
}

function pendingOf(row: { request_json: string; expires_at: number }): PendingRequest {
  return { ...(JSON.parse(row.request_json) as Omit<PendingRequest, 'expiresAt'>), expiresAt: row.expires_at };
}
