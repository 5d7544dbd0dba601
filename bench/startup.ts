/**
 * Start time: from spawning `bridge-login serve` to the first successful `GET /v1/info`, on a
 * fresh data directory each time (a first start: migrations and the first token included).
 */
import { startServer, type ServerOptions } from './processes.ts';

export interface StartupFigure {
  /** Median of the runs, in ms. */
  ms: number;
  runsMs: number[];
}

async function once(opts: ServerOptions): Promise<number> {
  const server = await startServer(opts);
  try {
    const res = await fetch(`${server.url}/v1/info`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /v1/info answered ${res.status}`);
    return performance.now() - server.spawnedAt;
  } finally {
    await server.stop();
  }
}

export async function measureStartup(runs: number, opts: ServerOptions = {}): Promise<StartupFigure> {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) runsMs.push(await once(opts));
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)]!, runsMs };
}
