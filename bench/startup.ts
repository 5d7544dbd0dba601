/**
 * Start time: from spawning `bridge-login serve` to the first successful `GET /v1/info`, on a
 * fresh data directory each time (a first start: migrations and the first token included).
 * The server prints its URL once it listens; the bench then sends `GET /v1/info` at once.
 */
import { startServer, type ServerOptions } from './processes.ts';

export interface StartupFigure {
  /** Median of the runs, in ms. */
  ms: number;
  runsMs: number[];
}

/** The median of start times already taken (every spawned server records one). */
export function startupFigure(runsMs: number[]): StartupFigure {
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)]!, runsMs };
}

/** Start and stop the server `runs` times. */
export async function measureStartup(runs: number, opts: ServerOptions = {}): Promise<StartupFigure> {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const server = await startServer(opts);
    runsMs.push(server.startupMs);
    await server.stop();
  }
  return startupFigure(runsMs);
}
