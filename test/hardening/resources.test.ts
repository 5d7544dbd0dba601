/**
 * Slow and idle clients are cut off after bounded times, quiet answers (long-polls, event
 * streams) are not, and a burst of abandoned sessions gives back every timer, socket, row and
 * byte once it expires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect } from 'node:net';
import { buildApp, DEFAULT_HTTP_TIMEOUTS, type App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import type { DemoBridge } from '../../src/bridges/demo/bridge.ts';
import { startTestServer, testConfig, type TestServer } from '../support/server.ts';
import { rawRequest } from '../support/raw-http.ts';
import { assertClientError } from '../support/contract.ts';
import { openEvents, type EventReader } from '../support/sse.ts';
import { eventually } from '../support/eventually.ts';

const SHORT = { headersMs: 500, requestMs: 1000, keepAliveMs: 300, checkIntervalMs: 50 };

test('the production defaults bound every wait on a client', async () => {
  const app = await buildApp({ config: testConfig(), logger: false });
  try {
    const http = app.fastify.server;
    assert.equal(http.requestTimeout, DEFAULT_HTTP_TIMEOUTS.requestMs);
    assert.equal(http.headersTimeout, DEFAULT_HTTP_TIMEOUTS.headersMs);
    assert.equal(http.keepAliveTimeout, DEFAULT_HTTP_TIMEOUTS.keepAliveMs);
    assert.ok(DEFAULT_HTTP_TIMEOUTS.requestMs > 0 && DEFAULT_HTTP_TIMEOUTS.requestMs <= 120_000);
    assert.ok(DEFAULT_HTTP_TIMEOUTS.headersMs > 0 && DEFAULT_HTTP_TIMEOUTS.headersMs <= DEFAULT_HTTP_TIMEOUTS.requestMs);
    assert.ok(DEFAULT_HTTP_TIMEOUTS.keepAliveMs > 0 && DEFAULT_HTTP_TIMEOUTS.keepAliveMs <= 60_000);
  } finally {
    await app.close();
  }
});

test('idle connections, dripped headers and unfinished bodies are closed after bounded times; quiet answers are not', async () => {
  const clock = new ManualClock(Date.now());
  const app = await buildApp({ config: testConfig(), clock, logger: false, httpTimeouts: SHORT });
  const token = (await app.tokens.create('t', clock.now())).token;
  await app.fastify.listen({ host: '127.0.0.1', port: 0 });
  const port = Number(new URL(app.baseURL()).port);
  try {
    const auth = `Authorization: Bearer ${token}\r\n`;
    // A long-poll on a display step, quiet for longer than every timeout above.
    const qr = await app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', headers: { authorization: `Bearer ${token}` }, payload: { flowID: 'qr' } });
    const id = qr.json().loginSessionID as string;
    const longPoll = fetch(`${app.baseURL()}/v1/bridges/demo/login-sessions/${id}/steps/demo.qr`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"type":"display_and_wait"}',
    });
    const stream = await openEvents(`${app.baseURL()}/v1/bridges/demo/login-sessions/${id}/events`, token);
    await stream.next();

    const [idle, halfHead, halfBody, keptAlive] = await Promise.all([
      rawRequest(port, [], 6000),
      rawRequest(port, ['GET /v1/info HTTP/1.1\r\nHost: localhost\r\n'], 6000),
      rawRequest(port, [`POST /v1/bridges/demo/login-sessions HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"flowID":`], 6000),
      rawRequest(port, ['GET /v1/info HTTP/1.1\r\nHost: localhost\r\n\r\n'], 6000),
    ]);
    // The bounds are Node's own timers, set from SHORT (checked here); what the test checks is
    // that each such connection is closed by the server, well before the client's own 6 s.
    const http = app.fastify.server;
    assert.deepEqual([http.headersTimeout, http.requestTimeout, http.keepAliveTimeout], [SHORT.headersMs, SHORT.requestMs, SHORT.keepAliveMs]);
    for (const [name, r] of [['idle connection', idle], ['unfinished head', halfHead], ['unfinished body', halfBody], ['idle keep-alive connection', keptAlive]] as const) {
      assert.ok(r.closedByServer, `${name}: the server did not close it`);
    }
    for (const [name, r] of [['unfinished head', halfHead], ['unfinished body', halfBody]] as const) {
      assert.equal(r.responses.length, 1, name);
      assertClientError(r.responses[0]!.status, r.responses[0]!.headers, r.responses[0]!.body, name);
    }
    assert.equal(keptAlive.responses[0]?.status, 200);
    // Headers dripped one byte every 100 ms: always busy, never done.
    const slow = await new Promise<{ closed: boolean }>((resolve) => {
      {
        const s = connect(port, '127.0.0.1');
        let i = 0;
        const t = setInterval(() => {
          if (s.destroyed) return;
          s.write(i++ === 0 ? 'GET /v1/info HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' : 'a');
        }, 100);
        const done = (closed: boolean) => {
          clearInterval(t);
          resolve({ closed });
        };
        s.on('close', () => done(true));
        s.on('error', () => undefined);
        setTimeout(() => {
          s.destroy();
          done(false);
        }, 6000).unref();
      }
    });
    assert.ok(slow.closed, 'dripped headers: the server did not close the connection');

    // The long-poll and the stream outlived every timeout; the session's change still reaches both.
    await app.fastify.inject({ method: 'DELETE', url: `/v1/bridges/demo/login-sessions/${id}`, headers: { authorization: `Bearer ${token}` } });
    const polled = await longPoll;
    assert.equal(polled.status, 200);
    assert.equal(((await polled.json()) as any).status, 'cancelled');
    assert.equal((await stream.next()).status, 'cancelled');
    await stream.closed;
  } finally {
    await app.close();
  }
});

/** A garbage collector: node:test runs files without --expose-gc. */
function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap in use after full collections, with turns between them for finalizers and closing handles. */
async function heapAfterGC(collect: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

/** Active handles and requests by type, as `process.getActiveResourcesInfo()` counts them. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

const FLOWS = ['password', 'password-2fa', 'qr', 'code', 'cookies'] as const;

async function burst(app: App, token: string, n: number): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, j) => {
        const flowID = FLOWS[(i + j) % FLOWS.length]!;
        const r = await app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', headers, payload: { flowID } });
        assert.equal(r.statusCode, 200);
        if (flowID === 'password-2fa') {
          // Leave it half done: password given, code never sent.
          const id = r.json().loginSessionID as string;
          const s = await app.fastify.inject({ method: 'POST', url: `/v1/bridges/demo/login-sessions/${id}/steps/demo.password`, headers, payload: { type: 'user_input', fields: { username: `u${i + j}`, password: 'pw' } } });
          assert.equal(s.json().currentStep.stepID, 'demo.2fa');
        }
      }),
    );
  }
}

/** Open event streams on `n` waiting sessions (their clients never read them to the end). */
async function watchAndLeave(s: TestServer, n: number): Promise<EventReader[]> {
  const ids = (s.app.db.prepare("SELECT id FROM sessions WHERE status LIKE 'waiting%' LIMIT ?").all(n) as { id: string }[]).map((r) => r.id);
  return Promise.all(ids.map((id) => openEvents(`${s.baseURL}/v1/bridges/demo/login-sessions/${id}/events`, s.token)));
}

/** Move the clock in steps (letting promises settle between them), as time passes for real. */
async function advance(clock: ManualClock, ms: number, stepMs: number): Promise<void> {
  for (let left = ms; left > 0; left -= stepMs) {
    clock.advance(Math.min(stepMs, left));
    await new Promise((r) => setImmediate(r));
  }
}

test('2,000 abandoned sessions give back every timer, handle, row and byte once they expire', async () => {
  const collect = gc();
  const clock = new ManualClock(Date.now());
  // Short keep-alive: the streams' sockets are closed soon after their last event.
  const s = await startTestServer({ clock, configure: (c) => void (c.sessions.maxActive = 10_000), httpTimeouts: { keepAliveMs: 200 } });
  try {
    const demo = s.app.bridges.get('demo') as DemoBridge;
    const sessionRows = () => (s.app.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    // Warm up with a burst of the same size: code compiled on first use, and tables that keep the
    // capacity of their peak, belong to the baseline (a leak would grow with every burst).
    await burst(s.app, s.token, 2000);
    const warm = await watchAndLeave(s, 2);
    await advance(clock, (s.config.sessions.ttlSeconds + s.config.sessions.retentionSeconds) * 1000 + 1000, 60_000);
    assert.equal(s.app.sessions.size, 0);
    await Promise.all(warm.map((st) => st.closed));
    await eventually(() => resources().TCPSocketWrap === undefined, 'the warm-up sockets to close');
    const baseTimers = clock.pendingTimers;
    const baseResources = resources();
    const baseHeap = await heapAfterGC(collect);

    await burst(s.app, s.token, 2000);
    // Some of them watched by clients that then walk away: 20 event streams over real sockets.
    const streams = await watchAndLeave(s, 20);
    assert.equal(s.app.sessions.active, 2000);
    assert.equal(sessionRows(), 2000);
    const peakHeap = await heapAfterGC(collect);

    // Past their lifetime: all fail session_expired (or the QR ones login_timed_out before).
    await advance(clock, s.config.sessions.ttlSeconds * 1000 + 1000, 20_000);
    assert.equal(s.app.sessions.active, 0, 'every abandoned session finished');
    assert.equal(s.app.sessions.size, 0, 'finished sessions leave memory');
    assert.equal(s.app.sessions.retained, 2000, 'finished sessions stay readable for their retention');
    await Promise.all(streams.map((st) => st.closed));
    // Past their retention: forgotten everywhere.
    await advance(clock, s.config.sessions.retentionSeconds * 1000 + 1000, 600_000);

    assert.equal(s.app.sessions.size, 0, 'no session is held in memory');
    assert.equal(s.app.sessions.active, 0);
    assert.equal(clock.pendingTimers, baseTimers, 'every session, QR and keep-alive timer is released');
    assert.equal(demo.pairings.size, 0, 'no QR token or pairing code is left behind');
    assert.equal(sessionRows(), 0, 'no session row is left in the database');
    // Sockets of the streams have closed; wait for the client side to let go of them too.
    await eventually(() => JSON.stringify(resources()) === JSON.stringify(baseResources), 'open handles back to the baseline');
    assert.deepEqual(resources(), baseResources, 'open handles are back to the baseline');
    const finalHeap = await heapAfterGC(collect);
    const grown = peakHeap - baseHeap;
    assert.ok(grown > 0, 'the sessions did take memory');
    // What is left is noise (±1 MB here): a leak of a fifth of what each session holds would fail.
    assert.ok(finalHeap - baseHeap < grown * 0.2, `heap ${(baseHeap / 1e6).toFixed(1)} → ${(peakHeap / 1e6).toFixed(1)} → ${(finalHeap / 1e6).toFixed(1)} MB`);
  } finally {
    await s.close();
  }
});
