/**
 * @module config
 * The server's configuration, read once at start from command-line options, an optional YAML
 * file and the environment, into a frozen typed object. A bad value stops the start with a
 * message naming the setting. Nothing else in the code base reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as YAML from 'yaml';
import { DATABASE_FILE_NAME, defaultDataDir } from './paths.ts';
import type { Provider } from '../bridges/types.ts';
import type { Bridgev2BridgeConfig } from '../bridges/bridgev2/config.ts';
import { isServerName } from '../people/server-name.ts';
import { readDatabase, type DatabaseConfig } from './database.ts';

/** `yaml`'s parser, loaded only when a config file is read (most starts have none). */
function parseYAML(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof YAML;
  return yaml.parse(text);
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** SQLite file, or `:memory:` (used when `database.url` is not set). */
  databaseFile: string;
  /** PostgreSQL (`database.url`) and its pool and leases (api.md §11). */
  database: DatabaseConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log lines as JSON, or one readable line each; `auto`: readable on a terminal, JSON elsewhere. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Host names accepted besides loopback (DNS-rebinding defence). */
  allowedHosts: string[];
  /** Origins given CORS permission; none by default. */
  corsOrigins: string[];
  sessions: { ttlSeconds: number; retentionSeconds: number; maxActive: number; maxActivePerUser: number; longPollSeconds: number; maxRetained: number };
  /** Sign in with Matrix (`api.md` §10). */
  matrix: {
    /** Glob patterns of who may sign in; empty: sign-in is off. */
    allowedUsers: string[];
    /** Server name → federation base URL; others are found through `.well-known`. */
    homeservers: Record<string, string>;
  };
  auth: {
    /** Lifetime of the tokens that sign-in issues. */
    tokenTTLSeconds: number;
  };
  /**
   * Proxies whose `X-Forwarded-For`/`-Proto` are believed (addresses or CIDR ranges); none by
   * default, so that a client cannot pick the address the failed-auth brake counts.
   */
  trustProxy: string[];
  demo: { enabled: boolean; qrRefreshSeconds: number; maxQRCodes: number; maxCookies: number };
  bridges: Bridgev2BridgeConfig[];
  /** Bounds on what clients hold open (see SECURITY.md). */
  limits: {
    /** Most connections open at once; by default, and at most, a quarter below the open-file limit. */
    maxConnections?: number;
    /** Most event streams one token may hold open at once. */
    streamsPerToken: number;
    /** Most long-polls (`display_and_wait` submits) one token may hold open at once. */
    longPollsPerToken: number;
  };
}

/** Options given on the command line (they win over the file). */
export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  config?: string;
  logLevel?: string;
  logFormat?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const PROVIDERS: readonly Provider[] = ['cloud', 'self-hosted', 'local', 'platform-sdk'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads typed values out of a parsed YAML document, naming the key on any error. */
class Reader {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly source: string,
  ) {}

  fail(key: string, problem: string): never {
    throw new ConfigError(`${this.source}: "${key}" ${problem}`);
  }

  /** Replace `${VAR}` with the environment variable's value. */
  expand(key: string, value: string): string {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = this.env[name];
      if (v === undefined) this.fail(key, `uses \${${name}}, but the environment variable ${name} is not set`);
      return v;
    });
  }

  string(obj: Obj, key: string, at: string, opts: { required?: boolean; pattern?: RegExp } = {}): string | undefined {
    const v = obj[key];
    const name = at ? `${at}.${key}` : key;
    if (v === undefined || v === null) {
      if (opts.required) this.fail(name, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') this.fail(name, 'must be a string');
    const s = this.expand(name, String(v));
    if (opts.required && s === '') this.fail(name, 'must not be empty');
    if (opts.pattern && !opts.pattern.test(s)) this.fail(name, `has an invalid value "${s}"`);
    return s;
  }

  int(obj: Obj, key: string, at: string, min: number, max: number): number | undefined {
    const v = obj[key];
    const name = at ? `${at}.${key}` : key;
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' ? Number(this.expand(name, v)) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) this.fail(name, `must be a whole number from ${min} to ${max}`);
    return n;
  }

  bool(obj: Obj, key: string, at: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(at ? `${at}.${key}` : key, 'must be true or false');
    return v;
  }

  strings(obj: Obj, key: string, at: string): string[] | undefined {
    const v = obj[key];
    const name = at ? `${at}.${key}` : key;
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(name, 'must be a list of strings');
    return (v as string[]).map((s, i) => this.expand(`${name}[${i}]`, s));
  }

  /** Reject keys this version does not know, so that a typo does not pass silently. */
  known(obj: Obj, at: string, keys: readonly string[]): void {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) this.fail(at ? `${at}.${k}` : k, `is not a known setting (known: ${keys.join(', ')})`);
  }
}

/**
 * Where a setting's value came from, as the error names it: the option, the environment
 * variable, or the key in the config file (`BRIDGE_LOGIN_PORT must be …`, not `"port" must be …`).
 */
function origin(flag: string, flagValue: unknown, variable: string, envValue: unknown, source: string, key: string): string {
  if (flagValue !== undefined) return flag;
  if (envValue !== undefined) return variable;
  return `${source}: "${key}"`;
}

function parsePort(value: string | number, from: string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${from} must be a whole number from 0 to 65535 (got ${JSON.stringify(value)})`);
  return n;
}

function readBridge(r: Reader, raw: unknown, i: number, seen: Set<string>): Bridgev2BridgeConfig {
  const at = `bridges[${i}]`;
  if (!isObj(raw)) r.fail(at, 'must be a mapping');
  r.known(raw, at, ['id', 'type', 'displayName', 'provider', 'network', 'maxLogins', 'enabled', 'provisioning']);
  const id = r.string(raw, 'id', at, { required: true, pattern: ID_PATTERN })!;
  if (id === 'demo') r.fail(`${at}.id`, 'must not be "demo" (the embedded demo bridge uses it)');
  if (seen.has(id)) r.fail(`${at}.id`, `repeats the id "${id}"`);
  seen.add(id);
  const provider = (r.string(raw, 'provider', at) ?? 'self-hosted') as Provider;
  if (!PROVIDERS.includes(provider)) r.fail(`${at}.provider`, `must be one of ${PROVIDERS.join(', ')}`);
  const prov = raw.provisioning;
  if (!isObj(prov)) r.fail(`${at}.provisioning`, 'is required (url, sharedSecret, userID)');
  const pat = `${at}.provisioning`;
  r.known(prov, pat, ['url', 'sharedSecret', 'userID']);
  const url = r.string(prov, 'url', pat, { required: true })!;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    r.fail(`${pat}.url`, `is not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.fail(`${pat}.url`, 'must be an http:// or https:// URL');
  // A user name or password in the URL would be shown wherever the URL is (errors, statuses);
  // the provisioning API takes its credential from sharedSecret.
  if (parsed.username !== '' || parsed.password !== '') r.fail(`${pat}.url`, 'must not hold a user name or password (the bridge is authenticated by sharedSecret)');
  const sharedSecret = r.string(prov, 'sharedSecret', pat, { required: true })!;
  const userID = r.string(prov, 'userID', pat, { required: true, pattern: /^@[^:\s]+:\S+$/ })!;
  const bridge: Bridgev2BridgeConfig = {
    id,
    type: r.string(raw, 'type', at, { required: true })!,
    displayName: r.string(raw, 'displayName', at) ?? id,
    provider,
    enabled: r.bool(raw, 'enabled', at) ?? true,
    provisioning: { url: url.replace(/\/+$/, ''), sharedSecret, userID },
  };
  const network = r.string(raw, 'network', at);
  if (network !== undefined) bridge.network = network;
  const maxLogins = r.int(raw, 'maxLogins', at, 1, 1_000_000);
  if (maxLogins !== undefined) bridge.maxLogins = maxLogins;
  return bridge;
}

function readMatrix(r: Reader, raw: unknown): Config['matrix'] {
  if (raw === undefined || raw === null) return { allowedUsers: [], homeservers: {} };
  if (!isObj(raw)) r.fail('matrix', 'must be a mapping');
  r.known(raw, 'matrix', ['allowedUsers', 'homeservers']);
  const homeservers: Record<string, string> = {};
  const hs = raw.homeservers ?? {};
  if (!isObj(hs)) r.fail('matrix.homeservers', 'must be a mapping of server names to URLs');
  for (const name of Object.keys(hs)) {
    const at = `matrix.homeservers.${name}`;
    if (!isServerName(name)) r.fail(at, 'is not a Matrix server name');
    const url = r.string(hs, name, 'matrix.homeservers', { required: true })!;
    if (!/^https?:\/\/[^/?#]+\/?$/i.test(url)) r.fail(at, `must be an http:// or https:// base URL without a path, not "${url}"`);
    homeservers[name] = url.replace(/\/+$/, '');
  }
  return { allowedUsers: r.strings(raw, 'allowedUsers', 'matrix') ?? [], homeservers };
}

function readAuth(r: Reader, raw: unknown): Config['auth'] {
  if (raw === undefined || raw === null) return { tokenTTLSeconds: 30 * 24 * 3600 };
  if (!isObj(raw)) r.fail('auth', 'must be a mapping');
  r.known(raw, 'auth', ['tokenTTLSeconds']);
  return { tokenTTLSeconds: r.int(raw, 'tokenTTLSeconds', 'auth', 60, 366 * 24 * 3600) ?? 30 * 24 * 3600 };
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Build the configuration. `env` is the process environment (only `${VAR}` references in the
 * file and `BRIDGE_LOGIN_*` variables are read from it).
 */
export function loadConfig(flags: ConfigFlags, env: Readonly<Record<string, string | undefined>>): Config {
  let file: Obj = {};
  let source = 'configuration';
  const configPath = flags.config ?? env.BRIDGE_LOGIN_CONFIG;
  if (configPath !== undefined) {
    source = configPath;
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read the config file ${configPath}: ${(err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYAML(text);
    } catch (err) {
      throw new ConfigError(`${configPath} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc !== null && doc !== undefined && !isObj(doc)) throw new ConfigError(`${configPath}: the document must be a mapping`);
    file = (doc as Obj | null) ?? {};
  }
  const r: Reader = new Reader(env, source);
  r.known(file, '', ['host', 'port', 'dataDir', 'logLevel', 'logFormat', 'allowedHosts', 'corsOrigins', 'sessions', 'demo', 'bridges', 'matrix', 'auth', 'trustProxy', 'limits', 'database']);

  const host = flags.host ?? env.BRIDGE_LOGIN_HOST ?? r.string(file, 'host', '') ?? '127.0.0.1';
  const portRaw = flags.port ?? env.BRIDGE_LOGIN_PORT ?? (file.port as string | number | undefined) ?? 23373;
  const port = parsePort(portRaw, origin('--port', flags.port, 'BRIDGE_LOGIN_PORT', env.BRIDGE_LOGIN_PORT, source, 'port'));
  const dataDirRaw = flags.dataDir ?? env.BRIDGE_LOGIN_DATA_DIR ?? r.string(file, 'dataDir', '');
  const dataDir = dataDirRaw !== undefined ? path.resolve(dataDirRaw) : defaultDataDir();
  const logLevel = (flags.logLevel ?? env.BRIDGE_LOGIN_LOG_LEVEL ?? r.string(file, 'logLevel', '') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    const from = origin('--log-level', flags.logLevel, 'BRIDGE_LOGIN_LOG_LEVEL', env.BRIDGE_LOGIN_LOG_LEVEL, source, 'logLevel');
    throw new ConfigError(`${from} must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = (flags.logFormat ?? env.BRIDGE_LOGIN_LOG_FORMAT ?? r.string(file, 'logFormat', '') ?? 'auto') as Config['logFormat'];
  if (!LOG_FORMATS.includes(logFormat)) {
    const from = origin('--log-format', flags.logFormat, 'BRIDGE_LOGIN_LOG_FORMAT', env.BRIDGE_LOGIN_LOG_FORMAT, source, 'logFormat');
    throw new ConfigError(`${from} must be one of ${LOG_FORMATS.join(', ')}`);
  }

  const sessionsRaw = file.sessions ?? {};
  if (!isObj(sessionsRaw)) r.fail('sessions', 'must be a mapping');
  r.known(sessionsRaw, 'sessions', ['ttlSeconds', 'retentionSeconds', 'maxActive', 'maxActivePerUser', 'longPollSeconds', 'maxRetained']);
  const sessions = {
    ttlSeconds: r.int(sessionsRaw, 'ttlSeconds', 'sessions', 10, 7 * 24 * 3600) ?? 1800,
    retentionSeconds: r.int(sessionsRaw, 'retentionSeconds', 'sessions', 0, 30 * 24 * 3600) ?? 3600,
    maxActive: r.int(sessionsRaw, 'maxActive', 'sessions', 1, 1_000_000) ?? 1000,
    maxActivePerUser: r.int(sessionsRaw, 'maxActivePerUser', 'sessions', 1, 1_000_000) ?? 20,
    longPollSeconds: r.int(sessionsRaw, 'longPollSeconds', 'sessions', 1, 300) ?? 25,
    maxRetained: r.int(sessionsRaw, 'maxRetained', 'sessions', 1, 10_000_000) ?? 10_000,
  };

  const demo = { enabled: true, qrRefreshSeconds: 20, maxQRCodes: 5, maxCookies: 1000 };
  if (typeof file.demo === 'boolean') demo.enabled = file.demo;
  else if (isObj(file.demo)) {
    r.known(file.demo, 'demo', ['enabled', 'qrRefreshSeconds', 'maxQRCodes', 'maxCookies']);
    demo.enabled = r.bool(file.demo, 'enabled', 'demo') ?? true;
    demo.qrRefreshSeconds = r.int(file.demo, 'qrRefreshSeconds', 'demo', 1, 3600) ?? 20;
    demo.maxQRCodes = r.int(file.demo, 'maxQRCodes', 'demo', 1, 1000) ?? 5;
    demo.maxCookies = r.int(file.demo, 'maxCookies', 'demo', 1, 1_000_000) ?? 1000;
  } else if (file.demo !== undefined && file.demo !== null) r.fail('demo', 'must be true, false or a mapping');

  const limitsRaw = file.limits ?? {};
  if (!isObj(limitsRaw)) r.fail('limits', 'must be a mapping');
  r.known(limitsRaw, 'limits', ['maxConnections', 'streamsPerToken', 'longPollsPerToken']);
  const limits: Config['limits'] = {
    streamsPerToken: r.int(limitsRaw, 'streamsPerToken', 'limits', 1, 1_000_000) ?? 2000,
    longPollsPerToken: r.int(limitsRaw, 'longPollsPerToken', 'limits', 1, 1_000_000) ?? 2000,
  };
  const maxConnections = r.int(limitsRaw, 'maxConnections', 'limits', 1, 1_000_000);
  if (maxConnections !== undefined) limits.maxConnections = maxConnections;

  const databaseRaw = file.database ?? {};
  if (!isObj(databaseRaw)) r.fail('database', 'must be a mapping');
  r.known(databaseRaw, 'database', ['url', 'poolSize', 'leaseSeconds']);
  const database = readDatabase(
    { url: r.string(databaseRaw, 'url', 'database'), poolSize: r.int(databaseRaw, 'poolSize', 'database', 1, 1000), leaseSeconds: r.int(databaseRaw, 'leaseSeconds', 'database', 1, 3600) },
    env,
    source,
  );

  const bridgesRaw = file.bridges ?? [];
  if (!Array.isArray(bridgesRaw)) r.fail('bridges', 'must be a list');
  const seen = new Set<string>();
  const bridges = bridgesRaw.map((b, i) => readBridge(r, b, i, seen));

  const config: Config = {
    host,
    port,
    dataDir,
    databaseFile: path.join(dataDir, DATABASE_FILE_NAME),
    database,
    logLevel,
    logFormat,
    allowedHosts: r.strings(file, 'allowedHosts', '') ?? [],
    corsOrigins: r.strings(file, 'corsOrigins', '') ?? [],
    sessions,
    matrix: readMatrix(r, file.matrix),
    auth: readAuth(r, file.auth),
    trustProxy: r.strings(file, 'trustProxy', '') ?? [],
    demo,
    bridges,
    limits,
  };
  return deepFreeze(config);
}
