/**
 * Memory: the server's resident size at start, with many active sessions, and after they have
 * expired and been swept. The server runs with a short session lifetime so that the sweep
 * happens within the run; nothing is forced from outside (no `gc()`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSessions } from './load.ts';
import { rssMiB, startServer } from './processes.ts';

export interface MemoryFigure {
  sessions: number;
  rssStartMiB: number;
  rssActiveMiB: number;
  rssSweptMiB: number;
  /** rssSwept / rssStart: 1.2 is "within 20 % of the start". */
  sweptToStart: number;
  createSeconds: number;
  /** From the last create to the moment the last session read 404 (expired and forgotten). */
  sweepWaitSeconds: number;
  /** Resident size sampled while settling after the sweep (every 250 ms). */
  settleSamplesMiB: number[];
}

export const MEMORY_CONFIG = 'sessions:\n  ttlSeconds: 10\n  retentionSeconds: 0\n  maxActive: 20000\n';
const TTL_SECONDS = 10;

export async function measureMemory(sessions: number, settleSeconds: number): Promise<MemoryFigure> {
  const server = await startServer({ configYAML: MEMORY_CONFIG });
  try {
    const probe = await fetch(`${server.url}/v1/info`);
    await probe.arrayBuffer();
    await sleep(500);
    const rssStartMiB = rssMiB(server.pid);

    const t0 = performance.now();
    const created = await createSessions(server.url, server.token, sessions, 20);
    const createSeconds = (performance.now() - t0) / 1000;
    if (created.failures > 0) throw new Error(`${created.failures} of ${sessions} creates failed`);
    const rssActiveMiB = rssMiB(server.pid);

    // The last session expires TTL seconds after it was created; wait (bounded) until it reads 404.
    const t1 = performance.now();
    const deadline = t1 + (TTL_SECONDS + 30) * 1000;
    for (;;) {
      const res = await fetch(`${server.url}/v1/bridges/demo/login-sessions/${created.lastID}`, { headers: { authorization: `Bearer ${server.token}` } });
      const text = await res.text();
      if (res.status === 404 || text.includes('"status":"failed"')) break;
      if (performance.now() > deadline) throw new Error('the sessions were not swept in time');
      await sleep(250);
    }
    const sweepWaitSeconds = (performance.now() - t1) / 1000;

    const settleSamplesMiB: number[] = [];
    for (let i = 0; i < Math.max(1, Math.round(settleSeconds * 4)); i++) {
      await sleep(250);
      settleSamplesMiB.push(rssMiB(server.pid));
    }
    const rssSweptMiB = settleSamplesMiB.at(-1)!;
    return { sessions, rssStartMiB, rssActiveMiB, rssSweptMiB, sweptToStart: rssSweptMiB / rssStartMiB, createSeconds, sweepWaitSeconds, settleSamplesMiB };
  } finally {
    await server.stop();
  }
}
