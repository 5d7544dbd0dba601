/**
 * Test helper: the real app on an ephemeral 127.0.0.1 port, with a manual clock, a fresh
 * data directory (or `:memory:`), a token, and a small JSON client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App, type AppDeps } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { openDatabase } from '../../src/store/db.ts';

export interface TestServerOptions {
  clock?: ManualClock;
  /** Change the default test config (a mutable copy). */
  configure?: (config: Config) => void;
  /** Use this data directory (kept); default: in-memory database. */
  dataDir?: string;
  bridges?: AppDeps['bridges'];
  externalBridges?: AppDeps['externalBridges'];
  authLimits?: AppDeps['authLimits'];
  httpTimeouts?: AppDeps['httpTimeouts'];
  /** Pino logger options or a stream; default: no logging. */
  logger?: AppDeps['logger'];
  /** Listen on this port; default: any free one. */
  port?: number;
  demoRandom?: AppDeps['demoRandom'];
  coordinator?: AppDeps['coordinator'];
  /** Keep the data in this PostgreSQL database (`database.url`) instead of SQLite. */
  databaseURL?: string;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  app: App;
  clock: ManualClock;
  baseURL: string;
  token: string;
  config: Config;
  /** Call the API with the test token (unless `headers.authorization` is given). */
  api<T = any>(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  close(): Promise<void>;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(configure?: (c: Config) => void, dataDir?: string): Config {
  const config = structuredClone(loadConfig({ port: 0, ...(dataDir ? { dataDir } : {}) }, {})) as Config;
  if (!dataDir) config.databaseFile = ':memory:';
  configure?.(config);
  return config;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const clock = opts.clock ?? new ManualClock(Date.now());
  const config = testConfig(opts.configure, opts.dataDir);
  if (opts.databaseURL !== undefined) config.database.url = opts.databaseURL;
  const app = await buildApp({
    config,
    clock,
    ...(opts.databaseURL === undefined ? { db: openDatabase(config.databaseFile) } : {}),
    logger: opts.logger ?? false,
    ...(opts.bridges ? { bridges: opts.bridges } : {}),
    ...(opts.externalBridges ? { externalBridges: opts.externalBridges } : {}),
    ...(opts.authLimits ? { authLimits: opts.authLimits } : {}),
    ...(opts.httpTimeouts ? { httpTimeouts: opts.httpTimeouts } : {}),
    ...(opts.demoRandom ? { demoRandom: opts.demoRandom } : {}),
    ...(opts.coordinator ? { coordinator: opts.coordinator } : {}),
  });
  const token = (await app.tokens.create('test', clock.now())).token;
  await app.fastify.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const baseURL = app.baseURL();
  const api = async (method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseURL + urlPath, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    app,
    clock,
    baseURL,
    token,
    config,
    api,
    close: async () => {
      await app.close();
      if (opts.databaseURL === undefined) app.db.close();
    },
  };
}
