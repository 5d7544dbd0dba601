/**
 * Persisted login sessions (never any submitted value) and the answers given to
 * `Idempotency-Key`s, so that sessions survive a restart and stay readable for their retention.
 */
import type { Db } from './db.ts';
import type { GroupCommit } from './group-commit.ts';
import type { Session, SessionStatus, SessionStep } from '../sessions/model.ts';
import type { LoginError } from '../bridges/types.ts';

interface Row {
  id: string;
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

export interface StoredSession {
  session: Session;
  bridgeState?: unknown;
}

export class SessionStore {
  private readonly saveStmt;
  private readonly loadStmt;
  private readonly deleteBeforeStmt;
  private readonly deleteStmt;
  private readonly saveReplyStmt;
  private readonly repliesStmt;
  private readonly transaction: <T>(fn: () => T) => T;

  /** With `commits`, writes join the current turn's group commit instead of committing each. */
  constructor(
    private readonly db: Db,
    private readonly commits?: GroupCommit,
  ) {
    this.saveStmt = db.prepare(
      `INSERT INTO sessions (id, bridge_id, flow_id, status, step_json, error_json, login_id, last_answered_step_id,
         bridge_state_json, created_at, updated_at, expires_at, finished_at)
       VALUES (@id, @bridgeID, @flowID, @status, @step, @error, @loginID, @lastAnswered, @bridgeState, @createdAt, @updatedAt, @expiresAt, @finishedAt)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, step_json = excluded.step_json, error_json = excluded.error_json,
         login_id = excluded.login_id, last_answered_step_id = excluded.last_answered_step_id,
         bridge_state_json = excluded.bridge_state_json, updated_at = excluded.updated_at, finished_at = excluded.finished_at`,
    );
    this.loadStmt = db.prepare<[], Row>('SELECT * FROM sessions');
    this.deleteBeforeStmt = db.prepare('DELETE FROM sessions WHERE finished_at IS NOT NULL AND finished_at <= ?');
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.saveReplyStmt = db.prepare('INSERT OR IGNORE INTO session_replies (session_id, idempotency_key, reply_json) VALUES (?, ?, ?)');
    this.transaction = db.transaction((fn) => fn()) as <T>(fn: () => T) => T;
    this.repliesStmt = db.prepare<[], { session_id: string; idempotency_key: string; reply_json: string }>('SELECT * FROM session_replies');
  }

  save(s: Session, bridgeState?: unknown): void {
    this.commits?.join();
    this.saveStmt.run({
      id: s.id,
      bridgeID: s.bridgeID,
      flowID: s.flowID,
      status: s.status,
      step: s.step ? JSON.stringify(s.step) : null,
      error: s.error ? JSON.stringify(s.error) : null,
      loginID: s.loginID ?? null,
      lastAnswered: s.lastAnsweredStepID ?? null,
      bridgeState: bridgeState === undefined ? null : JSON.stringify(bridgeState),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      expiresAt: s.expiresAt,
      finishedAt: s.finishedAt ?? null,
    });
  }

  /** Run `fn` in one transaction, so that the writes it makes share one commit. */
  inTransaction<T>(fn: () => T): T {
    this.commits?.join();
    return this.transaction(fn);
  }

  /** Every stored session, with the bridge state kept for resuming it. */
  loadAll(): StoredSession[] {
    return this.loadStmt.all().map((r) => ({
      session: fromRow(r),
      ...(r.bridge_state_json != null ? { bridgeState: JSON.parse(r.bridge_state_json) as unknown } : {}),
    }));
  }

  /** Delete sessions finished at or before `cutoff` (their replies go with them). */
  deleteFinishedBefore(cutoff: number): number {
    this.commits?.join();
    return this.deleteBeforeStmt.run(cutoff).changes;
  }

  /** Delete one session (its replies go with it). */
  delete(id: string): void {
    this.commits?.join();
    this.deleteStmt.run(id);
  }

  saveReply(sessionID: string, key: string, replyJSON: string): void {
    this.commits?.join();
    this.saveReplyStmt.run(sessionID, key, replyJSON);
  }

  /** All stored replies, grouped by session. */
  loadReplies(): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const r of this.repliesStmt.all()) {
      let m = out.get(r.session_id);
      if (!m) out.set(r.session_id, (m = new Map()));
      m.set(r.idempotency_key, r.reply_json);
    }
    return out;
  }
}
