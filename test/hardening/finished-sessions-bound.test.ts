/**
 * Finished sessions are bounded on disk (issue 21, item 7): 40,000 create-and-cancel cycles
 * added 163 MB, every row kept for the whole retention. Now at most `sessions.maxRetained` are
 * kept (the oldest forgotten first, memory and row), and none past `sessions.retentionSeconds`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, tempDir } from '../support/server.ts';

test('past sessions.maxRetained finished sessions, the oldest is forgotten, row and all, also across a restart', async () => {
  const { dir, remove } = tempDir();
  try {
    const s = await startTestServer({ dataDir: dir, configure: (c) => void (c.sessions.maxRetained = 5) });
    const rows = () => (s.app.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = (await s.api('POST', '/v1/bridges/demo/login-sessions')).body.loginSessionID as string;
      ids.push(id);
      assert.equal((await s.api('DELETE', `/v1/bridges/demo/login-sessions/${id}`)).status, 200);
    }
    for (const [i, id] of ids.entries()) {
      assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).status, i < 3 ? 404 : 200, `session ${i}`);
    }
    assert.equal(rows(), 5);
    // An active session does not count against the bound.
    const active = (await s.api('POST', '/v1/bridges/demo/login-sessions')).body.loginSessionID as string;
    assert.equal(rows(), 6);
    await s.close();
    const again = await startTestServer({ dataDir: dir, clock: s.clock, configure: (c) => void (c.sessions.maxRetained = 2) });
    try {
      // The active one was interrupted by the restart and is finished now: the newest 2 remain.
      assert.equal((await again.api('GET', `/v1/bridges/demo/login-sessions/${active}`)).status, 200);
      assert.equal((await again.api('GET', `/v1/bridges/demo/login-sessions/${ids[7]}`)).status, 200);
      assert.equal((await again.api('GET', `/v1/bridges/demo/login-sessions/${ids[6]}`)).status, 404);
      assert.equal((again.app.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 2);
    } finally {
      await again.close();
    }
  } finally {
    remove();
  }
});

test('finished sessions are forgotten, row and all, when their retention ends', async () => {
  const s = await startTestServer({ configure: (c) => void (c.sessions.retentionSeconds = 60) });
  try {
    const id = (await s.api('POST', '/v1/bridges/demo/login-sessions')).body.loginSessionID as string;
    await s.api('DELETE', `/v1/bridges/demo/login-sessions/${id}`);
    s.clock.advance(61_000);
    assert.equal((s.app.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 0);
    assert.equal((await s.api('GET', `/v1/bridges/demo/login-sessions/${id}`)).status, 404);
  } finally {
    await s.close();
  }
});
