/**
 * @module oauth/store
 * OAuth's storage (api.md §12): registered clients, grants (one approval by one principal of
 * one client), and each grant's codes and tokens, kept only as SHA-256 hashes. Two
 * implementations answer {@link OAuthStorage}: SQLite (`store-sqlite.ts`) for one instance and
 * PostgreSQL (`store-pg.ts`) shared by several. Every token check reads the database, so a
 * revocation made anywhere (another instance, `bridge-login apps revoke`) counts at once.
 * Times are the injected clock's milliseconds.
 */
import { createHash, randomBytes } from 'node:crypto';
import { principalFromKey, type Principal } from '../principal.ts';
import type { PendingRequest } from './pending.ts';

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

/** What {@link OAuthStorage.saveCode} records besides the code: the approval it stands for. */
export interface CodeGrant {
  clientID: string;
  principal: Principal;
  scope: string;
  redirectUri: string;
  codeChallenge: string;
}

/**
 * Where OAuth keeps its state. Spending a code or a refresh token is a conditional write that
 * succeeds once, whichever instance asks first: two redemptions of one code give one token pair.
 */
export interface OAuthStorage {
  registerClient(name: string, redirectUris: string[], now: number): Promise<OAuthClient>;
  client(id: string): Promise<OAuthClient | undefined>;
  /** Record an approval and its single-use code; resolves to the grant id. */
  saveCode(code: string, grant: CodeGrant, now: number): Promise<string>;
  /** A code of a live grant, used or not (a used one is a replay). */
  code(code: string): Promise<StoredCode | undefined>;
  /** Mark a code used; false when it already was (a replay, or a concurrent redemption that lost). */
  spendCode(code: string, now: number): Promise<boolean>;
  saveToken(token: string, kind: 'access' | 'refresh', grantID: string, scope: string, now: number, expiresAt: number): Promise<void>;
  /** The grant behind a valid (known, unexpired, unspent, unrevoked) access token; notes its use. */
  access(token: string, now: number): Promise<AccessGrant | undefined>;
  /** A refresh token of a live grant, whether spent or not (a spent one is a replay). */
  refresh(token: string, now: number): Promise<StoredRefresh | undefined>;
  /** Mark one token spent (rotation, or an RFC 7009 revocation of an access token); false when it already was. */
  spendToken(token: string, now: number): Promise<boolean>;
  /** The grant a token (of either kind) belongs to, if any. */
  grantOf(token: string): Promise<string | undefined>;
  revokeGrant(grantID: string, now: number): Promise<void>;
  /** The principal's approved connections, one per client, newest approval first. */
  connections(principal: Principal): Promise<Connection[]>;
  /** Revoke every grant the principal gave the client; false when there was none. */
  revokeClient(principal: Principal, clientID: string, now: number): Promise<boolean>;
  /** Revoke every grant the principal gave any app (signing a person out everywhere); how many. */
  revokeAll(principal: Principal, now: number): Promise<number>;
  /** Keep an authorization request for the consent page (on any instance); resolves to its id. */
  addPending(request: Omit<PendingRequest, 'expiresAt'>, now: number): Promise<string>;
  /** A pending request, unless unknown, expired or answered. */
  pending(id: string, now: number): Promise<PendingRequest | undefined>;
  /** Take a pending request out to answer it: only one taker gets it. */
  takePending(id: string, now: number): Promise<PendingRequest | undefined>;
}

/** The grant columns every OAuth lookup reads (both stores: PostgreSQL's bigints parse to numbers). */
export type GrantRow = { grant_id: string; client_id: string; user_id: string };
export type CodeRow = GrantRow & { scope: string; redirect_uri: string; code_challenge: string; expires_at: number; used_at: number | null };
export type AccessRow = GrantRow & { scope: string; created_at: number; expires_at: number };
export type RefreshRow = GrantRow & { scope: string; expires_at: number; spent_at: number | null };

/** The code a row of `oauth_codes` joined with its grant holds. */
export function codeFromRow(row: CodeRow): StoredCode {
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

/** The access an access token's row joined with its grant gives. */
export function accessFromRow(row: AccessRow): AccessGrant {
  return {
    grantID: row.grant_id,
    clientID: row.client_id,
    principal: principalFromKey(row.user_id),
    scopes: row.scope.split(' '),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The refresh token a row joined with its grant holds. */
export function refreshFromRow(row: RefreshRow): StoredRefresh {
  return {
    grantID: row.grant_id,
    clientID: row.client_id,
    principal: principalFromKey(row.user_id),
    scope: row.scope,
    expiresAt: row.expires_at,
    spent: row.spent_at !== null,
  };
}

/** A grant row as both stores read it for {@link connectionsOf}. */
export interface ConnectionRow {
  client_id: string;
  name: string;
  scope: string;
  created_at: number;
  last_used_at: number | null;
}

/** One connection per client from a principal's live grants, newest approval first (rows come in that order). */
export function connectionsOf(rows: readonly ConnectionRow[]): Connection[] {
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

/** A new client id. */
export function newClientID(): string {
  return 'app_' + randomBytes(12).toString('base64url');
}

/** A new grant id. */
export function newGrantID(): string {
  return 'grant_' + randomBytes(9).toString('base64url');
}
