/**
 * Which database the server keeps its data in (api.md §11): the SQLite file of the data
 * directory by default, or PostgreSQL when `database.url` is set, shared by any number of
 * instances. Either way the services get the same storage interfaces.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import { ConfigError } from './config/config.ts';
import type { Coordinator } from './coordination/coordinator.ts';
import { PgCoordinator } from './coordination/pg.ts';
import { openDatabase, type Db } from './store/db.ts';
import { GroupCommit } from './store/group-commit.ts';
import { DemoCookieStore } from './store/demo-cookies.ts';
import { LoginStore } from './store/logins.ts';
import { PeopleStore } from './store/people.ts';
import { SessionStore } from './store/sessions.ts';
import { PgSessionStore } from './store/sessions-pg.ts';
import type { DemoCookieStorage, DemoPairingStorage, LoginStorage, PeopleStorage, SessionStorage, TokenStorage } from './store/storage.ts';
import { TokenStore } from './store/tokens.ts';
import { openPostgres, type PgDatabase } from './store/pg/pool.ts';
import { migratePostgres } from './store/pg/migrations.ts';
import { isUnavailable } from './store/pg/errors.ts';
import { PgDemoCookieStore } from './store/pg/demo-cookies.ts';
import { PgDemoPairingStore } from './store/pg/demo-pairings.ts';
import { PgLoginStore } from './store/pg/logins.ts';
import { PgPeopleStore } from './store/pg/people.ts';
import { PgTokenStore } from './store/pg/tokens.ts';

/** Every store the services use, on one database. */
export interface Stores {
  tokens: TokenStorage;
  logins: LoginStorage;
  people: PeopleStorage;
  demoCookies: DemoCookieStorage;
  /** Shared QR tokens and pairing codes; absent for one process (SQLite), which keeps them in memory. */
  demoPairings?: DemoPairingStorage;
  sessions: SessionStorage;
  /** Leases and change events across instances (PostgreSQL); the single process's when undefined. */
  coordinator?: Coordinator;
  /** The SQLite database, when that is the store. */
  db?: Db;
  /** The PostgreSQL pool, when that is the store. */
  pg?: PgDatabase;
  /** Save what is still pending and close what was opened here (after the services stopped). */
  close(): Promise<void>;
}

export interface StoreContext {
  config: Config;
  clock: Clock;
  /** An open SQLite database to use (tests); not closed by {@link Stores.close}. */
  db?: Db;
  onError: (err: unknown, context: string) => void;
}

/** Open the configured database (migrating it) and its stores. */
export function openStores(ctx: StoreContext): Promise<Stores> {
  if (ctx.config.database.url !== undefined && ctx.db === undefined) return postgresStores(ctx, ctx.config.database.url);
  return Promise.resolve(sqliteStores(ctx));
}

function sqliteStores(ctx: StoreContext): Stores {
  const db = ctx.db ?? openDatabase(ctx.config.databaseFile);
  const owns = ctx.db === undefined;
  // The writes of one event-loop turn share a commit; answers wait for it (the onSend hook).
  const commits = new GroupCommit(db, (err) => ctx.onError(err, 'committing to the database'));
  return {
    tokens: new TokenStore(db),
    logins: new LoginStore(db, commits),
    people: new PeopleStore(db),
    demoCookies: new DemoCookieStore(db),
    sessions: new SessionStore(db, commits),
    db,
    close: () => {
      commits.flush();
      if (owns) db.close();
      return Promise.resolve();
    },
  };
}

async function postgresStores(ctx: StoreContext, url: string): Promise<Stores> {
  const { config, clock } = ctx;
  const pg = await openPostgres(url, { poolSize: config.database.poolSize });
  try {
    // The first instance to start migrates; the others wait on the lock and find it done.
    await migratePostgres(pg.pool);
  } catch (err) {
    await pg.close();
    if (isUnavailable(err)) throw new ConfigError(`cannot reach the PostgreSQL database of database.url (${describe(err)}); is it running, and is the URL right?`);
    throw err;
  }
  const instanceID = randomUUID();
  const leaseMs = config.database.leaseSeconds * 1000;
  const sessions = new PgSessionStore({ pool: pg.pool, instanceID, leaseMs, now: () => clock.now(), onError: (err) => ctx.onError(err, 'committing to the database') });
  const coordinator = new PgCoordinator({ pool: pg.pool, url, instanceID, leaseMs, clock, onError: ctx.onError });
  return {
    tokens: new PgTokenStore(pg.pool),
    // A completed login joins its session's save: one transaction (PgWriteQueue).
    logins: new PgLoginStore(pg.pool, sessions),
    people: new PgPeopleStore(pg.pool),
    demoCookies: new PgDemoCookieStore(pg.pool),
    demoPairings: new PgDemoPairingStore(pg.pool),
    sessions,
    coordinator,
    pg,
    close: async () => {
      await sessions.flush();
      await pg.close();
    },
  };
}

/** An error's code or message, never a URL (which may hold a password). */
function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'connection failed';
}
