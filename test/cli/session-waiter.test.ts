import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ManualClock, systemClock } from '../../src/clock.ts';
import { ApiClient } from '../../src/cli/client/api-client.ts';
import type { LoginSession } from '../../src/cli/client/api-types.ts';
import { longPollSeconds, sameState, SessionWaiter } from '../../src/cli/client/commands/session-ops.ts';
import { EventStreamParser } from '../../src/cli/client/event-stream.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('EventStreamParser', () => {
  it('splits events on blank lines, joins data lines, skips comments, any line end, any chunking', () => {
    const text = ': keep-alive\n\nevent: session\ndata: {"a":\ndata: 1}\n\nevent: session\r\ndata:{"b":2}\r\n\r\ndata: x\rdata: y\r\r: more\n';
    for (const size of [1, 3, text.length]) {
      const parser = new EventStreamParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      assert.deepEqual(events, [
        { event: 'session', data: '{"a":\n1}' },
        { event: 'session', data: '{"b":2}' },
        { event: 'message', data: 'x\ny' },
      ]);
    }
  });
});

describe('sameState and longPollSeconds', () => {
  const session = (extra: object) => ({ bridgeID: 'demo', loginSessionID: 's', status: 'waiting_for_display', ...extra }) as LoginSession;
  it('compares content, not key order', () => {
    assert.ok(sameState(session({ a: 1, b: 2 }), session({ b: 2, a: 1 })));
    assert.ok(!sameState(session({ a: 1 }), session({ a: 2 })));
  });
  it('ends a long-poll shortly after the shown code expires', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const qr = (expiresAt?: string) => session({ currentStep: { type: 'display_and_wait', stepID: 'q', display: { type: 'qr', data: 'x', expiresAt } } });
    assert.equal(longPollSeconds(qr(undefined), now), 20);
    assert.equal(longPollSeconds(qr('2026-01-01T00:00:05Z'), now), 6);
    assert.equal(longPollSeconds(qr('2026-01-01T00:01:00Z'), now), 20);
    assert.equal(longPollSeconds(qr('2025-12-31T23:59:00Z'), now), 1);
  });
});

describe('SessionWaiter against the real server (event stream)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('sees a QR refresh made before it started waiting, and the completion after', async () => {
    const api = new ApiClient({ baseURL: s.baseURL, token: s.token });
    const created = await api.createLoginSession('demo', { flowID: 'qr' });
    s.clock.advance(20_000); // refreshed before anyone waits: a long-poll would miss this
    const waiter = new SessionWaiter(api, systemClock);
    const refreshed = await waiter.next(created);
    assert.equal(refreshed.status, 'waiting_for_display');
    const display = (x: LoginSession) => (x.currentStep?.type === 'display_and_wait' ? x.currentStep.display : undefined);
    assert.notEqual((display(refreshed) as { data: string }).data, (display(created) as { data: string }).data);
    const next = waiter.next(refreshed);
    await fetch((display(refreshed) as { data: string }).data, { method: 'POST' });
    assert.equal((await next).status, 'complete');
  });

  it('gives up waiting when aborted', async () => {
    const api = new ApiClient({ baseURL: s.baseURL, token: s.token });
    const created = await api.createLoginSession('demo', { flowID: 'code' });
    const controller = new AbortController();
    const next = new SessionWaiter(api, systemClock).next(created, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(next, /stop/);
  });
});

describe('SessionWaiter against a server without the event stream (long-poll)', () => {
  let baseURL = '';
  const requests: string[] = [];
  const waiting = { bridgeID: 'b', loginSessionID: 's', status: 'waiting_for_display', currentStep: { type: 'display_and_wait', stepID: 'q', display: { type: 'nothing' } } };
  let answers: object[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    const json = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url?.endsWith('/events')) json(404, { code: 'not_found', message: 'route not found' });
    else json(200, answers.shift() ?? waiting);
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('falls back to long-polling the step, and asks for the stream only once', async () => {
    const clock = new ManualClock(Date.now());
    const waiter = new SessionWaiter(new ApiClient({ baseURL }), clock);
    answers = [{ ...waiting, status: 'complete', currentStep: { type: 'complete' } }, { ...waiting, status: 'failed' }];
    assert.equal((await waiter.next(waiting as LoginSession)).status, 'complete');
    assert.equal((await waiter.next(waiting as LoginSession)).status, 'failed');
    assert.deepEqual(requests, ['GET /v1/bridges/b/login-sessions/s/events', 'POST /v1/bridges/b/login-sessions/s/steps/q?wait=20', 'POST /v1/bridges/b/login-sessions/s/steps/q?wait=20']);
  });

  it('waits a second before asking again when the server answers at once with nothing new', async () => {
    const clock = new ManualClock(Date.now());
    const waiter = new SessionWaiter(new ApiClient({ baseURL }), clock);
    let settled = false;
    const next = waiter.next(waiting as LoginSession).then((x) => ((settled = true), x));
    while (clock.pendingTimers === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(settled, false);
    clock.advance(1000);
    assert.equal((await next).status, 'waiting_for_display');
  });
});
