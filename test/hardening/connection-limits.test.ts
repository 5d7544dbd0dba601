/**
 * What a flood of connections can do (issue 21, item 3). The server holds at most
 * `limits.maxConnections` connections, by default a quarter below the open-file limit, so that
 * the process never reaches EMFILE; each token may hold at most `limits.streamsPerToken` event
 * streams and `limits.longPollsPerToken` long-polls, then 429 `rate_limited`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, tempDir } from '../support/server.ts';
import { openEvents } from '../support/sse.ts';
import { eventually } from '../support/eventually.ts';
import { OWNER } from '../../src/principal.ts';

/** A keep-alive connection that has sent one request: it ends answered (and open) or closed by the server. */
interface Held {
  socket: net.Socket;
  outcome: Promise<'answered' | 'closed'>;
  closed: Promise<void>;
}

function hold(port: number): Held {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const outcome = new Promise<'answered' | 'closed'>((resolve) => {
    socket.once('data', () => resolve('answered'));
    socket.once('close', () => resolve('closed'));
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('connect', () => socket.write('GET /v1/info HTTP/1.1\r\nHost: localhost\r\n\r\n'));
  return { socket, outcome, closed };
}

async function flood(port: number, count: number): Promise<{ held: Held[]; answered: number; closed: number }> {
  const held = Array.from({ length: count }, () => hold(port));
  const outcomes = await Promise.all(held.map((h) => h.outcome));
  return { held, answered: outcomes.filter((o) => o === 'answered').length, closed: outcomes.filter((o) => o === 'closed').length };
}

/** Close every connection of the flood; resolves once they are all closed on this side. */
async function release(held: Held[]): Promise<void> {
  for (const h of held) h.socket.destroy();
  await Promise.all(held.map((h) => h.closed));
}

/** Resolves once the server counts no open connection (bounded). */
async function drained(server: net.Server): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const n = await new Promise<number>((resolve, reject) => server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
    if (n === 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the server still counts connections');
}

test('past limits.maxConnections a new connection is closed at once; the server serves again when the flood ends', async () => {
  const s = await startTestServer({ configure: (c) => void (c.limits.maxConnections = 20) });
  try {
    const port = Number(new URL(s.baseURL).port);
    const { held, answered, closed } = await flood(port, 30);
    assert.equal(answered, 20);
    assert.equal(closed, 10);
    await release(held);
    await drained(s.app.fastify.server);
    assert.equal((await fetch(`${s.baseURL}/v1/info`)).status, 200);
  } finally {
    await s.close();
  }
});

test('each token holds at most limits.streamsPerToken event streams; past it 429, other tokens unaffected', async () => {
  const s = await startTestServer({ configure: (c) => void (c.limits.streamsPerToken = 3) });
  try {
    const id = (await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).body.loginSessionID;
    const url = `${s.baseURL}/v1/bridges/demo/login-sessions/${id}/events`;
    const streams = [await openEvents(url, s.token), await openEvents(url, s.token), await openEvents(url, s.token)];
    for (const st of streams) assert.equal(st.status, 200);
    const refused = await s.api('GET', `/v1/bridges/demo/login-sessions/${id}/events`);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    assert.ok(refused.headers.get('retry-after'));
    const other = (await s.app.tokens.create('other', s.clock.now())).token;
    const theirs = await openEvents(url, other);
    assert.equal(theirs.status, 200);
    // Closing one gives its slot back.
    await streams[0]!.cancel();
    const live = s.app.sessions.feed(OWNER, 'demo', id);
    await eventually(() => live.watcherCount === 3, 'the server to see the stream close');
    const again = await openEvents(url, s.token);
    assert.equal(again.status, 200);
    await Promise.all([...streams.slice(1), theirs, again].map((st) => st.cancel()));
  } finally {
    await s.close();
  }
});

test('each token holds at most limits.longPollsPerToken long-polls; past it 429; an answered one frees its slot', async () => {
  const s = await startTestServer({ configure: (c) => void (c.limits.longPollsPerToken = 2) });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).body.loginSessionID);
    const poll = (id: string) => s.api('POST', `/v1/bridges/demo/login-sessions/${id}/steps/demo.qr`, { type: 'display_and_wait' });
    const polls = [poll(ids[0]!), poll(ids[1]!)];
    await eventually(() => ids.slice(0, 2).every((id) => s.app.sessions.feed(OWNER, 'demo', id).watcherCount === 1), 'both long-polls to wait');
    const refused = await poll(ids[2]!);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    // A submit of another type is no long-poll and is not counted.
    assert.equal((await s.api('POST', `/v1/bridges/demo/login-sessions/${ids[2]}/steps/demo.qr`, { type: 'user_input', fields: {} })).status, 400);
    assert.equal((await s.api('DELETE', `/v1/bridges/demo/login-sessions/${ids[0]}`)).status, 200);
    assert.equal((await polls[0]!).status, 200);
    const third = poll(ids[2]!);
    await eventually(() => s.app.sessions.feed(OWNER, 'demo', ids[2]!).watcherCount === 1, 'the third long-poll to wait');
    for (const id of ids.slice(1)) await s.api('DELETE', `/v1/bridges/demo/login-sessions/${id}`);
    assert.equal((await third).status, 200);
    assert.equal((await polls[1]!).status, 200);
  } finally {
    await s.close();
  }
});

const BIN = fileURLToPath(new URL('../../bin/bridge-login.js', import.meta.url));

test('under an open-file limit of 256, a flood of 400 connections never takes the process to EMFILE', { timeout: 120_000 }, async () => {
  const { dir, remove } = tempDir();
  // `ulimit -n` applies to the shell, which `exec` then replaces with the server.
  const child = spawn('bash', ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, BIN, 'serve', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    while (!/open in a browser/.test(out)) {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${out}`);
      await once(child.stdout, 'data');
    }
    const base = /listening on (\S+)/.exec(out)![1]!;
    const port = Number(new URL(base).port);
    const token = readFileSync(path.join(dir, 'access-token'), 'utf8').trim();
    const { held, answered, closed } = await flood(port, 400);
    const open = readdirSync(`/proc/${child.pid}/fd`).length;
    assert.ok(open < 256, `the server holds ${open} descriptors, under its limit of 256`);
    assert.ok(answered > 0 && closed > 0 && answered + closed === 400, `${answered} answered, ${closed} closed`);
    await release(held);
    // Once the flood is gone, a login works (new connection, database writes).
    let created: Response | undefined;
    for (let i = 0; i < 100 && created?.status !== 200; i++) {
      created = await fetch(`${base}/v1/bridges/demo/login-sessions`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    }
    assert.equal(created?.status, 200);
    assert.doesNotMatch(out, /EMFILE/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    remove();
  }
});
