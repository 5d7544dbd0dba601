/**
 * `bridge-login serve` as a separate process, for what only a real process shows: a crash
 * (SIGKILL) and everything it writes (stdout, stderr, its data directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const BIN = new URL('../../bin/bridge-login.js', import.meta.url).pathname;

export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** The first-start token, read from the data directory's `access-token` file. */
  token: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Send `signal` and resolve when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Start `serve --port 0 --data-dir <dataDir> ...args` and resolve once it listens. */
export function startChildServer(dataDir: string, args: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 30_000);
    const onData = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m || !/open in a browser/.test(out)) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        url: m[1]!,
        token: readFileSync(path.join(dataDir, 'access-token'), 'utf8').trim(),
        output: () => out,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** A small JSON client for a server at `url` with `token`. */
export function client(url: string, token: string) {
  return async (method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> => {
    const res = await fetch(url + urlPath, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text };
  };
}
