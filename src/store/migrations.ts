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
  // 3: sessions are keyed by an increasing row number, not by their random ID. A random key put
  // every new session on a random page of the ID index, and each commit wrote that page
  // (docs/benchmarks.md, "migration 3"). IDs are 128 random bits, unique without an index; the
  // store finds a session's row by the number it was given. Replies follow their session's row.
  `
  CREATE TABLE sessions_v3 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
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
  INSERT INTO sessions_v3 (id, bridge_id, flow_id, status, step_json, error_json, login_id, last_answered_step_id,
      bridge_state_json, created_at, updated_at, expires_at, finished_at)
    SELECT id, bridge_id, flow_id, status, step_json, error_json, login_id, last_answered_step_id,
      bridge_state_json, created_at, updated_at, expires_at, finished_at
    FROM sessions ORDER BY created_at, id;
  CREATE TABLE session_replies_v3 (
    session_seq INTEGER NOT NULL REFERENCES sessions_v3(seq) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    reply_json TEXT NOT NULL,
    PRIMARY KEY (session_seq, idempotency_key)
  );
  INSERT INTO session_replies_v3 (session_seq, idempotency_key, reply_json)
    SELECT s.seq, r.idempotency_key, r.reply_json FROM session_replies r JOIN sessions_v3 s ON s.id = r.session_id;
  DROP TABLE session_replies;
  DROP TABLE sessions;
  ALTER TABLE sessions_v3 RENAME TO sessions;
  ALTER TABLE session_replies_v3 RENAME TO session_replies;
  CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;
  `,
  // 4: people (api.md §10). Tokens, sessions and logins belong to a principal: '' is the owner,
  // which every row written before keeps; otherwise a Matrix user ID. Tokens a sign-in issues
  // expire. A login is keyed by its principal too, so that two people may each hold a demo
  // login of the same name. `people` remembers who signed in and when they were last seen.
  `
  ALTER TABLE tokens ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
  ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
  ALTER TABLE sessions ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
  CREATE TABLE logins_v4 (
    user_id TEXT NOT NULL DEFAULT '',
    bridge_id TEXT NOT NULL,
    login_id TEXT NOT NULL,
    status TEXT NOT NULL,
    status_text TEXT,
    user_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, bridge_id, login_id)
  );
  INSERT INTO logins_v4 (bridge_id, login_id, status, status_text, user_json, created_at, updated_at)
    SELECT bridge_id, login_id, status, status_text, user_json, created_at, updated_at FROM logins;
  DROP TABLE logins;
  ALTER TABLE logins_v4 RENAME TO logins;
  CREATE TABLE people (
    user_id TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  );
  `,
  // 5: OAuth (api.md §12): registered apps, the grants people gave them, and the codes and tokens of
  // each grant, stored only as hashes. Revoking a grant stops all its tokens at once.
  `
  CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE oauth_grants (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id),
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  CREATE TABLE oauth_codes (
    hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES oauth_grants (id),
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE TABLE oauth_tokens (
    hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES oauth_grants (id),
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER
  );
  CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
  `,
];
