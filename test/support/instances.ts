/**
 * Several real `bridge-login serve` processes on one PostgreSQL database, for the tests of
 * issue 17: each with its own data directory and port, a short lease (so a takeover after a
 * SIGKILL is quick), all answering to one owner token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually.ts';

const BIN = new URL('../../bin/bridge-login.js', import.meta.url).pathname;
/** The lease on a running session in these tests, in seconds (default 15 in production). */
export const TEST_LEASE_SECONDS = 2;

/** One running server process. */
export interface Instance {
  /** A, B, C… in start order. */
  name: string;
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Whether it is still running. */
  alive(): boolean;
  /** SIGKILL: no shutdown, leases left as they were. Resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM, a graceful stop. Resolves once it has exited. */
  stop(): Promise<void>;
}

export interface InstanceOptions {
  /** The database every instance serves (BRIDGE_LOGIN_DATABASE_URL). */
  databaseURL: string;
  /** Extra environment (e.g. BRIDGE_LOGIN_DATABASE_POOL_SIZE). */
  env?: Record<string, string>;
}

/** Start one `serve --port 0` process and resolve once it listens and `/v1/info` answers. */
export async function startInstance(name: string, opts: InstanceOptions): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bridge-login-${name}-`));
  const env = {
    ...process.env,
    BRIDGE_LOGIN_DATABASE_URL: opts.databaseURL,
    BRIDGE_LOGIN_LEASE_SECONDS: String(TEST_LEASE_SECONDS),
    BRIDGE_LOGIN_LOG_FORMAT: 'json',
    BRIDGE_LOGIN_LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (alive()) child.kill(sig);
    await exited;
  };
  let url: string;
  try {
    url = await eventually(
      () => {
        if (!alive()) throw new Error(`instance ${name} exited (${child.exitCode ?? child.signalCode}):\n${out}`);
        return /listening on (http:\/\/\S+)/.exec(out)?.[1];
      },
      `instance ${name} to listen`,
      { timeoutMs: 60_000 },
    );
    await eventually(async () => (await fetch(`${url}/v1/info`).catch(() => undefined))?.ok, `GET /v1/info on ${name}`);
  } catch (err) {
    await signal('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    name,
    child,
    url,
    dataDir,
    output: () => out,
    alive,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

/** A group of instances on one database and the owner token they all accept. */
export interface Cluster {
  instances: Instance[];
  token: string;
  /** Stop every instance still running (SIGTERM) and remove their data directories. */
  close(): Promise<void>;
}

/** The first-start token, written by whichever instance created it. */
function firstToken(instances: Instance[]): string {
  for (const i of instances) {
    try {
      const token = readFileSync(path.join(i.dataDir, 'access-token'), 'utf8').trim();
      if (token) return token;
    } catch {
      // this one did not create it
    }
  }
  throw new Error(`no instance wrote a first-start token:\n${instances.map((i) => `${i.name}: ${i.output()}`).join('\n')}`);
}

/**
 * Start `count` instances named A, B, C… on `opts.databaseURL`. By default the first starts
 * alone (it migrates the empty database and makes the owner token) and the others after it;
 * `together: true` starts them all at once, as after a deploy.
 */
export async function startInstances(count: number, opts: InstanceOptions & { together?: boolean }): Promise<Cluster> {
  const names = Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
  const instances: Instance[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(instances.map((i) => i.stop()));
    for (const i of instances) rmSync(i.dataDir, { recursive: true, force: true });
  };
  // Every instance that started is kept (and stopped by close()), even when another failed.
  const startAll = async (group: string[]): Promise<void> => {
    const started = await Promise.allSettled(group.map((n) => startInstance(n, opts)));
    for (const s of started) if (s.status === 'fulfilled') instances.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    if (opts.together) await startAll(names);
    else {
      await startAll(names.slice(0, 1));
      await startAll(names.slice(1));
    }
    return { instances, token: firstToken(instances), close };
  } catch (err) {
    await close();
    throw err;
  }
}
