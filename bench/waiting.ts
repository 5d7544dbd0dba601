/**
 * Waiting sessions: many clients long-polling (`POST …/steps/{stepID}` with
 * `{"type":"display_and_wait"}`) and streaming events (`GET …/events`) on sessions that show a
 * `display_and_wait` step, then one change per session (the QR is scanned, or the session is
 * cancelled): how many waiters were answered, and how long from the change to each delivery.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RealServer, type ServerOptions } from './processes.ts';

export type Change = 'scan' | 'cancel';

export interface DeliveryFigure {
  answered: number;
  /** Answered before their session's change was sent (should be 0). */
  early: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface WaitingFigure {
  waiters: number;
  flowID: string;
  change: Change;
  longPolls: DeliveryFigure;
  events: DeliveryFigure;
  /** Seconds to create the sessions and open every long-poll and stream. */
  setupSeconds: number;
}

/** The waiting server: room for the sessions, and no QR refresh or long-poll timeout within the run. */
export const WAITING_CONFIG = 'sessions:\n  maxActive: 20000\n  longPollSeconds: 300\ndemo:\n  enabled: true\n  qrRefreshSeconds: 3600\n';

const CHANGES_IN_FLIGHT = 10;
const OPEN_BATCH = 100;

interface Waiting {
  id: string;
  stepID: string;
  scanURL?: string;
  changedAt?: number;
  longPollAt?: number;
  eventAt?: number;
  longPollEarly?: boolean;
  eventEarly?: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function deliveries(ws: Waiting[], at: (w: Waiting) => number | undefined, early: (w: Waiting) => boolean | undefined): DeliveryFigure {
  const ms = ws
    .filter((w) => at(w) !== undefined && w.changedAt !== undefined && !early(w))
    .map((w) => at(w)! - w.changedAt!)
    .sort((a, b) => a - b);
  return { answered: ms.length, early: ws.filter((w) => early(w)).length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: ms.at(-1) ?? NaN };
}

/** A plain request on its own connection; resolves with status and body. */
function request(url: string, opts: http.RequestOptions & { body?: string; agent?: http.Agent | false }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Run `fn` over `items` with `workers` calls in flight at any time. */
async function pool<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

async function createWaiting(server: RealServer, flowID: string, count: number, agent: http.Agent): Promise<Waiting[]> {
  const auth = { authorization: `Bearer ${server.token}` };
  const out: Waiting[] = [];
  const all = Array.from({ length: count }, (_, i) => i);
  await pool(all, CHANGES_IN_FLIGHT * 2, async () => {
    const r = await request(`${server.url}/v1/bridges/demo/login-sessions`, {
      method: 'POST',
      agent,
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ flowID }),
    });
    if (r.status !== 200) throw new Error(`create answered ${r.status}: ${r.body}`);
    const s = JSON.parse(r.body) as { loginSessionID: string; currentStep?: { type: string; stepID: string; display?: { type: string; data?: string } } };
    if (s.currentStep?.type !== 'display_and_wait') throw new Error(`flow ${flowID} does not show a display_and_wait step: ${r.body}`);
    const data = s.currentStep.display?.data;
    out.push({ id: s.loginSessionID, stepID: s.currentStep.stepID, ...(s.currentStep.display?.type === 'qr' && data ? { scanURL: new URL(data, server.url).href } : {}) });
  });
  return out;
}

/** Open an event stream; resolves once the first event (the session as it is) arrived. */
function openEvents(server: RealServer, w: Waiting, sockets: Set<http.ClientRequest>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/v1/bridges/demo/login-sessions/${w.id}/events`, {
      agent: false,
      headers: { authorization: `Bearer ${server.token}`, accept: 'text/event-stream' },
    });
    sockets.add(req);
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let first = true;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (!data) continue;
          if (first) {
            first = false;
            resolve();
            continue;
          }
          if (w.eventAt === undefined && !data.includes('"status":"waiting_for_display"')) {
            w.eventAt = performance.now();
            w.eventEarly = w.changedAt === undefined;
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Send a long-poll; resolves once the request is written (the answer is recorded on `w`). */
function openLongPoll(server: RealServer, w: Waiting, sockets: Set<http.ClientRequest>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/v1/bridges/demo/login-sessions/${w.id}/steps/${w.stepID}?wait=300`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    });
    sockets.add(req);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200 && w.longPollAt === undefined) {
          w.longPollAt = performance.now();
          w.longPollEarly = w.changedAt === undefined;
        }
      });
    });
    req.on('error', reject);
    req.end('{"type":"display_and_wait"}', () => resolve());
  });
}

export interface WaitingOptions {
  waiters: number;
  change?: Change;
  /** Longest the whole phase may take, in seconds. */
  boundSeconds: number;
  serverOptions?: ServerOptions;
}

/** Measure on a server of its own (started with {@link WAITING_CONFIG}). */
export async function measureWaiting(opts: WaitingOptions): Promise<WaitingFigure | { skipped: string }> {
  const server = await startServer({ ...opts.serverOptions, configYAML: WAITING_CONFIG });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CHANGES_IN_FLIGHT * 2 });
  const sockets = new Set<http.ClientRequest>();
  try {
    const flows = await request(`${server.url}/v1/bridges/demo/login-flows`, { agent, headers: { authorization: `Bearer ${server.token}` } });
    const ids = (JSON.parse(flows.body) as { items: { id: string }[] }).items.map((f) => f.id);
    const change: Change = opts.change ?? (ids.includes('qr') ? 'scan' : 'cancel');
    const flowID = ids.includes('qr') ? 'qr' : ids.includes('code') ? 'code' : undefined;
    if (flowID === undefined) return { skipped: 'the demo bridge has no qr or code flow yet' };
    if (change === 'scan' && flowID !== 'qr') return { skipped: 'scanning needs the qr flow' };
    const deadline = performance.now() + opts.boundSeconds * 1000;

    const t0 = performance.now();
    const ws = await createWaiting(server, flowID, opts.waiters, agent);
    await inBatches(ws, OPEN_BATCH, (w) => openEvents(server, w, sockets));
    await inBatches(ws, OPEN_BATCH, (w) => openLongPoll(server, w, sockets));
    // Long-polls give no sign that the server holds them: give it a moment to read them all.
    await sleep(Math.min(1000, 100 + opts.waiters));
    const setupSeconds = (performance.now() - t0) / 1000;

    // One change per session, a few in flight at a time; the clock starts when each is sent.
    await pool(ws, CHANGES_IN_FLIGHT, async (w) => {
      const auth = { authorization: `Bearer ${server.token}` };
      w.changedAt = performance.now();
      const r =
        change === 'scan'
          ? await request(w.scanURL!, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=bench-phone-${w.id}` })
          : await request(`${server.url}/v1/bridges/demo/login-sessions/${w.id}`, { method: 'DELETE', agent, headers: auth });
      if (r.status >= 300) throw new Error(`${change} answered ${r.status}: ${r.body}`);
    });
    while (performance.now() < deadline && ws.some((w) => w.longPollAt === undefined || w.eventAt === undefined)) await sleep(20);
    return {
      waiters: opts.waiters,
      flowID,
      change,
      longPolls: deliveries(ws, (w) => w.longPollAt, (w) => w.longPollEarly),
      events: deliveries(ws, (w) => w.eventAt, (w) => w.eventEarly),
      setupSeconds,
    };
  } finally {
    for (const req of sockets) req.destroy();
    agent.destroy();
    await server.stop();
  }
}
