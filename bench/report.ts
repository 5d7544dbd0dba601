/**
 * The results of a run: one JSON document (so that runs can be compared) and one table.
 */
import os from 'node:os';
import type { LoginFigure, ThroughputFigure } from './load.ts';
import type { FinishedFigure } from './finished.ts';
import type { MemoryFigure } from './memory.ts';
import type { StartupFigure } from './startup.ts';
import type { WaitingFigure } from './waiting.ts';

export interface Figures {
  getSession?: ThroughputFigure & { ratioToFloor: number };
  passwordLogins?: LoginFigure & { ratioToFloor: number };
  floor?: ThroughputFigure;
  /** Reference for (2): the floor answering a login's two POSTs with fixed bytes. */
  floorLogins?: LoginFigure & { ratioToFloor: number };
  /** Reference for (2): Fastify and the store alone, making a login's writes (store-floor.ts). */
  storeLogins?: LoginFigure & { ratioToFloor: number };
  /** The same with the writes on a worker thread (`--writer-thread` only). */
  storeThreadLogins?: LoginFigure & { ratioToFloor: number };
  memory?: MemoryFigure;
  /** Resident size after many complete logins, their sessions finished and retained. */
  finished?: FinishedFigure;
  /** The same server on PostgreSQL (one instance), against this run's floor. */
  postgres?: {
    getSession?: ThroughputFigure & { ratioToFloor: number };
    passwordLogins?: LoginFigure & { ratioToFloor: number };
    memory?: Pick<MemoryFigure, 'sessions' | 'rssStartMiB' | 'rssActiveMiB'>;
    finished?: FinishedFigure;
    /** Two instances behind a round-robin proxy: informational only on a 2-core machine. */
    twoInstances?: LoginFigure & { ratioToFloor: number };
  };
  waiting?: WaitingFigure | { skipped: string };
  startup?: StartupFigure;
  /** For comparison: the sources transpiled to JavaScript and run without tsx. */
  tsx?: { startup: StartupFigure; memory: Pick<MemoryFigure, 'sessions' | 'rssStartMiB' | 'rssActiveMiB'> };
}

export interface Goal {
  figure: string;
  goal: string;
  value: number;
  met: boolean;
}

export interface Results {
  meta: {
    date: string;
    quick: boolean;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryMiB: number;
    loadSeconds: number;
    connections: number;
  };
  figures: Figures;
  goals: Goal[];
}

export function machine(): Pick<Results['meta'], 'node' | 'platform' | 'cpus' | 'cpuModel' | 'memoryMiB'> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}

/** The goals, checked against the figures that were measured. */
export function checkGoals(f: Figures): Goal[] {
  const goals: Goal[] = [];
  const add = (figure: string, goal: string, value: number, met: boolean): void => void goals.push({ figure, goal, value, met });
  if (f.getSession) add('getSession.ratioToFloor', '>= 0.60', f.getSession.ratioToFloor, f.getSession.ratioToFloor >= 0.6);
  if (f.passwordLogins) add('passwordLogins.ratioToFloor', '>= 0.15', f.passwordLogins.ratioToFloor, f.passwordLogins.ratioToFloor >= 0.15);
  if (f.memory) {
    // The goal is in MB (10^6 bytes); the figures are in MiB, as /proc gives them.
    const activeMB = (f.memory.rssActiveMiB * 2 ** 20) / 1e6;
    add('memory.rssActiveMB', '<= 150 MB', activeMB, activeMB <= 150);
    add('memory.sweptToStart', '<= 1.20', f.memory.sweptToStart, f.memory.sweptToStart <= 1.2);
  }
  if (f.waiting && 'longPolls' in f.waiting) {
    const w = f.waiting;
    const answered = w.longPolls.answered + w.events.answered;
    add('waiting.answered', `= ${2 * w.waiters}`, answered, answered === 2 * w.waiters);
    const p99 = Math.max(w.longPolls.p99Ms, w.events.p99Ms);
    add('waiting.p99Ms', '< 50', p99, p99 < 50);
  }
  if (f.startup) add('startup.ms', '< 500', f.startup.ms, f.startup.ms < 500);
  return goals;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 1): string => n.toFixed(d);

/** The table printed at the end of a run. */
export function table(r: Results): string {
  const f = r.figures;
  const rows: [string, string, string, string][] = [['figure', 'value', 'vs floor', 'goal']];
  const goalOf = (name: string): string => {
    const g = r.goals.find((x) => x.figure === name);
    return g ? `${g.goal} ${g.met ? 'met' : 'NOT MET'}` : '';
  };
  const cpu = (us: number, what: string): string => `${int(us)} µs CPU/${what}`;
  if (f.floor) {
    rows.push(['(3) floor: bare node:http, same path and bytes', `${int(f.floor.reqPerSec)} req/s, p99 ${fixed(f.floor.latencyP99Ms)} ms, ${cpu(f.floor.serverCpuUsPerRequest, 'req')}`, '1.00', '']);
  }
  if (f.getSession) {
    const g = f.getSession;
    rows.push(['(1) GET login session, with auth', `${int(g.reqPerSec)} req/s, p99 ${fixed(g.latencyP99Ms)} ms, ${cpu(g.serverCpuUsPerRequest, 'req')}`, fixed(g.ratioToFloor, 2), goalOf('getSession.ratioToFloor')]);
  }
  if (f.passwordLogins) {
    const l = f.passwordLogins;
    rows.push(['(2) complete password logins (create + submit)', `${int(l.loginsPerSec)} logins/s, ${cpu(l.serverCpuUsPerLogin, 'login')}`, fixed(l.ratioToFloor, 3), goalOf('passwordLogins.ratioToFloor')]);
  }
  if (f.floorLogins) {
    const b = f.floorLogins;
    rows.push(['(2) reference: the floor answering the same two POSTs', `${int(b.loginsPerSec)} logins/s, ${cpu(b.serverCpuUsPerLogin, 'login')}`, fixed(b.ratioToFloor, 3), '']);
  }
  if (f.storeLogins) {
    const s = f.storeLogins;
    rows.push(['(2) reference: Fastify and the store alone, same writes', `${int(s.loginsPerSec)} logins/s, ${cpu(s.serverCpuUsPerLogin, 'login')}`, fixed(s.ratioToFloor, 3), '']);
  }
  if (f.storeThreadLogins) {
    const s = f.storeThreadLogins;
    rows.push(['(2) reference: the same, writes on a worker thread', `${int(s.loginsPerSec)} logins/s, ${cpu(s.serverCpuUsPerLogin, 'login')}`, fixed(s.ratioToFloor, 3), '']);
  }
  if (f.memory) {
    const m = f.memory;
    rows.push(['(4) RSS at start', `${fixed(m.rssStartMiB)} MiB`, '', '']);
    rows.push([`(4) RSS with ${int(m.sessions)} active sessions`, `${fixed(m.rssActiveMiB)} MiB (${fixed((m.rssActiveMiB * 2 ** 20) / 1e6)} MB)`, '', goalOf('memory.rssActiveMB')]);
    rows.push([`(4) RSS after ${m.ended === 'expired' ? 'expiry' : 'cancel'} and sweep (+${fixed(m.settleSeconds)} s)`, `${fixed(m.rssSweptMiB)} MiB (${fixed(m.sweptToStart, 2)}x start)`, '', goalOf('memory.sweptToStart')]);
  }
  const finishedRow = (label: string, d: FinishedFigure): [string, string, string, string] => [
    `${label} RSS after ${int(d.finished)} finished sessions (retained)`,
    `${fixed(d.rssStartMiB)} → ${fixed(d.rssSteadyMiB)} MiB, ${fixed(d.kbPerFinished)} KB each`,
    '',
    '',
  ];
  if (f.finished) rows.push(finishedRow('(4)', f.finished));
  if (f.postgres) {
    const p = f.postgres;
    if (p.getSession) rows.push(['(1) PostgreSQL: GET login session', `${int(p.getSession.reqPerSec)} req/s, p99 ${fixed(p.getSession.latencyP99Ms)} ms, ${cpu(p.getSession.serverCpuUsPerRequest, 'req')}`, fixed(p.getSession.ratioToFloor, 2), '']);
    if (p.passwordLogins) rows.push(['(2) PostgreSQL: complete password logins', `${int(p.passwordLogins.loginsPerSec)} logins/s, ${cpu(p.passwordLogins.serverCpuUsPerLogin, 'login')}`, fixed(p.passwordLogins.ratioToFloor, 3), '']);
    if (p.twoInstances) rows.push(['(2) PostgreSQL: two instances + proxy (informational)', `${int(p.twoInstances.loginsPerSec)} logins/s`, fixed(p.twoInstances.ratioToFloor, 3), '']);
    if (p.memory) rows.push([`(4) PostgreSQL: RSS at start, with ${int(p.memory.sessions)} active`, `${fixed(p.memory.rssStartMiB)} MiB, ${fixed(p.memory.rssActiveMiB)} MiB`, '', '']);
    if (p.finished) rows.push(finishedRow('(4) PostgreSQL:', p.finished));
  }
  if (f.waiting) {
    if ('skipped' in f.waiting) rows.push(['(5) long-polls and event streams', `skipped: ${f.waiting.skipped}`, '', '']);
    else {
      const w = f.waiting;
      rows.push([`(5) long-polls answered (of ${int(w.waiters)}), change to answer`, `${int(w.longPolls.answered)}, p50 ${fixed(w.longPolls.p50Ms)} ms, p99 ${fixed(w.longPolls.p99Ms)} ms`, '', goalOf('waiting.answered')]);
      rows.push([`(5) event streams answered (of ${int(w.waiters)}), change to event`, `${int(w.events.answered)}, p50 ${fixed(w.events.p50Ms)} ms, p99 ${fixed(w.events.p99Ms)} ms`, '', goalOf('waiting.p99Ms')]);
    }
  }
  if (f.startup) rows.push(['(6) spawn to first GET /v1/info (bundled build)', `${int(f.startup.ms)} ms (median of ${f.startup.runsMs.length})`, '', goalOf('startup.ms')]);
  if (f.tsx) {
    const p = f.tsx;
    rows.push(['(6) same, sources through tsx (comparison)', `${int(p.startup.ms)} ms (median of ${p.startup.runsMs.length})`, '', '']);
    rows.push([`(4) through tsx: RSS at start, with ${int(p.memory.sessions)} active`, `${fixed(p.memory.rssStartMiB)} MiB, ${fixed(p.memory.rssActiveMiB)} MiB`, '', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const m = r.meta;
  return [
    `bridge-login benchmarks${m.quick ? ' (quick)' : ''}: ${m.date}, node ${m.node}, ${m.cpus} x ${m.cpuModel}, ${int(m.memoryMiB)} MiB`,
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
