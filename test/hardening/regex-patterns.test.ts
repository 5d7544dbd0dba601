/**
 * A bridge's field `pattern` cannot freeze the server (issue 21, item 1): with `(a+)+b` and the
 * value the bridge pre-fills (`a`×40 + `!`), a backtracking engine would run for days on the
 * event loop. The server runs here in a process of its own, so that if it froze, this test's
 * own timeout would still end the test (as a failure).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { hostileValue, HOSTILE_PATTERN } from '../support/hostile-bridge.ts';

const SCRIPT = fileURLToPath(new URL('../support/hostile-server.ts', import.meta.url));

let child: ChildProcess;
let url = '';
let token = '';

before(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  while (!out.includes('\n')) {
    const [chunk] = (await once(child.stdout!, 'data')) as [string];
    out += chunk;
  }
  ({ url, token } = JSON.parse(out) as { url: string; token: string });
});

after(async () => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

test('the pre-filled hostile value is refused at once, and the server answers others meanwhile', { timeout: 120_000 }, async () => {
  const created = await call('POST', '/v1/bridges/hostile/login-sessions');
  assert.equal(created.status, 200);
  const field = created.body.currentStep.fields[0];
  assert.equal(field.pattern, HOSTILE_PATTERN);
  assert.equal(field.initialValue, hostileValue(40));

  const path = `/v1/bridges/hostile/login-sessions/${created.body.loginSessionID}/steps/hostile.name`;
  // Sent together: a frozen event loop would answer neither.
  const [submitted, info] = await Promise.all([call('POST', path, { type: 'user_input', fields: { name: field.initialValue } }), call('GET', '/v1/info')]);
  assert.equal(info.status, 200);
  assert.equal(submitted.status, 400);
  assert.equal(submitted.body.code, 'invalid_request');
  assert.deepEqual(submitted.body.details.issues[0].path, ['body', 'fields', 'name']);

  // Every length up to it, each answered (the time would double with each character).
  for (let n = 20; n <= 60; n += 4) {
    const r = await call('POST', path, { type: 'user_input', fields: { name: hostileValue(n) } });
    assert.equal(r.status, 400, `n = ${n}`);
  }
  // The session was left unchanged, and a value the pattern matches goes through.
  const done = await call('POST', path, { type: 'user_input', fields: { name: 'aaab' } });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'complete');
});
