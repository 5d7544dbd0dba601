import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, tempDir } from '../support/server.ts';
import { openEvents } from '../support/sse.ts';
import { eventually } from '../support/eventually.ts';
import { OWNER } from '../../src/principal.ts';

test('closing the app with sessions waiting answers every long-poll, ends every stream and leaves no timer', async () => {
  const s = await startTestServer();
  const ids: string[] = [];
  for (const flowID of ['qr', 'qr', 'code']) ids.push((await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID })).body.loginSessionID);
  const steps = ['demo.qr', 'demo.qr', 'demo.code'];
  const polls = ids.map((id, i) => s.api('POST', `/v1/bridges/demo/login-sessions/${id}/steps/${steps[i]}`, { type: 'display_and_wait' }));
  const streams = await Promise.all(ids.map((id) => openEvents(`${s.baseURL}/v1/bridges/demo/login-sessions/${id}/events`, s.token)));
  await Promise.all(streams.map((st) => st.next()));
  await eventually(() => ids.every((id) => s.app.sessions.feed(OWNER, 'demo', id).watcherCount === 2), 'watchers');
  assert.ok(s.clock.pendingTimers > 0);
  await s.close();
  const answers = await Promise.all(polls);
  for (const a of answers) assert.equal(a.status, 200);
  await Promise.all(streams.map((st) => st.closed));
  assert.equal(s.clock.pendingTimers, 0, 'no timer left behind');
});

test('SIGTERM with open waits and streams: the process exits promptly with code 0', async () => {
  const { dir, remove } = tempDir();
  try {
    const bin = new URL('../../bin/bridge-login.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Starting a process takes real time: wait (bounded) for its banner.
    for (let i = 0; i < 400 && !/open in a browser/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const base = /listening on (\S+)/.exec(out)![1]!;
    const token = readFileSync(path.join(dir, 'access-token'), 'utf8').trim();
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = (await (await fetch(`${base}/v1/bridges/demo/login-sessions`, { method: 'POST', headers: h, body: '{"flowID":"qr"}' })).json()) as any;
    const poll = fetch(`${base}/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.qr`, { method: 'POST', headers: h, body: '{"type":"display_and_wait"}' });
    const stream = await openEvents(`${base}/v1/bridges/demo/login-sessions/${created.loginSessionID}/events`, token);
    await stream.next();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const started = Date.now();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(Date.now() - started < 5000, 'exits within 5 s');
    assert.equal((await poll).status, 200);
    await stream.closed;
  } finally {
    remove();
  }
});

test('a request that arrives while the server closes gets a 503 in the error shape', async () => {
  const s = await startTestServer();
  const closing = s.app.close();
  const r = await s.app.fastify.inject({ method: 'GET', url: '/v1/bridges', headers: { authorization: `Bearer ${s.token}` } });
  await closing;
  s.app.db.close();
  assert.equal(r.statusCode, 503);
  assert.equal(r.json().code, 'bridge_unavailable');
  assert.equal(r.headers['retry-after'], '1');
});
