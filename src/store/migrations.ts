/**
 * Numbered schema migrations; entry N brings a database from `user_version` N to N+1.
 * Never edit a released entry: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE logins (
    bridge_id TEXT NOT NULL,
    login_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_text TEXT,
    user_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bridge_id, login_id)
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    bridge_id TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    status TEXT NOT NULL,
    step_json TEXT,
    error_json TEXT,
    login_id TEXT,
    last_answered_step_id TEXT,
    bridge_state_json TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX sessions_finished ON sessions (finished_at);
  CREATE TABLE session_replies (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    reply_json TEXT NOT NULL,
    PRIMARY KEY (session_id, idempotency_key)
  );
  CREATE TABLE demo_cookies (
    value_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 2: only finished sessions are ever looked up by finished_at (the retention sweep), so the
  // index holds only them; creating a session no longer writes an index entry.
  `
  DROP INDEX sessions_finished;
  CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;
  `,
];
