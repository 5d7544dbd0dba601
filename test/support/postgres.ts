/**
 * The PostgreSQL tests' database: `withDatabase()` gives the calling test file a fresh database
 * on the cluster at `BRIDGE_LOGIN_TEST_PG_URL` (set by `npm run test:postgres`, which starts one
 * with scripts/ensure-postgres.sh) and drops it after the file's tests. Nothing is skipped: with
 * no URL the tests fail saying how to get one.
 */
import { after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

const ENV = 'BRIDGE_LOGIN_TEST_PG_URL';
const SCRIPT = new URL('../../scripts/ensure-postgres.sh', import.meta.url).pathname;
/** Where the script keeps its cluster's folder and port (its default). */
const STATE = new URL('../../node_modules/.cache/bridge-login-postgres/cluster', import.meta.url).pathname;

/** The test cluster's URL (a role that may CREATE DATABASE); throws a clear error when none is set. */
export function testClusterURL(): string {
  const url = process.env[ENV];
  if (!url) {
    throw new Error(`${ENV} is not set: run the PostgreSQL tests with \`npm run test:postgres\` (it starts a throwaway cluster), or set ${ENV} to a postgres:// URL of a role that may create databases`);
  }
  return url;
}

/** A database of one test file. */
export interface TestDatabase {
  /** Its name (`bl_<random>`). */
  name: string;
  /** A postgres:// URL of it, for BRIDGE_LOGIN_DATABASE_URL. */
  url: string;
  /** Run one statement on it (a short-lived connection), for what a test inspects directly. */
  query<T extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drop it now (also done after the file's tests); ends every connection to it. */
  drop(): Promise<void>;
}

/** `url` with its database name replaced by `name`. */
function urlOf(clusterURL: string, name: string): string {
  const u = new URL(clusterURL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function onCluster<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Create a fresh, empty database and drop it (forcefully, whatever is still connected) once the
 * file's tests have run; called inside a test, once that test has run.
 */
export async function withDatabase(): Promise<TestDatabase> {
  const cluster = testClusterURL();
  const name = `bl_${randomBytes(6).toString('hex')}`;
  await onCluster(cluster, (c) => c.query(`CREATE DATABASE ${name}`));
  let dropped = false;
  const db: TestDatabase = {
    name,
    url: urlOf(cluster, name),
    query: (sql, params) => onCluster(urlOf(cluster, name), async (c) => (await c.query(sql, params)).rows),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await onCluster(cluster, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
  after(() => db.drop());
  return db;
}

/**
 * Stop or start the test cluster (the one scripts/ensure-postgres.sh started; its port stays the
 * same), for the tests of a database outage. A cluster given from outside (a URL whose port is not
 * the script's cluster's) cannot be controlled: that throws.
 */
export function controlCluster(action: 'stop' | 'start'): void {
  let port: string | undefined;
  try {
    port = /^PORT=(\d+)$/m.exec(readFileSync(STATE, 'utf8'))?.[1];
  } catch {
    // no cluster started by the script
  }
  if (port === undefined || new URL(testClusterURL()).port !== port) {
    throw new Error(`${ENV} is not the cluster scripts/ensure-postgres.sh started: the outage tests need to restart it`);
  }
  const env = { ...process.env };
  delete env[ENV];
  execFileSync('bash', [SCRIPT, action], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
