/**
 * Memory: the server's resident size at start, with many active sessions, and after they have
 * expired and been swept. The server runs with a short session lifetime (10 s, the shortest
 * the config allows) and no retention, so that the sweep happens within the run; nothing is
 * forced from outside (no `gc()`). The quick mode cannot wait 10 s: it cancels the sessions
 * instead, which ends and forgets them through the same retention timer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSessions } from './load.ts';
import { rssMiB, startServer, type ServerOptions } from './processes.ts';

export interface MemoryFigure {
  sessions: number;
  rssStartMiB: number;
  rssActiveMiB: number;
  rssSweptMiB: number;
  /** rssSwept / rssStart: 1.2 is "within 20 % of the start". */
  sweptToStart: number;
  createSeconds: number;
  /** How the sessions ended: their lifetime ran out, or (quick mode) they were cancelled. */
  ended: 'expired' | 'cancelled';
  /** From the last create to the moment the last session read 404 (expired and forgotten). */
  sweepWaitSeconds: number;
  /** Resident size sampled while settling after the sweep (every 250 ms). */
  settleSamplesMiB: number[];
}

export const MEMORY_CONFIG = 'sessions:\n  ttlSeconds: 10\n  retentionSeconds: 0\n  maxActive: 20000\n';
const TTL_SECONDS = 10;

export async function measureMemory(sessions: number, settleSeconds: number, ended: MemoryFigure['ended'], serverOptions: ServerOptions = {}): Promise<MemoryFigure> {
  const server = await startServer({ ...serverOptions, configYAML: MEMORY_CONFIG });
  try {
    await sleep(Math.min(500, settleSeconds * 1000));
    const rssStartMiB = rssMiB(server.pid);

    const t0 = performance.now();
    const created = await createSessions(server.url, server.token, sessions, 20);
    const createSeconds = (performance.now() - t0) / 1000;
    if (created.failures > 0) throw new Error(`${created.failures} of ${sessions} creates failed`);
    const rssActiveMiB = rssMiB(server.pid);
    const lastID = created.ids.at(-1)!;

    const t1 = performance.now();
    if (ended === 'cancelled') await cancelAll(server.url, server.token, created.ids);
    // The last session expires TTL seconds after it was created; wait (bounded) until it reads 404.
    const deadline = t1 + (TTL_SECONDS + 30) * 1000;
    for (;;) {
      const res = await fetch(`${server.url}/v1/bridges/demo/login-sessions/${lastID}`, { headers: { authorization: `Bearer ${server.token}` } });
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
    return { sessions, rssStartMiB, rssActiveMiB, rssSweptMiB, sweptToStart: rssSweptMiB / rssStartMiB, createSeconds, ended, sweepWaitSeconds, settleSamplesMiB };
  } finally {
    await server.stop();
  }
}

async function cancelAll(baseURL: string, token: string, ids: string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const res = await fetch(`${baseURL}/v1/bridges/demo/login-sessions/${ids[next++]}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`cancel answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}
