/**
 * The logins of every bridge, as this server knows them. For the demo bridge this is the
 * truth; for external bridges it is a copy kept in step with what the bridge reports.
 */
import type { Db } from './db.ts';
import type { GroupCommit } from './group-commit.ts';
import type { LoginStatus, User } from '../bridges/types.ts';
import type { LoginStorage, LoginWrite, StoredLogin } from './storage.ts';

export type { StoredLogin } from './storage.ts';

/** A row of the `logins` table, as both stores read it (PostgreSQL's bigints parse to numbers). */
export interface LoginRow {
  user_id: string;
  bridge_id: string;
  login_id: string;
  status: string;
  status_text: string | null;
  user_json: string;
  created_at: number;
  updated_at: number;
}

/** The login a row holds. */
export function loginFromRow(r: LoginRow): StoredLogin {
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

/** The SQLite implementation of {@link LoginStorage}: each statement runs when called. */
export class LoginStore implements LoginStorage {
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
    this.byBridge = db.prepare<[string, string], LoginRow>('SELECT * FROM logins WHERE user_id = ? AND bridge_id = ? ORDER BY created_at, login_id');
    this.one = db.prepare<[string, string, string], LoginRow>('SELECT * FROM logins WHERE user_id = ? AND bridge_id = ? AND login_id = ?');
    this.all = db.prepare<[string], LoginRow>('SELECT * FROM logins WHERE user_id = ? ORDER BY bridge_id, created_at, login_id');
    this.upsertStmt = db.prepare<[Record<string, unknown>], LoginRow>(
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
  list(bridgeID: string, owner = ''): Promise<StoredLogin[]> {
    return Promise.resolve(this.byBridge.all(owner, bridgeID).map(loginFromRow));
  }

  listAll(owner = ''): Promise<StoredLogin[]> {
    return Promise.resolve(this.all.all(owner).map(loginFromRow));
  }

  get(bridgeID: string, loginID: string, owner = ''): Promise<StoredLogin | undefined> {
    const r = this.one.get(owner, bridgeID, loginID);
    return Promise.resolve(r ? loginFromRow(r) : undefined);
  }

  count(bridgeID: string, owner = ''): Promise<number> {
    return Promise.resolve(this.countStmt.get(owner, bridgeID)?.n ?? 0);
  }

  /** How many logins each principal holds (`GET /v1/users`). */
  countByOwner(): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.perOwner.all().map((r) => [r.user_id, r.n])));
  }

  /** Create or update a login; resolves to the stored row. The statement runs at once, in the current transaction if any. */
  upsert(login: LoginWrite, now: number, owner = ''): Promise<StoredLogin> {
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
    return Promise.resolve(loginFromRow(row!));
  }

  delete(bridgeID: string, loginID: string, owner = ''): Promise<boolean> {
    this.commits?.join();
    return Promise.resolve(this.deleteStmt.run(owner, bridgeID, loginID).changes > 0);
  }
}
