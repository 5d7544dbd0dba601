/**
 * Test helper: runs the real `bridge-login` binary as a child process, with a clean
 * environment, and waits on what it prints (never on fixed sleeps).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../support/server.ts';

const BIN = fileURLToPath(new URL('../../bin/bridge-login.js', import.meta.url));
const WAIT_MS = 20_000;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the stream's text once it matches `pattern`; rejects on exit or timeout. */
  waitFor(pattern: RegExp | string, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<string>;
  write(text: string): void;
  end(text?: string): void;
  exited: Promise<CliExit>;
}

export interface CliOptions {
  /** The server to talk to: sets BEEPER_DESKTOP_BASE_URL and BEEPER_ACCESS_TOKEN. */
  server?: { baseURL: string; token: string };
  /** More environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed. Without it, standard input stays open. */
  input?: string;
}

const running = new Set<ChildProcessWithoutNullStreams>();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-cli-test-'));

/** Ends every child still running and removes the empty data directory; call from `after`. */
export function cleanUpCli(): void {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * A test server for a file of CLI tests: started before them and handed to `use`, stopped after
 * them together with every CLI process still running.
 *
 * @example
 * let s: TestServer;
 * useServerForCli((server) => (s = server));
 */
export function useServerForCli(use: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startTestServer();
    use(server);
  });
  after(async () => {
    cleanUpCli();
    await server?.close();
  });
}

/**
 * @example
 * const cli = runCli(['bridges'], { server: s });
 * const { code, stdout } = await cli.exited;
 */
export function runCli(args: string[], options: CliOptions = {}): CliProcess {
  const env: Record<string, string> = {};
  const base: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TMPDIR: process.env['TMPDIR'],
    // An empty data directory: no token file is found by accident.
    BRIDGE_LOGIN_DATA_DIR: dataDir,
    BEEPER_DESKTOP_BASE_URL: options.server?.baseURL,
    BEEPER_ACCESS_TOKEN: options.server?.token,
    ...options.env,
  };
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;

  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' });
  running.add(child);
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout.on('data', (c: Buffer) => ((text.stdout += c.toString()), notify()));
  child.stderr.on('data', (c: Buffer) => ((text.stderr += c.toString()), notify()));
  let done = false;
  const exited = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      running.delete(child);
      notify();
      resolve({ code, signal, stdout: text.stdout, stderr: text.stderr });
    });
  });
  if (options.input !== undefined) child.stdin.end(options.input);

  return {
    child,
    get stdout() {
      return text.stdout;
    },
    get stderr() {
      return text.stderr;
    },
    waitFor(pattern, stream = 'stdout', timeoutMs = WAIT_MS) {
      const matches = () => (typeof pattern === 'string' ? text[stream].includes(pattern) : pattern.test(text[stream]));
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (matches()) finish(() => resolve(text[stream]));
          else if (done) finish(() => reject(new Error(`exited before printing ${pattern}\nstdout: ${text.stdout}\nstderr: ${text.stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} after ${timeoutMs} ms\nstdout: ${text.stdout}\nstderr: ${text.stderr}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    write(t) {
      child.stdin.write(t);
    },
    end(t) {
      child.stdin.end(t);
    },
    exited,
  };
}

/** Every line of `stdout` parsed as JSON (the `--json` mode's output). */
export function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

