/**
 * An existing data directory that others can read (issue 21, item 7): tightened to 0700 when
 * this user owns it, refused with a clear message (exit 78) when another user does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/server.ts';
import { startChildServer } from '../support/child-server.ts';

const BIN = fileURLToPath(new URL('../../bin/bridge-login.js', import.meta.url));

test('an existing data directory of ours that others can read is tightened to 0700 at start', { timeout: 60_000 }, async () => {
  const { dir, remove } = tempDir();
  try {
    const data = path.join(dir, 'data');
    mkdirSync(data);
    chmodSync(data, 0o755);
    const server = await startChildServer(data);
    try {
      assert.equal(statSync(data).mode & 0o777, 0o700);
    } finally {
      await server.stop();
    }
  } finally {
    remove();
  }
});

test("another user's data directory that others can read is refused, untouched, with a message saying so", { timeout: 60_000 }, () => {
  // Giving a directory to another user needs root, which the test suite runs as in CI.
  if (process.getuid?.() !== 0) return;
  const { dir, remove } = tempDir();
  try {
    const data = path.join(dir, 'theirs');
    mkdirSync(data);
    chmodSync(data, 0o755);
    chownSync(data, 65534, 65534);
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', data], { encoding: 'utf8', timeout: 50_000 });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /belongs to another user \(uid 65534\)/);
    assert.equal(statSync(data).mode & 0o777, 0o755);
  } finally {
    remove();
  }
});
