/**
 * The processes a benchmark talks to: the real server (`bin/bridge-login.js serve`, as a user
 * starts it), the floor and the store floor, each spawned on an ephemeral 127.0.0.1 port with a fresh temporary
 * data directory, plus their resident size read from `/proc`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(PROJECT_ROOT, 'bin', 'bridge-login.js');
const FLOOR = path.join(PROJECT_ROOT, 'bench', 'floor.ts');
const STORE_FLOOR = path.join(PROJECT_ROOT, 'bench', 'store-floor.ts');

export interface Spawned {
  child: ChildProcess;
  pid: number;
  url: string;
  /** `performance.now()` when the process was spawned. */
  spawnedAt: number;
  /** Everything it printed, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited in 5 s; removes its temporary directory. */
  stop(): Promise<void>;
}

export interface RealServer extends Spawned {
  /** The first access token, as printed on the first start. */
  token: string;
  dataDir: string;
  /** Milliseconds from the spawn to the first successful `GET /v1/info`. */
  startupMs: number;
}

export interface ServerOptions {
  /** YAML written to a config file passed with `--config`. */
  configYAML?: string;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Run this entry file instead of `bin/bridge-login.js` (e.g. the sources through tsx). */
  entry?: string;
  timeoutMs?: number;
  /** Told the start time of every server started with these options. */
  onStarted?: (startupMs: number) => void;
  /** Extra environment (e.g. BRIDGE_LOGIN_DATABASE_URL for PostgreSQL). */
  env?: Record<string, string>;
  /** A token the server accepts, made by another instance on the same database (it prints none). */
  token?: string;
}

/** Spawn a process and resolve once `ready` matches its output. */
function spawnUntil(command: string, args: string[], ready: RegExp, timeoutMs: number, cleanup: () => void, env?: Record<string, string>): Promise<Spawned & { match: RegExpExecArray }> {
  const spawnedAt = performance.now();
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    cleanup();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${path.basename(args.at(-1) ?? command)} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve({ child, pid: child.pid!, url: '', spawnedAt, output: () => out, stop, match });
      }
    };
    child.stdout!.on('data', onData);
    // Keep draining both pipes after start, or a chatty child would block on a full pipe.
    child.stdout!.on('data', () => undefined);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      cleanup();
      reject(new Error(`process exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

/** Start `bridge-login serve --port 0 --data-dir <fresh> --log-level warn` and read its URL and first token. */
export async function startServer(opts: ServerOptions = {}): Promise<RealServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-bench-'));
  const args = [...(opts.nodeFlags ?? []), opts.entry ?? BIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];
  if (opts.configYAML !== undefined) {
    const file = path.join(dataDir, 'bench-config.yaml');
    writeFileSync(file, opts.configYAML);
    args.push('--config', file);
  }
  const ready = opts.token === undefined ? /listening on (http:\/\/\S+)[\s\S]*#token=(\S+)/ : /listening on (http:\/\/\S+)[\s\S]*open in a browser/;
  const s = await spawnUntil(process.execPath, args, ready, opts.timeoutMs ?? 30_000, () => rmSync(dataDir, { recursive: true, force: true }), opts.env);
  const url = s.match[1]!;
  try {
    const info = await fetch(`${url}/v1/info`);
    await info.arrayBuffer();
    if (info.status !== 200) throw new Error(`GET /v1/info answered ${info.status}`);
  } catch (err) {
    await s.stop();
    throw err;
  }
  const startupMs = performance.now() - s.spawnedAt;
  opts.onStarted?.(startupMs);
  return { ...s, url, token: opts.token ?? s.match[2]!, dataDir, startupMs };
}

/** Start the floor server answering `urlPath` with `body` (and a login's two POSTs with `login`'s bytes). */
export async function startFloor(urlPath: string, body: string, login?: { created: string; completed: string }): Promise<Spawned> {
  const args = ['--import', 'tsx', FLOOR, urlPath, body, ...(login ? [login.created, login.completed] : [])];
  const s = await spawnUntil(process.execPath, args, /floor listening on (http:\/\/\S+)/, 30_000, () => undefined);
  return { ...s, url: s.match[1]! };
}

/**
 * Start the store floor (Fastify and the store alone) answering a login's two POSTs with
 * `login`'s bytes; with `writerThread`, its writes are made on a worker thread.
 */
export async function startStoreFloor(login: { created: string; completed: string }, writerThread = false): Promise<Spawned> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-bench-'));
  const args = ['--import', 'tsx', STORE_FLOOR, dataDir, login.created, login.completed, ...(writerThread ? ['thread'] : [])];
  const s = await spawnUntil(process.execPath, args, /store floor listening on (http:\/\/[^\s,]+)/, 30_000, () => rmSync(dataDir, { recursive: true, force: true }));
  return { ...s, url: s.match[1]! };
}

/** Resident set size of a process, in MiB, from `/proc/<pid>/status` (VmRSS). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system) a process has used so far, in ms, from `/proc/<pid>/stat`. Unlike
 * requests per second, CPU per request hardly moves when other work shares the machine.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
