/**
 * Persisted login sessions (never any submitted value) and the answers given to
 * `Idempotency-Key`s, so that sessions survive a restart and stay readable for their retention.
 */
import type { Db } from './db.ts';
import type { GroupCommit } from './group-commit.ts';
import type { Session, SessionStatus, SessionStep } from '../sessions/model.ts';
import type { SessionStorage, StoredSession, StoredSessions } from './storage.ts';
import type { LoginError } from '../bridges/types.ts';

interface Row {
  id: string;
  user_id: string;
  bridge_id: string;
  flow_id: string;
  status: string;
  step_json: string | null;
  error_json: string | null;
  login_id: string | null;
  last_answered_step_id: string | null;
  bridge_state_json: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  finished_at: number | null;
}

function fromRow(r: Row): Session {
  return {
    id: r.id,
    ...(r.user_id !== '' ? { owner: r.user_id } : {}),
    bridgeID: r.bridge_id,
    flowID: r.flow_id,
    status: r.status as SessionStatus,
    ...(r.step_json != null ? { step: JSON.parse(r.step_json) as SessionStep } : {}),
    ...(r.error_json != null ? { error: JSON.parse(r.error_json) as LoginError } : {}),
    ...(r.login_id != null ? { loginID: r.login_id } : {}),
    ...(r.last_answered_step_id != null ? { lastAnsweredStepID: r.last_answered_step_id } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
    ...(r.finished_at != null ? { finishedAt: r.finished_at } : {}),
  };
}

export type { StoredSession } from './storage.ts';

/** The SQLite implementation of {@link SessionStorage}. */
export class SessionStore implements SessionStorage {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly loadStmt;
  private readonly deleteBeforeStmt;
  private readonly deleteStmt;
  private readonly saveReplyStmt;
  private readonly repliesStmt;
  private readonly readStmt;
  private readonly readReplyStmt;
  private readonly transaction: <T>(fn: () => T) => T;
  /** Session ID → its row number (migration 3: rows are found by number, not by ID). */
  private readonly rows = new Map<string, number | bigint>();

  /** With `commits`, writes join the current turn's group commit instead of committing each. */
  constructor(
    private readonly db: Db,
    private readonly commits?: GroupCommit,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (id, user_id, bridge_id, flow_id, status, step_json, error_json, login_id, last_answered_step_id,
         bridge_state_json, created_at, updated_at, expires_at, finished_at)
       VALUES (@id, @owner, @bridgeID, @flowID, @status, @step, @error, @loginID, @lastAnswered, @bridgeState, @createdAt, @updatedAt, @expiresAt, @finishedAt)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE sessions SET status = @status, step_json = @step, error_json = @error, login_id = @loginID,
         last_answered_step_id = @lastAnswered, bridge_state_json = @bridgeState, updated_at = @updatedAt, finished_at = @finishedAt
       WHERE seq = @seq AND id = @id`,
    );
    this.loadStmt = db.prepare<[], Row & { seq: number }>('SELECT * FROM sessions ORDER BY seq');
    this.deleteBeforeStmt = db.prepare<[number], string>('DELETE FROM sessions WHERE finished_at IS NOT NULL AND finished_at <= ? RETURNING id').pluck();
    // Every statement by row number also checks the ID: a number handed out by a commit that
    // then failed can be handed out again, to another session.
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE seq = ? AND id = ?');
    this.saveReplyStmt = db.prepare(
      'INSERT OR IGNORE INTO session_replies (session_seq, idempotency_key, reply_json) SELECT seq, ?, ? FROM sessions WHERE seq = ? AND id = ?',
    );
    this.readStmt = db.prepare<[number | bigint, string], Row>('SELECT * FROM sessions WHERE seq = ? AND id = ?');
    this.readReplyStmt = db
      .prepare<[number | bigint, string], string>('SELECT reply_json FROM session_replies WHERE session_seq = ? AND idempotency_key = ?')
      .pluck();
    this.transaction = db.transaction((fn) => fn()) as <T>(fn: () => T) => T;
    this.repliesStmt = db.prepare<[], { id: string; idempotency_key: string; reply_json: string }>(
      'SELECT s.id, r.idempotency_key, r.reply_json FROM session_replies r JOIN sessions s ON s.seq = r.session_seq',
    );
  }

  /** Write a session; `onLost` hears if the commit this write joined failed (group commit only). */
  save(s: Session, bridgeState?: unknown, onLost?: () => void): void {
    this.commits?.join(onLost);
    const values = {
      status: s.status,
      step: s.step ? JSON.stringify(s.step) : null,
      error: s.error ? JSON.stringify(s.error) : null,
      loginID: s.loginID ?? null,
      lastAnswered: s.lastAnsweredStepID ?? null,
      bridgeState: bridgeState === undefined ? null : JSON.stringify(bridgeState),
      updatedAt: s.updatedAt,
      finishedAt: s.finishedAt ?? null,
    };
    const seq = this.rows.get(s.id);
    // No row changed: the commit that inserted it failed (and its number may be another
    // session's now). Write the whole session again.
    if (seq !== undefined && this.updateStmt.run({ ...values, seq, id: s.id }).changes > 0) return;
    const { lastInsertRowid } = this.insertStmt.run({ ...values, id: s.id, owner: s.owner ?? '', bridgeID: s.bridgeID, flowID: s.flowID, createdAt: s.createdAt, expiresAt: s.expiresAt });
    this.rows.set(s.id, lastInsertRowid);
  }

  /** Run `fn` in one transaction, so that the writes it makes share one commit. */
  inTransaction<T>(fn: () => T): T {
    this.commits?.join();
    return this.transaction(fn);
  }

  async load(cutoff: number): Promise<StoredSessions> {
    this.deleteFinishedBefore(cutoff);
    return { replies: this.loadReplies(), sessions: this.loadAll() };
  }

  whenSaved(callback: (saved: boolean) => void): void {
    if (this.commits) this.commits.whenDurable(callback);
    else callback(true);
  }

  /** Every stored session, with the bridge state kept for resuming it. */
  loadAll(): StoredSession[] {
    return this.loadStmt.all().map((r) => {
      this.rows.set(r.id, r.seq);
      return {
        session: fromRow(r),
        ...(r.bridge_state_json != null ? { bridgeState: JSON.parse(r.bridge_state_json) as unknown } : {}),
      };
    });
  }

  /** Delete sessions finished at or before `cutoff` (their replies go with them). */
  deleteFinishedBefore(cutoff: number): number {
    this.commits?.join();
    const ids = this.deleteBeforeStmt.all(cutoff);
    for (const id of ids) this.rows.delete(id);
    return ids.length;
  }

  /** Delete one session (its replies go with it). */
  delete(id: string): void {
    this.commits?.join();
    const seq = this.rows.get(id);
    if (seq === undefined) return;
    this.deleteStmt.run(seq, id);
    this.rows.delete(id);
  }

  /** One session by ID (by its row number: reads see this connection's pending writes). */
  read(id: string): Session | undefined {
    const seq = this.rows.get(id);
    if (seq === undefined) return undefined;
    const row = this.readStmt.get(seq, id);
    return row ? fromRow(row) : undefined;
  }

  readForResume(id: string): StoredSession | undefined {
    const seq = this.rows.get(id);
    const r = seq === undefined ? undefined : this.readStmt.get(seq, id);
    return r ? { session: fromRow(r), ...(r.bridge_state_json != null ? { bridgeState: JSON.parse(r.bridge_state_json) as unknown } : {}) } : undefined;
  }

  readReply(id: string, key: string): string | undefined {
    const seq = this.rows.get(id);
    return seq === undefined ? undefined : this.readReplyStmt.get(seq, key);
  }

  saveReply(sessionID: string, key: string, replyJSON: string): void {
    this.commits?.join();
    const seq = this.rows.get(sessionID);
    if (seq !== undefined) this.saveReplyStmt.run(key, replyJSON, seq, sessionID);
  }

  /** All stored replies, grouped by session. */
  loadReplies(): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const r of this.repliesStmt.all()) {
      let m = out.get(r.id);
      if (!m) out.set(r.id, (m = new Map()));
      m.set(r.idempotency_key, r.reply_json);
    }
    return out;
  }
}
