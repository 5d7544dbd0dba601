/**
 * SIGTERM after whoever read the server's output went away (issue 21, item 4): "SIGTERM:
 * stopping…" and the logger's lines meet a closed pipe (EPIPE). The server must still close
 * everything and exit 0: the database closed, so that SQLite removes its `-wal` and `-shm`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tempDir } from '../support/server.ts';
import { startChildServer } from '../support/child-server.ts';

for (const logLevel of ['info', 'trace']) {
  test(`SIGTERM with stdout and stderr closed (log level ${logLevel}): exit 0, nothing left open`, { timeout: 60_000 }, async () => {
    const { dir, remove } = tempDir();
    try {
      const server = await startChildServer(dir, ['--log-level', logLevel]);
      // A request, so that the database has written to its WAL and the logger has lines to write.
      const res = await fetch(`${server.url}/v1/bridges/demo/login-sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } });
      assert.equal(res.status, 200);
      assert.ok(readdirSync(dir).some((f) => f.endsWith('-wal')), 'the WAL exists while the server runs');
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
      // The reader goes away: every later write by the server fails with EPIPE.
      server.child.stdout!.destroy();
      server.child.stderr!.destroy();
      server.child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('-wal') || f.endsWith('-shm')), [], 'the database was closed');
    } finally {
      remove();
    }
  });
}
