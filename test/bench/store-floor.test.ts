/**
 * The store floor (bench/store-floor.ts), the reference for (2) that makes a login's writes with
 * nothing else: it must really make them, or its figure would mean nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { openDatabase } from '../../src/store/db.ts';
import { startTestServer, tempDir } from '../support/server.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The bytes of a real login, as the bench takes them from the server (made once, for both modes). */
let realLogin: Promise<{ created: string; createdID: string; completed: string }> | undefined;
async function makeRealLogin(): Promise<{ created: string; createdID: string; completed: string }> {
  const s = await startTestServer();
  try {
    const created = await s.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
    const completed = await s.api('POST', `/v1/bridges/demo/login-sessions/${created.body.loginSessionID}/steps/demo.password`, {
      type: 'user_input',
      fields: { username: 'floor-user', password: 'hunter2' },
    });
    assert.equal(completed.body.status, 'complete');
    return { created: created.text, createdID: created.body.loginSessionID as string, completed: completed.text };
  } finally {
    await s.close();
  }
}

for (const mode of [
  { args: [], where: 'on the event loop' },
  { args: ['thread'], where: 'on a worker thread' },
]) {
  test(`the store floor (writes ${mode.where}) answers a login with real bytes and writes its session and login rows`, { timeout: 60_000 }, async () => {
    await checkStoreFloor(mode.args, mode.where);
  });
}

async function checkStoreFloor(extraArgs: string[], expectedWhere: string): Promise<void> {
  const { created, createdID, completed } = await (realLogin ??= makeRealLogin());
  const { dir, remove } = tempDir();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/store-floor.ts', dir, created, completed, ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!/listening on (\S+), writes (.+)\n/.test(out)) await once(child.stdout, 'data');
    const [, url, where] = /listening on (\S+), writes (.+)\n/.exec(out)! as unknown as [string, string, string];
    assert.equal(where, expectedWhere);
    const post = async (p: string, body: unknown): Promise<{ status: number; text: string }> => {
      const res = await fetch(url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    };

    const c = await post('/v1/bridges/demo/login-sessions', { flowID: 'password' });
    assert.equal(c.status, 200);
    const id = JSON.parse(c.text).loginSessionID as string;
    assert.notEqual(id, createdID, 'a session of its own');
    assert.equal(c.text, created.replace(createdID, id), 'the real answer, with its own ID');
    const done = await post(`/v1/bridges/demo/login-sessions/${id}/steps/demo.password`, { type: 'user_input', fields: { username: 'alice', password: 'x' } });
    assert.equal(done.status, 200);
    assert.equal(done.text, completed);
    assert.equal((await post(`/v1/bridges/demo/login-sessions/${id}/steps/demo.password`, { type: 'user_input', fields: { username: 'bob' } })).status, 404);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, 'a clean stop, its writes committed');
    const db = openDatabase(path.join(dir, 'store-floor.sqlite'));
    try {
      const sessions = db.prepare('SELECT id, status, login_id, step_json FROM sessions').all() as { id: string; status: string; login_id: string; step_json: string }[];
      assert.deepEqual(
        sessions.map((r) => [r.id, r.status, r.login_id]),
        [[id, 'complete', 'alice']],
      );
      assert.equal(JSON.parse(sessions[0]!.step_json).type, 'complete');
      assert.deepEqual(db.prepare('SELECT bridge_id, login_id, status FROM logins').all(), [{ bridge_id: 'demo', login_id: 'alice', status: 'connected' }]);
    } finally {
      db.close();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    remove();
  }
}
