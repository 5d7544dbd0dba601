/**
 * The logins of every bridge, as this server knows them. For the demo bridge this is the
 * truth; for external bridges it is a copy kept in step with what the bridge reports.
 */
import type { Db } from './db.ts';
import type { GroupCommit } from './group-commit.ts';
import type { LoginStatus, User } from '../bridges/types.ts';

export interface StoredLogin {
  bridgeID: string;
  loginID: string;
  status: LoginStatus;
  statusText?: string;
  user: User;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  bridge_id: string;
  login_id: string;
  status: string;
  status_text: string | null;
  user_json: string;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): StoredLogin {
  return {
    bridgeID: r.bridge_id,
    loginID: r.login_id,
    status: r.status as LoginStatus,
    ...(r.status_text != null ? { statusText: r.status_text } : {}),
    user: JSON.parse(r.user_json) as User,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class LoginStore {
  private readonly byBridge;
  private readonly one;
  private readonly all;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly countStmt;

  /** With `commits`, writes join the current turn's group commit instead of committing each. */
  constructor(
    db: Db,
    private readonly commits?: GroupCommit,
  ) {
    this.byBridge = db.prepare<[string], Row>('SELECT * FROM logins WHERE bridge_id = ? ORDER BY created_at, login_id');
    this.one = db.prepare<[string, string], Row>('SELECT * FROM logins WHERE bridge_id = ? AND login_id = ?');
    this.all = db.prepare<[], Row>('SELECT * FROM logins ORDER BY bridge_id, created_at, login_id');
    this.upsertStmt = db.prepare<[Record<string, unknown>], Row>(
      `INSERT INTO logins (bridge_id, login_id, status, status_text, user_json, created_at, updated_at)
       VALUES (@bridgeID, @loginID, @status, @statusText, @userJSON, @now, @now)
       ON CONFLICT (bridge_id, login_id) DO UPDATE SET status = excluded.status, status_text = excluded.status_text,
         user_json = excluded.user_json, updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.deleteStmt = db.prepare('DELETE FROM logins WHERE bridge_id = ? AND login_id = ?');
    this.countStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM logins WHERE bridge_id = ?');
  }

  list(bridgeID: string): StoredLogin[] {
    return this.byBridge.all(bridgeID).map(fromRow);
  }

  listAll(): StoredLogin[] {
    return this.all.all().map(fromRow);
  }

  get(bridgeID: string, loginID: string): StoredLogin | undefined {
    const r = this.one.get(bridgeID, loginID);
    return r ? fromRow(r) : undefined;
  }

  count(bridgeID: string): number {
    return this.countStmt.get(bridgeID)?.n ?? 0;
  }

  /** Create or update a login; returns the stored row. */
  upsert(login: { bridgeID: string; loginID: string; status: LoginStatus; statusText?: string; user: User }, now: number): StoredLogin {
    this.commits?.join();
    const row = this.upsertStmt.get({
      bridgeID: login.bridgeID,
      loginID: login.loginID,
      status: login.status,
      statusText: login.statusText ?? null,
      userJSON: JSON.stringify(login.user),
      now,
    });
    return fromRow(row!);
  }

  delete(bridgeID: string, loginID: string): boolean {
    this.commits?.join();
    return this.deleteStmt.run(bridgeID, loginID).changes > 0;
  }
}
