/**
 * Load tests with autocannon, run from the bench process against a server in another one.
 */
import autocannon, { type Options, type Result } from 'autocannon';
import { cpuMs } from './processes.ts';

export interface LoadOptions {
  /** Seconds of measured load. */
  seconds: number;
  /** Seconds of load before, not measured (the JIT and caches settle). */
  warmUpSeconds: number;
  connections: number;
}

export interface ThroughputFigure {
  reqPerSec: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Non-2xx answers, connection errors, timeouts and wrong bodies: all should be 0. */
  failures: number;
  /** The server process's CPU time (user + system) per request, in µs. */
  serverCpuUsPerRequest: number;
}

/** Run autocannon and read the server's CPU time around it. */
async function measured(opts: Options, serverPid: number): Promise<{ r: Result; cpuUs: number }> {
  const before = cpuMs(serverPid);
  const r = await autocannon(opts);
  return { r, cpuUs: (cpuMs(serverPid) - before) * 1000 };
}

function figure({ r, cpuUs }: { r: Result; cpuUs: number }, counted = r['2xx']): ThroughputFigure {
  return {
    reqPerSec: counted / r.duration,
    requests: counted,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    failures: r.non2xx + r.errors + r.timeouts + r.mismatches,
    serverCpuUsPerRequest: cpuUs / Math.max(1, r.requests.total),
  };
}

async function warmUp(opts: Options, seconds: number): Promise<void> {
  if (seconds > 0) await autocannon({ ...opts, duration: seconds });
}

/** Requests per second of `GET url` with `headers`, each answer checked to be `expectBody`. */
export async function measureGet(url: string, headers: Record<string, string>, expectBody: string, opts: LoadOptions, serverPid: number): Promise<ThroughputFigure> {
  const run: Options = { url, headers, connections: opts.connections, expectBody };
  await warmUp(run, opts.warmUpSeconds);
  return figure(await measured({ ...run, duration: opts.seconds }, serverPid));
}

export interface LoginFigure extends ThroughputFigure {
  loginsPerSec: number;
  completed: number;
  /** The server's CPU time per completed login (two requests), in µs. */
  serverCpuUsPerLogin: number;
}

/**
 * The two requests of one demo `password` login, for autocannon's request chain: create a
 * session, then submit a new username (`username()`) to it; `onComplete` hears each login
 * answered `complete`.
 */
function loginRequests(headers: Record<string, string>, username: () => string, onComplete: () => void): Options['requests'] {
  return [
    {
      method: 'POST',
      path: '/v1/bridges/demo/login-sessions',
      headers,
      body: '{"flowID":"password"}',
      onResponse: (status, body, context) => {
        context.sessionID = status === 200 ? (JSON.parse(body) as { loginSessionID: string }).loginSessionID : undefined;
      },
    },
    {
      method: 'POST',
      headers,
      setupRequest: (request, context) => {
        // No session (the create failed): start over with a new create.
        if (typeof context.sessionID !== 'string') return undefined;
        return {
          ...request,
          path: `/v1/bridges/demo/login-sessions/${context.sessionID}/steps/demo.password`,
          body: `{"type":"user_input","fields":{"username":"${username()}","password":"hunter2"}}`,
        };
      },
      onResponse: (status, body) => {
        if (status === 200 && body.includes('"status":"complete"')) onComplete();
      },
    },
  ];
}

/**
 * Complete demo `password` logins per second: every autocannon connection loops over
 * "create a session" then "submit username and password" (a distinct username each time, so
 * that every login writes a new login row). Only submits answered `complete` are counted.
 */
export async function measureLogins(baseURL: string, token: string, opts: LoadOptions, serverPid: number): Promise<LoginFigure> {
  const runID = Date.now().toString(36);
  let n = 0;
  let completed = 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const run = (): Options => ({
    url: baseURL,
    connections: opts.connections,
    requests: loginRequests(headers, () => `bench-${runID}-${++n}`, () => completed++),
  });
  await warmUp(run(), opts.warmUpSeconds);
  completed = 0;
  const m = await measured({ ...run(), duration: opts.seconds }, serverPid);
  return { ...figure(m), loginsPerSec: completed / m.r.duration, completed, serverCpuUsPerLogin: m.cpuUs / Math.max(1, completed) };
}

/**
 * Create `count` sessions (password flow) with `connections` in flight; returns their IDs in
 * the order they were created and how many creates failed.
 */
export async function createSessions(baseURL: string, token: string, count: number, connections: number): Promise<{ ids: string[]; failures: number }> {
  const ids: string[] = [];
  const r = await autocannon({
    url: baseURL,
    connections,
    amount: count,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/v1/bridges/demo/login-sessions',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"flowID":"password"}',
        onResponse: (status, body) => {
          if (status === 200) ids.push((JSON.parse(body) as { loginSessionID: string }).loginSessionID);
        },
      },
    ],
  });
  return { ids, failures: count - r['2xx'] };
}

/**
 * Complete `count` demo `password` logins (create, then submit), `connections` at a time;
 * returns how many answered `complete`.
 */
export async function completeLogins(baseURL: string, token: string, count: number, connections: number): Promise<{ completed: number }> {
  const runID = Date.now().toString(36);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let n = 0;
  let completed = 0;
  await autocannon({
    url: baseURL,
    connections,
    // Two requests a login: autocannon counts requests.
    amount: 2 * count,
    timeout: 30,
    requests: loginRequests(headers, () => `done-${runID}-${++n}`, () => completed++),
  });
  return { completed };
}
