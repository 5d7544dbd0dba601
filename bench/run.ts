/**
 * @module bench
 * `npm run bench [-- --quick] [--out FILE] [--only LIST] [--profile DIR]`: measures the real
 * server, each part in a process of its own on 127.0.0.1, against a bare `node:http` floor in
 * the same run, prints one table and writes the figures as JSON to `bench/results/latest.json`
 * (`latest-quick.json` in quick mode), or to `--out` instead. See docs/benchmarks.md for each figure.
 *
 * - `--quick`: a few seconds in all, small counts (the test suite's smoke mode).
 * - `--only get,logins,memory,finished,waiting,startup,pg,tsx`: run only these parts (the floor
 *   runs with get/logins/pg). A full run without `--only` adds `tsx`: start time and memory of
 *   the TypeScript sources run through tsx (what runs right after an edit), for comparison.
 *   `pg` (in full runs, not in `--quick` ones unless named) measures GET, logins, memory with
 *   active and with finished sessions on PostgreSQL (the cluster of scripts/ensure-postgres.sh),
 *   and two instances behind a round-robin proxy (informational only).
 *   Every other figure is of the compiled build (`npm run build`), which the run makes first.
 * - `--profile DIR`: start the load-test server with `--cpu-prof --cpu-prof-dir DIR`.
 * - `--seconds N`: seconds of each load test (default 10; 1 in quick mode).
 * - `--connections N`: connections of each load test (default 10).
 * - `--change scan|cancel`: what ends each waiting session in (5) (default: scan its QR code).
 * - `--writer-thread`: with `logins`, one more reference row: the store floor with its writes
 *   on a worker thread (what moving the store off the event loop would give).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureGet, measureLogins, type LoadOptions, type ThroughputFigure } from './load.ts';
import { measureFinished } from './finished.ts';
import { measureActive, measureMemory } from './memory.ts';
import { clusterURL, measureTwoInstances, onFreshDatabase } from './postgres.ts';
import { PROJECT_ROOT, startFloor, startServer, startStoreFloor, type RealServer, type ServerOptions } from './processes.ts';
import { checkGoals, machine, table, type Figures, type Results } from './report.ts';
import { measureStartup, startupFigure } from './startup.ts';
import { measureWaiting, type Change } from './waiting.ts';
import { build } from '../scripts/build.ts';

const PARTS = ['get', 'logins', 'memory', 'finished', 'waiting', 'startup', 'pg', 'tsx'] as const;
type Part = (typeof PARTS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    change: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    'writer-thread': { type: 'boolean', default: false },
  },
});

const quick = args.quick!;
const only = new Set((args.only?.split(',') ?? PARTS.filter((p) => p !== 'tsx' && !(quick && p === 'pg'))) as Part[]);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part "${p}" (one of ${PARTS.join(', ')})`);
if (args['writer-thread'] && !only.has('logins')) throw new Error('--writer-thread adds a row to the logins part: run it with logins');
/** A flag's value as a number of at least 1, or `fallback` when the flag is absent. */
function atLeastOne(flag: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n >= 1) || (integer && !Number.isInteger(n))) throw new Error(`--${flag}: expected ${integer ? 'a whole number' : 'a number'} of at least 1, got "${value}"`);
  return n;
}
const plan = {
  load: {
    seconds: atLeastOne('seconds', args.seconds, quick ? 1 : 10),
    warmUpSeconds: quick ? 0 : 3,
    connections: atLeastOne('connections', args.connections, 10, true),
  } satisfies LoadOptions,
  memorySessions: quick ? 200 : 10_000,
  finishedSessions: quick ? 200 : 20_000,
  finishedSettleSeconds: quick ? 1 : 40,
  settleSeconds: quick ? 1 : 60,
  waiters: quick ? 50 : 1000,
  startupRuns: 5,
};
const runStart = performance.now();
const log = (line: string): void => void process.stderr.write(`bench: ${((performance.now() - runStart) / 1000).toFixed(1).padStart(5)} s  ${line}\n`);

/** Start times of every server the run starts (the quick mode's start-up figure). */
const startsMs: number[] = [];
const onStarted = (ms: number): void => void startsMs.push(ms);
/** Options of every server the run starts (the compiled entry is set once it is built). */
const serverDefaults: { onStarted: typeof onStarted; entry?: string } = { onStarted };

/** The bytes of the two answers of one real login (on a session of its own), for the floor. */
async function oneLogin(url: string, auth: Record<string, string>): Promise<{ created: string; completed: string }> {
  const headers = { ...auth, 'content-type': 'application/json' };
  const created = await (await fetch(`${url}/v1/bridges/demo/login-sessions`, { method: 'POST', headers, body: '{"flowID":"password"}' })).text();
  const id = (JSON.parse(created) as { loginSessionID: string }).loginSessionID;
  const body = '{"type":"user_input","fields":{"username":"bench-floor","password":"hunter2"}}';
  const completed = await (await fetch(`${url}/v1/bridges/demo/login-sessions/${id}/steps/demo.password`, { method: 'POST', headers, body })).text();
  return { created, completed };
}

async function loadTests(figures: Figures): Promise<void> {
  const server = await startServer({ ...serverDefaults, ...(args.profile ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', path.resolve(args.profile)] } : {}) });
  let floor;
  try {
    const auth = { authorization: `Bearer ${server.token}` };
    const { sessionPath, body } = await aSession(server);
    const login = await oneLogin(server.url, auth);
    floor = await startFloor(sessionPath, body, login);

    log(`floor: GET ${sessionPath} (${body.length} bytes), ${plan.load.seconds} s`);
    const floorFigure = await measureGet(floor.url + sessionPath, {}, body, plan.load, floor.pid);
    figures.floor = floorFigure;
    if (only.has('get')) {
      log(`GET login session, ${plan.load.seconds} s`);
      const get = await measureGet(server.url + sessionPath, auth, body, plan.load, server.pid);
      figures.getSession = { ...get, ratioToFloor: get.reqPerSec / floorFigure.reqPerSec };
    }
    if (only.has('logins')) {
      log(`password logins, ${plan.load.seconds} s`);
      const logins = await measureLogins(server.url, server.token, plan.load, server.pid);
      figures.passwordLogins = { ...logins, ratioToFloor: logins.loginsPerSec / floorFigure.reqPerSec };
      log(`reference: the same two POSTs on the floor, ${plan.load.seconds} s`);
      const bare = await measureLogins(floor.url, 'unused', plan.load, floor.pid);
      figures.floorLogins = { ...bare, ratioToFloor: bare.loginsPerSec / floorFigure.reqPerSec };
      /** The store floor's logins, with its writes on the event loop or on a worker thread. */
      const storeFloorLogins = async (writerThread: boolean): Promise<NonNullable<Figures['storeLogins']>> => {
        const storeFloor = await startStoreFloor(login, writerThread);
        try {
          const stored = await measureLogins(storeFloor.url, 'unused', plan.load, storeFloor.pid);
          return { ...stored, ratioToFloor: stored.loginsPerSec / floorFigure.reqPerSec };
        } finally {
          await storeFloor.stop();
        }
      };
      log(`reference: Fastify and the store alone, the same two POSTs and writes, ${plan.load.seconds} s`);
      figures.storeLogins = await storeFloorLogins(false);
      if (args['writer-thread']) {
        log(`reference: the same, with the writes on a worker thread, ${plan.load.seconds} s`);
        figures.storeThreadLogins = await storeFloorLogins(true);
      }
    }
  } finally {
    await floor?.stop();
    await server.stop();
  }
  if (only.has('pg')) figures.postgres = { ...figures.postgres, ...(await postgresLoad(figures.floor!)) };
}

/** A fresh password session of `server`: its path and the bytes a GET of it answers. */
async function aSession(server: RealServer): Promise<{ sessionPath: string; body: string }> {
  const auth = { authorization: `Bearer ${server.token}` };
  const created = await fetch(`${server.url}/v1/bridges/demo/login-sessions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"flowID":"password"}' });
  const sessionID = ((await created.json()) as { loginSessionID: string }).loginSessionID;
  const sessionPath = `/v1/bridges/demo/login-sessions/${sessionID}`;
  return { sessionPath, body: await (await fetch(server.url + sessionPath, { headers: auth })).text() };
}

/** (1) and (2) on PostgreSQL, as ratios to this run's floor, and two instances (informational). */
async function postgresLoad(floorFigure: ThroughputFigure): Promise<NonNullable<Figures['postgres']>> {
  const out: NonNullable<Figures['postgres']> = {};
  const cluster = clusterURL();
  await onFreshDatabase(cluster, serverDefaults, async (opts) => {
    const server = await startServer(opts);
    try {
      const { sessionPath, body } = await aSession(server);
      log(`PostgreSQL: GET login session, ${plan.load.seconds} s`);
      const get = await measureGet(server.url + sessionPath, { authorization: `Bearer ${server.token}` }, body, plan.load, server.pid);
      out.getSession = { ...get, ratioToFloor: get.reqPerSec / floorFigure.reqPerSec };
      log(`PostgreSQL: password logins, ${plan.load.seconds} s`);
      const logins = await measureLogins(server.url, server.token, plan.load, server.pid);
      out.passwordLogins = { ...logins, ratioToFloor: logins.loginsPerSec / floorFigure.reqPerSec };
    } finally {
      await server.stop();
    }
  });
  log(`PostgreSQL: password logins through a proxy in front of two instances (informational), ${plan.load.seconds} s`);
  const two = await onFreshDatabase(cluster, serverDefaults, (opts) => measureTwoInstances(opts, plan.load));
  out.twoInstances = { ...two, ratioToFloor: two.loginsPerSec / floorFigure.reqPerSec };
  return out;
}

/** Memory on PostgreSQL: with many active sessions, and after many finished ones. */
async function postgresMemory(): Promise<NonNullable<Figures['postgres']>> {
  const cluster = clusterURL();
  log(`PostgreSQL: memory with ${plan.memorySessions} active sessions`);
  const memory = await onFreshDatabase(cluster, serverDefaults, (opts: ServerOptions) => measureActive(plan.memorySessions, opts));
  log(`PostgreSQL: memory after ${plan.finishedSessions} finished sessions`);
  const finished = await onFreshDatabase(cluster, serverDefaults, (opts: ServerOptions) => measureFinished(plan.finishedSessions, plan.finishedSettleSeconds, opts));
  return { memory, finished };
}


async function main(): Promise<void> {
  const started = performance.now();
  // Measure what `npm start` runs: the compiled build, made fresh from the current sources
  // (into .tmp/, so that a run never touches the dist/ that other processes may be running).
  serverDefaults.entry = await build(path.join(PROJECT_ROOT, '.tmp', 'bench-build'));
  const figures: Figures = {};
  if (only.has('get') || only.has('logins') || only.has('pg')) await loadTests(figures);
  if (only.has('memory')) {
    log(`memory: ${plan.memorySessions} sessions, ${quick ? 'cancelled' : 'expiring after 10 s'}`);
    figures.memory = await measureMemory({ sessions: plan.memorySessions, settleSeconds: plan.settleSeconds, ended: quick ? 'cancelled' : 'expired', serverOptions: serverDefaults });
  }
  if (only.has('finished')) {
    log(`finished: ${plan.finishedSessions} complete logins, kept for their retention hour`);
    figures.finished = await measureFinished(plan.finishedSessions, plan.finishedSettleSeconds, serverDefaults);
  }
  if (only.has('pg')) figures.postgres = { ...figures.postgres, ...(await postgresMemory()) };
  if (only.has('waiting')) {
    log(`waiting: ${plan.waiters} long-polls and ${plan.waiters} event streams`);
    figures.waiting = await measureWaiting({ waiters: plan.waiters, boundSeconds: quick ? 15 : 40, serverOptions: serverDefaults, ...(args.change ? { change: args.change as Change } : {}) });
  }
  if (only.has('startup')) {
    if (quick && startsMs.length > 0) {
      figures.startup = startupFigure(startsMs);
    } else {
      log(`startup: ${plan.startupRuns} runs`);
      figures.startup = await measureStartup(plan.startupRuns, serverDefaults);
    }
  }
  if (only.has('tsx') || (!quick && !args.only)) {
    // For comparison: the TypeScript sources compiled on the fly by tsx, as right after an edit.
    const viaTsx = { entry: path.join(PROJECT_ROOT, 'src', 'main.ts'), nodeFlags: ['--import', 'tsx'] };
    log(`through tsx, for comparison: ${plan.startupRuns} starts, ${plan.memorySessions} sessions`);
    figures.tsx = {
      startup: await measureStartup(plan.startupRuns, viaTsx),
      memory: await measureActive(plan.memorySessions, viaTsx),
    };
  }
  const results: Results = {
    meta: { date: new Date().toISOString(), quick, ...machine(), loadSeconds: plan.load.seconds, connections: plan.load.connections },
    figures,
    goals: checkGoals(figures),
  };
  const json = `${JSON.stringify(results, null, 2)}\n`;
  // Figures go to --out when given, else to bench/results (a quick run never replaces the
  // figures of the last full run).
  const target = args.out ? path.resolve(args.out) : path.join(PROJECT_ROOT, 'bench', 'results', quick ? 'latest-quick.json' : 'latest.json');
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, json);
  process.stdout.write(`${table(results)}\n`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
