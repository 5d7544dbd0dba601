/**
 * Memory held by finished sessions: a server completes many logins (each session finished and
 * kept readable for its retention hour), then its resident size is read once it is steady. A
 * server that keeps finished sessions in memory grows with every login of the last hour; one
 * that reads them from the store does not (issue 17).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { completeLogins } from './load.ts';
import { rssMiB, startServer, type ServerOptions } from './processes.ts';

export interface FinishedFigure {
  /** Logins completed (each leaves one finished session, retained for an hour). */
  finished: number;
  rssStartMiB: number;
  /** Right after the last login. */
  rssAfterMiB: number;
  /** At the end of the settling time (the lowest of its last second). */
  rssSteadyMiB: number;
  /** (rssSteady - rssStart) per finished session, in KB (10^3 bytes). */
  kbPerFinished: number;
  seconds: number;
}

/** Retention stays the default hour; the cap on retained sessions is lifted above the count. */
const finishedConfig = (count: number): string => `sessions:\n  maxActive: 20000\n  maxRetained: ${Math.max(10_000, 2 * count)}\n`;
const SAMPLE_MS = 250;

/** Complete `count` logins on a fresh server and read its resident size `settleSeconds` later. */
export async function measureFinished(count: number, settleSeconds: number, serverOptions: ServerOptions = {}): Promise<FinishedFigure> {
  const server = await startServer({ ...serverOptions, configYAML: finishedConfig(count) });
  try {
    await sleep(500);
    const rssStartMiB = rssMiB(server.pid);
    const t0 = performance.now();
    const { completed } = await completeLogins(server.url, server.token, count, 20);
    const seconds = (performance.now() - t0) / 1000;
    if (completed !== count) throw new Error(`${count - completed} of ${count} logins did not complete`);
    const rssAfterMiB = rssMiB(server.pid);
    // V8 gives freed pages back seconds after the work stops (its memory reducer, 25-35 s on
    // the shared machine): sample for the whole bound, and keep the lowest of the last second.
    const samples: number[] = [];
    const until = performance.now() + settleSeconds * 1000;
    do {
      await sleep(SAMPLE_MS);
      samples.push(rssMiB(server.pid));
    } while (performance.now() < until);
    const rssSteadyMiB = Math.min(...samples.slice(-1000 / SAMPLE_MS));
    return { finished: count, rssStartMiB, rssAfterMiB, rssSteadyMiB, kbPerFinished: ((rssSteadyMiB - rssStartMiB) * 2 ** 20) / 1000 / count, seconds };
  } finally {
    await server.stop();
  }
}
