/**
 * The PostgreSQL rows of the bench (issue 17): the same server on a PostgreSQL database (one
 * fresh database per server started), on the test cluster of scripts/ensure-postgres.sh (or
 * BRIDGE_LOGIN_TEST_PG_URL), measured against the same floor as the SQLite rows of the run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { startRoundRobin } from '../test/support/round-robin.ts';
import { measureLogins, type LoadOptions, type LoginFigure } from './load.ts';
import { PROJECT_ROOT, startServer, type RealServer, type ServerOptions } from './processes.ts';

/** The cluster's URL, starting it when needed (the script prints it). */
export function clusterURL(): string {
  return execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'ensure-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function onCluster(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database on the cluster; `drop()` removes it (and ends what is still connected). */
export async function freshDatabase(cluster: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bl_bench_${randomBytes(5).toString('hex')}`;
  await onCluster(cluster, `CREATE DATABASE ${name}`);
  const u = new URL(cluster);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => onCluster(cluster, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Run `fn` with server options that put the server on a fresh database, dropped after. */
export async function onFreshDatabase<T>(cluster: string, base: ServerOptions, fn: (opts: ServerOptions) => Promise<T>): Promise<T> {
  const db = await freshDatabase(cluster);
  try {
    return await fn({ ...base, env: { ...base.env, BRIDGE_LOGIN_DATABASE_URL: db.url } });
  } finally {
    await db.drop();
  }
}

/**
 * Logins per second through a round-robin proxy in front of two instances on one database.
 * Informational only: on a 2-core machine the two instances, the proxy and the load generator
 * share the same cores, so this says nothing about scaling out.
 */
export async function measureTwoInstances(opts: ServerOptions, load: LoadOptions): Promise<LoginFigure> {
  const servers: RealServer[] = [];
  try {
    servers.push(await startServer(opts));
    servers.push(await startServer({ ...opts, token: servers[0]!.token }));
    const rr = await startRoundRobin(servers.map((s) => s.url));
    try {
      // CPU per login is counted on the first instance only: read it as half of the pair's.
      return await measureLogins(rr.url, servers[0]!.token, load, servers[0]!.pid);
    } finally {
      await rr.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
