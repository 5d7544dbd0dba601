/**
 * The logins of every bridge, as this server knows them. For the demo bridge this is the
 * truth; for external bridges it is a copy kept in step with what the bridge reports.
 */
import type { Db } from './db.ts';
import type { GroupCommit } from './group-commit.ts';
import type { LoginStatus, User } from '../bridges/types.ts';

export interface StoredLogin {
  /** The principal the login belongs to: '' for the owner, else a Matrix user ID. */
  owner: string;
  bridgeID: string;
  loginID: string;
  status: LoginStatus;
  statusText?: string;
  user: User;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  user_id: string;
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
    owner: r.user_id,
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
  private readonly perOwner;

  /** With `commits`, writes join the current turn's group commit instead of committing each. */
  constructor(
    db: Db,
    private readonly commits?: GroupCommit,
  ) {
    this.byBridge = db.prepare<[string, string], Row>('SELECT * FROM logins WHERE user_id = ? AND bridge_id = ? ORDER BY created_at, login_id');
    this.one = db.prepare<[string, string, string], Row>('SELECT * FROM logins WHERE user_id = ? AND bridge_id = ? AND login_id = ?');
    this.all = db.prepare<[string], Row>('SELECT * FROM logins WHERE user_id = ? ORDER BY bridge_id, created_at, login_id');
    this.upsertStmt = db.prepare<[Record<string, unknown>], Row>(
      `INSERT INTO logins (user_id, bridge_id, login_id, status, status_text, user_json, created_at, updated_at)
       VALUES (@owner, @bridgeID, @loginID, @status, @statusText, @userJSON, @now, @now)
       ON CONFLICT (user_id, bridge_id, login_id) DO UPDATE SET status = excluded.status, status_text = excluded.status_text,
         user_json = excluded.user_json, updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.deleteStmt = db.prepare('DELETE FROM logins WHERE user_id = ? AND bridge_id = ? AND login_id = ?');
    this.countStmt = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM logins WHERE user_id = ? AND bridge_id = ?');
    this.perOwner = db.prepare<[], { user_id: string; n: number }>('SELECT user_id, count(*) AS n FROM logins GROUP BY user_id');
  }

  /** The logins of one principal (`owner`: '' for the owner, else a Matrix user ID) on a bridge. */
  list(bridgeID: string, owner = ''): StoredLogin[] {
    return this.byBridge.all(owner, bridgeID).map(fromRow);
  }

  listAll(owner = ''): StoredLogin[] {
    return this.all.all(owner).map(fromRow);
  }

  get(bridgeID: string, loginID: string, owner = ''): StoredLogin | undefined {
    const r = this.one.get(owner, bridgeID, loginID);
    return r ? fromRow(r) : undefined;
  }

  count(bridgeID: string, owner = ''): number {
    return this.countStmt.get(owner, bridgeID)?.n ?? 0;
  }

  /** How many logins each principal holds (`GET /v1/users`). */
  countByOwner(): Map<string, number> {
    return new Map(this.perOwner.all().map((r) => [r.user_id, r.n]));
  }

  /** Create or update a login; returns the stored row. */
  upsert(login: { bridgeID: string; loginID: string; status: LoginStatus; statusText?: string; user: User }, now: number, owner = ''): StoredLogin {
    this.commits?.join();
    const row = this.upsertStmt.get({
      owner,
      bridgeID: login.bridgeID,
      loginID: login.loginID,
      status: login.status,
      statusText: login.statusText ?? null,
      userJSON: JSON.stringify(login.user),
      now,
    });
    return fromRow(row!);
  }

  delete(bridgeID: string, loginID: string, owner = ''): boolean {
    this.commits?.join();
    return this.deleteStmt.run(owner, bridgeID, loginID).changes > 0;
  }
}
