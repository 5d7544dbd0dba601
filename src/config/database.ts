/**
 * The `database` settings (api.md §11): a `postgres://` URL selects PostgreSQL, shared by any
 * number of instances; without one the server keeps its SQLite file in the data directory.
 */
import { ConfigError } from './config.ts';

/** Where the server keeps its data, besides the data directory. */
export interface DatabaseConfig {
  /** A `postgres://` or `postgresql://` URL; undefined: SQLite in the data directory. */
  url?: string;
  /** Most connections each instance holds to PostgreSQL. */
  poolSize: number;
  /** How long an instance's lease on a running session lasts without renewal, in seconds. */
  leaseSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What the config file says under `database` (already checked to be a mapping or absent). */
export interface DatabaseFileValues {
  url?: string;
  poolSize?: number;
  leaseSeconds?: number;
}

/**
 * Read the database settings: the environment (`BRIDGE_LOGIN_DATABASE_URL`,
 * `BRIDGE_LOGIN_DATABASE_POOL_SIZE`, `BRIDGE_LOGIN_LEASE_SECONDS`) wins over the file.
 * `source` names the config file in errors.
 */
export function readDatabase(file: DatabaseFileValues, env: Env, source: string): DatabaseConfig {
  const urlRaw = env.BRIDGE_LOGIN_DATABASE_URL ?? file.url;
  const urlFrom = env.BRIDGE_LOGIN_DATABASE_URL !== undefined ? 'BRIDGE_LOGIN_DATABASE_URL' : `${source}: "database.url"`;
  const config: DatabaseConfig = {
    poolSize: whole(env.BRIDGE_LOGIN_DATABASE_POOL_SIZE ?? file.poolSize, 10, 1, 1000, env.BRIDGE_LOGIN_DATABASE_POOL_SIZE !== undefined ? 'BRIDGE_LOGIN_DATABASE_POOL_SIZE' : `${source}: "database.poolSize"`),
    leaseSeconds: whole(env.BRIDGE_LOGIN_LEASE_SECONDS ?? file.leaseSeconds, 15, 1, 3600, env.BRIDGE_LOGIN_LEASE_SECONDS !== undefined ? 'BRIDGE_LOGIN_LEASE_SECONDS' : `${source}: "database.leaseSeconds"`),
  };
  if (urlRaw !== undefined && urlRaw.trim() !== '') config.url = checkURL(urlRaw.trim(), urlFrom);
  return config;
}

function whole(raw: string | number | undefined, fallback: number, min: number, max: number, from: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${from} must be a whole number from ${min} to ${max}`);
  return n;
}

/**
 * A PostgreSQL URL, or a ConfigError that never shows its password (a URL that does not parse
 * is not shown at all: where its password starts cannot be told).
 */
function checkURL(url: string, from: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${from} is not a valid URL; write it as postgres://user:password@host:5432/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`${from} must be a postgres:// or postgresql:// URL (without it the server keeps SQLite in its data directory), not ${parsed.protocol}//`);
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new ConfigError(`${from} names no host; write it as postgres://user:password@host:5432/database`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw new ConfigError(`${from} must name one database after the host (postgres://host/database)`);
  return url;
}
