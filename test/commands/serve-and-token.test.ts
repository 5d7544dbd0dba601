import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { statSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { tempDir } from '../support/server.ts';
import { databaseAtVersion } from '../support/old-database.ts';

const BIN = new URL('../../bin/bridge-login.js', import.meta.url).pathname;
const run = promisify(execFile);

/** Start `bridge-login serve` and resolve with its URL and printed first token once it listens. */
function serve(args: string[]): Promise<{ url: string; out: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && /open in a browser/.test(out)) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          out: () => out,
          stop: () =>
            new Promise((res) => {
              child.once('exit', (code) => res(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

test('serve: first start prints the URL and a token, writes it owner-only, and stops cleanly on SIGTERM', async () => {
  const { dir, remove } = tempDir();
  try {
    const server = await serve(['--data-dir', dir]);
    const tokenFile = path.join(dir, 'access-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.ok(server.out().includes(token), 'the first token is printed');
    assert.ok(server.out().includes(`#token=${token}`));
    const info = await fetch(`${server.url}/v1/info`);
    assert.equal(info.status, 200);
    const bridges = await fetch(`${server.url}/v1/bridges`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bridges.status, 200);

    // token create prints the new token as its last line; it works at once on the running server.
    const created = await run(process.execPath, [BIN, 'token', 'create', '--name', 'ci', '--data-dir', dir]);
    const newToken = created.stdout.trim().split('\n').at(-1)!;
    assert.match(newToken, /^bl_[A-Za-z0-9_-]{40,}$/);
    const listed = await run(process.execPath, [BIN, 'token', 'list', '--data-dir', dir]);
    assert.match(listed.stdout, /first-start/);
    assert.match(listed.stdout, /\bci\b/);
    assert.ok(!listed.stdout.includes(newToken), 'list never shows secrets');
    const id = listed.stdout.split('\n').find((l) => /\bci\b/.test(l))!.split(/\s+/)[0]!;
    await run(process.execPath, [BIN, 'token', 'revoke', id, '--data-dir', dir]);
    const listedAfter = await run(process.execPath, [BIN, 'token', 'list', '--data-dir', dir]);
    assert.match(listedAfter.stdout, new RegExp(`${id}.*revoked`));
    await assert.rejects(run(process.execPath, [BIN, 'token', 'revoke', 'nope', '--data-dir', dir]));

    assert.equal(await server.stop(), 0);
  } finally {
    remove();
  }
});

test('serve: a bad config stops the start with a message naming the bad key', async () => {
  const { dir, remove } = tempDir();
  try {
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'sessions:\n  ttlSeconds: soon\n');
    const err = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dir, '--config', file]).catch((e: { code: number; stderr: string }) => e);
    assert.equal((err as { code: number }).code, 78);
    assert.match((err as { stderr: string }).stderr, /sessions\.ttlSeconds/);
    writeFileSync(file, 'bridges:\n  - id: wa\n    type: whatsapp\n    provisioning:\n      url: http://127.0.0.1:1/_matrix/provision\n      sharedSecret: ${NOPE_SECRET_VAR}\n      userID: "@me:example.org"\n');
    const err2 = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dir, '--config', file]).catch((e: { code: number; stderr: string }) => e);
    assert.match((err2 as { stderr: string }).stderr, /bridges\[0\]\.provisioning\.sharedSecret.*NOPE_SECRET_VAR/);
  } finally {
    remove();
  }
});

test('token commands never upgrade an older database (its server may still run); serve does, and says when it cannot', async () => {
  const { dir, remove } = tempDir();
  try {
    // A database as version 2 wrote it, with a token.
    const file = path.join(dir, 'bridge-login.sqlite');
    const old = databaseAtVersion(file, 2);
    old.prepare("INSERT INTO tokens (id, name, hash, created_at) VALUES ('abc123', 'old', 'x', 1)").run();
    old.close();
    const version = (): unknown => {
      const db = new Database(file, { readonly: true });
      try {
        return db.pragma('user_version', { simple: true });
      } finally {
        db.close();
      }
    };

    const refused = await run(process.execPath, [BIN, 'token', 'list', '--data-dir', dir]).catch((e: { code: number; stderr: string }) => e);
    assert.equal((refused as { code: number }).code, 78);
    assert.match((refused as { stderr: string }).stderr, /older bridge-login \(schema 2.*start this version \(bridge-login serve\)/);
    assert.doesNotMatch((refused as { stderr: string }).stderr, /\n\s+at /, 'no stack trace');
    assert.equal(version(), 2, 'the database is left as it was');

    const server = await serve(['--data-dir', dir]);
    assert.equal(await server.stop(), 0);
    assert.equal(version(), MIGRATIONS.length, 'serve upgraded it');
    const { stdout } = await run(process.execPath, [BIN, 'token', 'list', '--data-dir', dir]);
    assert.match(stdout, /abc123 {2}old/);

    // A database from a newer version stops serve with a message, not a stack trace.
    const newer = new Database(file);
    newer.pragma('user_version = 999');
    newer.close();
    const stopped = await run(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dir]).catch((e: { code: number; stderr: string }) => e);
    assert.equal((stopped as { code: number }).code, 78);
    assert.match((stopped as { stderr: string }).stderr, /newer than this server knows/);
    assert.doesNotMatch((stopped as { stderr: string }).stderr, /\n\s+at /, 'no stack trace');
  } finally {
    remove();
  }
});
