/**
 * PostgreSQL schema migrations, numbered like SQLite's (`../migrations.ts`): entry N brings a
 * database from version N to N+1. Never edit a released entry: add a new one at the end.
 * Every instance runs them at start; they run in one transaction under an advisory lock, so
 * when several start at once on an empty database one migrates and the others find it done.
 */
import type pg from 'pg';
import { DatabaseVersionError } from '../db.ts';

/** Key of the advisory lock that serialises migration runs ('bl-migr' in ASCII). */
export const MIGRATION_LOCK = 0x626c2d6d696772n;

export const PG_MIGRATIONS: readonly string[] = [
  // 1: SQLite's schema after its migration 4. Sessions are keyed by their ID (instances read
  // them by primary key) and carry what several instances need: `version` (bumped on every
  // save), and the lease of the instance driving the session (`lease_owner`, `lease_until`).
  // Times are epoch milliseconds.
  `
  CREATE TABLE tokens (
    id text PRIMARY KEY,
    name text NOT NULL,
    hash text NOT NULL UNIQUE,
    created_at bigint NOT NULL,
    revoked_at bigint,
    user_id text NOT NULL DEFAULT '',
    expires_at bigint
  );
  CREATE TABLE logins (
    user_id text NOT NULL DEFAULT '',
    bridge_id text NOT NULL,
    login_id text NOT NULL,
    status text NOT NULL,
    status_text text,
    user_json text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (user_id, bridge_id, login_id)
  );
  CREATE TABLE people (
    user_id text PRIMARY KEY,
    first_seen_at bigint NOT NULL,
    last_seen_at bigint NOT NULL
  );
  CREATE TABLE sessions (
    id text PRIMARY KEY,
    user_id text NOT NULL DEFAULT '',
    bridge_id text NOT NULL,
    flow_id text NOT NULL,
    status text NOT NULL,
    step_json text,
    error_json text,
    login_id text,
    last_answered_step_id text,
    bridge_state_json text,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    finished_at bigint,
    version bigint NOT NULL DEFAULT 0,
    lease_owner text,
    lease_until bigint
  );
  CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;
  CREATE INDEX sessions_active ON sessions (user_id) WHERE finished_at IS NULL;
  CREATE TABLE session_replies (
    session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    reply_json text NOT NULL,
    PRIMARY KEY (session_id, idempotency_key)
  );
  CREATE TABLE demo_cookies (
    seq bigserial,
    value_hash text PRIMARY KEY,
    username text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE INDEX demo_cookies_age ON demo_cookies (created_at, seq);
  `,
  // 2: OAuth (api.md §12), as SQLite's migration 5: registered apps, the grants people gave them,
  // and each grant's codes and tokens, stored only as hashes. Also the authorization requests
  // waiting on the consent page (SQLite keeps them in its one process's memory), by the hash
  // of their id, so the page may reach any instance.
  `
  CREATE TABLE oauth_clients (
    id text PRIMARY KEY,
    name text NOT NULL,
    redirect_uris text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE oauth_grants (
    id text PRIMARY KEY,
    client_id text NOT NULL REFERENCES oauth_clients (id),
    user_id text NOT NULL,
    scope text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint,
    revoked_at bigint
  );
  CREATE INDEX oauth_grants_user ON oauth_grants (user_id, client_id) WHERE revoked_at IS NULL;
  CREATE TABLE oauth_codes (
    hash text PRIMARY KEY,
    grant_id text NOT NULL REFERENCES oauth_grants (id),
    redirect_uri text NOT NULL,
    code_challenge text NOT NULL,
    expires_at bigint NOT NULL,
    used_at bigint
  );
  CREATE TABLE oauth_tokens (
    hash text PRIMARY KEY,
    grant_id text NOT NULL REFERENCES oauth_grants (id),
    kind text NOT NULL,
    scope text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    spent_at bigint
  );
  CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
  CREATE TABLE oauth_requests (
    id_hash text PRIMARY KEY,
    request_json text NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX oauth_requests_expiry ON oauth_requests (expires_at);
  `,
  // 3: the demo bridge's QR scan tokens and pairing codes (hashes only), so a scan or a typed
  // code may reach any instance and a taken-over QR login still completes.
  `
  CREATE TABLE demo_pairings (
    hash text PRIMARY KEY,
    username text,
    created_at bigint NOT NULL
  );
  CREATE INDEX demo_pairings_age ON demo_pairings (created_at);
  `,
];

/** What a migration run did. */
export interface MigrationResult {
  /** Schema version before the run. */
  from: number;
  /** Schema version after it. */
  to: number;
}

export interface PgMigrateOptions {
  /** Apply pending migrations (default); false only checks that the schema is current. */
  upgrade?: boolean;
}

/**
 * Bring the database's schema up to date, in one transaction under {@link MIGRATION_LOCK}. A
 * runner that waited on the lock sees the version the first one committed and does nothing.
 */
export async function migratePostgres(pool: pg.Pool, options: PgMigrateOptions = {}): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await migrateLocked(client, options.upgrade ?? true);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(client: pg.PoolClient, upgrade: boolean): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at bigint NOT NULL)');
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const from = rows[0]?.v ?? 0;
  if (from > PG_MIGRATIONS.length) {
    throw new DatabaseVersionError(`database schema version ${from} is newer than this server knows (${PG_MIGRATIONS.length}); upgrade bridge-login`);
  }
  if (!upgrade && from < PG_MIGRATIONS.length) {
    throw new DatabaseVersionError(
      `the database schema is version ${from}, this bridge-login uses ${PG_MIGRATIONS.length}; run bridge-login migrate (or start the server), then run this command again`,
    );
  }
  for (let v = from; v < PG_MIGRATIONS.length; v++) {
    await client.query(PG_MIGRATIONS[v]!);
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [v + 1, Date.now()]);
  }
  return { from, to: PG_MIGRATIONS.length };
}
