/**
 * Memory: the server's resident size at start, with many active sessions, and after they have
 * expired and been swept. The server runs with a short session lifetime (10 s, the shortest
 * the config allows) and no retention, so that the sweep happens within the run; nothing is
 * forced from outside (no `gc()`). The quick mode cannot wait 10 s: it cancels the sessions
 * instead, which ends and forgets them through the same retention timer.
 *
 * Memory comes back when V8 collects and gives pages back, which it does on its own a few
 * seconds after the work stops (its memory reducer): the run waits for that, bounded, and
 * reports what it saw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSessions } from './load.ts';
import { rssMiB, startServer, type ServerOptions } from './processes.ts';

export interface MemoryFigure {
  sessions: number;
  rssStartMiB: number;
  rssActiveMiB: number;
  createSeconds: number;
  /** How the sessions ended: their lifetime ran out, or (quick mode) they were cancelled. */
  ended: 'expired' | 'cancelled';
  rssSweptMiB: number;
  /** rssSwept / rssStart: 1.2 is "within 20 % of the start". */
  sweptToStart: number;
  /** From the last create to the moment the last session read 404 (expired and forgotten). */
  sweepWaitSeconds: number;
  /** From then until the resident size was back at or below the start and steady (or the bound). */
  settleSeconds: number;
  /** Resident size sampled while settling (every 250 ms). */
  settleSamplesMiB: number[];
}

export interface MemoryOptions {
  sessions: number;
  /** Longest wait for the memory to come back after the sweep, in seconds. */
  settleSeconds: number;
  ended: MemoryFigure['ended'];
  serverOptions?: ServerOptions;
}

export const MEMORY_CONFIG = 'sessions:\n  ttlSeconds: 10\n  retentionSeconds: 0\n  maxActive: 20000\n';
const TTL_SECONDS = 10;
const SAMPLE_MS = 250;

/** Start a server, let it settle, create `sessions` sessions; resident sizes before and after. */
async function withActiveSessions<T>(
  sessions: number,
  serverOptions: ServerOptions,
  then: (s: { pid: number; url: string; token: string; ids: string[]; rssStartMiB: number }) => Promise<T>,
): Promise<{ rssStartMiB: number; rssActiveMiB: number; createSeconds: number; result: T }> {
  const server = await startServer({ ...serverOptions, configYAML: MEMORY_CONFIG });
  try {
    await sleep(500);
    const rssStartMiB = rssMiB(server.pid);
    const t0 = performance.now();
    const created = await createSessions(server.url, server.token, sessions, 20);
    const createSeconds = (performance.now() - t0) / 1000;
    if (created.failures > 0) throw new Error(`${created.failures} of ${sessions} creates failed`);
    const rssActiveMiB = rssMiB(server.pid);
    const result = await then({ pid: server.pid, url: server.url, token: server.token, ids: created.ids, rssStartMiB });
    return { rssStartMiB, rssActiveMiB, createSeconds, result };
  } finally {
    await server.stop();
  }
}

/** Resident size with `sessions` active sessions, nothing more (for comparing builds). */
export async function measureActive(sessions: number, serverOptions: ServerOptions = {}): Promise<Pick<MemoryFigure, 'sessions' | 'rssStartMiB' | 'rssActiveMiB'>> {
  const r = await withActiveSessions(sessions, serverOptions, async () => undefined);
  return { sessions, rssStartMiB: r.rssStartMiB, rssActiveMiB: r.rssActiveMiB };
}

export async function measureMemory(opts: MemoryOptions): Promise<MemoryFigure> {
  const r = await withActiveSessions(opts.sessions, opts.serverOptions ?? {}, async (s) => {
    const t1 = performance.now();
    if (opts.ended === 'cancelled') await cancelAll(s.url, s.token, s.ids);
    // The last session expires TTL seconds after it was created; wait (bounded) until it reads 404.
    const deadline = t1 + (TTL_SECONDS + 30) * 1000;
    const lastID = s.ids.at(-1)!;
    for (;;) {
      const res = await fetch(`${s.url}/v1/bridges/demo/login-sessions/${lastID}`, { headers: { authorization: `Bearer ${s.token}` } });
      const text = await res.text();
      if (res.status === 404 || text.includes('"status":"failed"')) break;
      if (performance.now() > deadline) throw new Error('the sessions were not swept in time');
      await sleep(SAMPLE_MS);
    }
    const sweepWaitSeconds = (performance.now() - t1) / 1000;
    return { sweepWaitSeconds, ...(await settle(s.pid, s.rssStartMiB, opts.settleSeconds)) };
  });
  const { sweepWaitSeconds, samples, seconds } = r.result;
  const rssSweptMiB = samples.at(-1)!;
  return {
    sessions: opts.sessions,
    rssStartMiB: r.rssStartMiB,
    rssActiveMiB: r.rssActiveMiB,
    createSeconds: r.createSeconds,
    ended: opts.ended,
    rssSweptMiB,
    sweptToStart: rssSweptMiB / r.rssStartMiB,
    sweepWaitSeconds,
    settleSeconds: seconds,
    settleSamplesMiB: samples,
  };
}

/**
 * Sample the resident size until it is back at or below `startMiB` and has stayed within
 * 1 MiB for a second, or until `boundSeconds` have passed.
 */
async function settle(pid: number, startMiB: number, boundSeconds: number): Promise<{ samples: number[]; seconds: number }> {
  const t0 = performance.now();
  const samples: number[] = [];
  const steady = 1000 / SAMPLE_MS;
  do {
    await sleep(SAMPLE_MS);
    samples.push(rssMiB(pid));
    const recent = samples.slice(-steady - 1);
    if (recent.length > steady && samples.at(-1)! <= startMiB && Math.max(...recent) - Math.min(...recent) <= 1) break;
  } while (performance.now() - t0 < boundSeconds * 1000);
  return { samples, seconds: (performance.now() - t0) / 1000 };
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
