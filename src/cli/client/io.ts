/**
 * @module cli/client/io
 * Everything the client commands touch outside themselves, passed in as one object so that
 * tests can run a command with their own streams, environment, `fetch` and clock.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentialsPath } from './credentials.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { defaultDataDir, TOKEN_FILE_NAME } from '../../config/paths.ts';

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface OutputStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface ClientIO {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  clock: Clock;
  /** Where the server writes its first token; read when no token is given. */
  tokenFilePath: string;
  /** The token file's content, or `undefined` when it cannot be read. */
  readTokenFile(filePath: string): string | undefined;
  /** Where `bridge-login login` keeps its token (`$XDG_CONFIG_HOME/bridge-login/credentials.json`). */
  credentialsFile?: string;
  /** Call `handler` on SIGINT (Ctrl+C) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** End the process with `code`. */
  exit(code: number): void;
}

/**
 * The IO of a real process (`main.ts` passes `process`): its streams, environment, signals and
 * the global `fetch`. Nothing else in the command line touches the process.
 */
export function processIO(proc: NodeJS.Process): ClientIO {
  const dataDir = proc.env['BRIDGE_LOGIN_DATA_DIR'];
  return {
    // Standard input is opened only by a command that reads it (not by `serve`, say).
    get stdin() {
      return proc.stdin;
    },
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    fetch: globalThis.fetch,
    clock: systemClock,
    // The same data directory the server uses when started from this environment.
    tokenFilePath: path.join(dataDir ? path.resolve(dataDir) : defaultDataDir(), TOKEN_FILE_NAME),
    credentialsFile: credentialsPath(proc.env, os.homedir()),
    readTokenFile(filePath) {
      try {
        return readFileSync(filePath, 'utf8');
      } catch {
        return undefined;
      }
    },
    onInterrupt(handler) {
      proc.on('SIGINT', handler);
      return () => proc.off('SIGINT', handler);
    },
    exit(code) {
      // Leave nothing (keep-alive sockets, a paused stdin) to hold the process open.
      proc.exit(code);
    },
  };
}

/** Wait `ms` on `clock`; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      timer.cancel();
      reject(abortReason(signal));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('aborted', 'AbortError');
}
