import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import { startTestServer, tempDir } from '../support/server.ts';
import { databaseAtVersion } from '../support/old-database.ts';

test('logins, accounts and tokens survive a restart; an unfinished session reads failed session_interrupted', async () => {
  const { dir, remove } = tempDir();
  try {
    const clock = new ManualClock(Date.now());
    const first = await startTestServer({ dataDir: dir, clock });
    const c = await first.api('POST', '/v1/bridges/demo/login-sessions', {});
    const done = await first.api('POST', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}/steps/demo.password`, {
      type: 'user_input',
      fields: { username: 'iris', password: 'pw-marker-7731' },
    });
    assert.equal(done.body.status, 'complete');
    const pending = await first.api('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password-2fa' });
    await first.api('POST', `/v1/bridges/demo/login-sessions/${pending.body.loginSessionID}/steps/demo.password`, {
      type: 'user_input',
      fields: { username: 'jay', password: 'pw' },
    });
    const token = first.token;
    await first.close();

    const second = await startTestServer({ dataDir: dir, clock });
    const h = { authorization: `Bearer ${token}` };
    const accounts = await second.api('GET', '/v1/accounts', undefined, h);
    assert.equal(accounts.status, 200, 'the old token still works');
    assert.deepEqual(accounts.body, [done.body.account]);
    const login = await second.api('GET', `/v1/bridges/demo/logins/${done.body.loginID}`, undefined, h);
    assert.equal(login.body.user.username, 'iris');
    const finished = await second.api('GET', `/v1/bridges/demo/login-sessions/${c.body.loginSessionID}`, undefined, h);
    assert.equal(finished.body.status, 'complete');
    assert.deepEqual(finished.body.account, done.body.account);
    const interrupted = await second.api('GET', `/v1/bridges/demo/login-sessions/${pending.body.loginSessionID}`, undefined, h);
    assert.equal(interrupted.status, 200);
    assert.equal(interrupted.body.status, 'failed');
    assert.equal(interrupted.body.error.code, 'session_interrupted');
    // A new login works, and the database file is in WAL mode.
    const again = await second.api('POST', '/v1/bridges/demo/login-sessions', {}, h);
    assert.equal(again.status, 200);
    assert.equal(second.app.db.pragma('journal_mode', { simple: true }), 'wal');
    await second.close();
    assert.ok(statSync(path.join(dir, 'bridge-login.sqlite')).size > 0);
  } finally {
    remove();
  }
});

test('a database of an older version is migrated, not discarded', () => {
  const { dir, remove } = tempDir();
  try {
    // A database as version 2 left it: written with the first two migrations only.
    const file = path.join(dir, 'old.sqlite');
    const old = databaseAtVersion(file, 2);
    old.prepare("INSERT INTO logins VALUES ('demo', 'x', 'connected', NULL, '{\"id\":\"x\"}', 1, 1)").run();
    const insertSession = old.prepare(
      "INSERT INTO sessions (id, bridge_id, flow_id, status, step_json, created_at, updated_at, expires_at, finished_at) VALUES (?, 'demo', 'password', ?, ?, ?, ?, ?, ?)",
    );
    insertSession.run('s-done', 'complete', '{"type":"complete"}', 1, 2, 9, 2);
    insertSession.run('s-open', 'waiting_for_input', '{"type":"user_input","stepID":"demo.password","fields":[]}', 3, 3, 9, null);
    old.prepare("INSERT INTO session_replies VALUES ('s-open', 'key-1', '{\"status\":\"waiting_for_input\"}')").run();
    old.close();

    const db = openDatabase(file);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal((db.prepare('SELECT count(*) AS n FROM logins').get() as { n: number }).n, 1);
    const store = new SessionStore(db);
    const loaded = store.loadAll().map((s) => [s.session.id, s.session.status, s.session.finishedAt]);
    assert.deepEqual(loaded, [
      ['s-done', 'complete', 2],
      ['s-open', 'waiting_for_input', undefined],
    ]);
    assert.deepEqual([...store.loadReplies()].map(([id, m]) => [id, [...m]]), [['s-open', [['key-1', '{"status":"waiting_for_input"}']]]]);
    // The migrated rows are found again by the store: an update, a reply and a delete land on them.
    store.save({ ...store.loadAll()[1]!.session, status: 'cancelled', finishedAt: 5, updatedAt: 5 });
    store.saveReply('s-open', 'key-2', '{}');
    assert.equal(db.prepare("SELECT status FROM sessions WHERE id = 's-open'").pluck().get(), 'cancelled');
    assert.equal(db.prepare('SELECT count(*) FROM session_replies').pluck().get(), 2);
    store.delete('s-open');
    assert.equal(db.prepare('SELECT count(*) FROM session_replies').pluck().get(), 0, 'replies go with their session');
    assert.equal(store.deleteFinishedBefore(2), 1);
    assert.equal(db.prepare('SELECT count(*) FROM sessions').pluck().get(), 0);
    db.close();
  } finally {
    remove();
  }
});

test('a database from a newer version stops the start with a clear message', () => {
  const { dir, remove } = tempDir();
  try {
    const file = path.join(dir, 'new.sqlite');
    const db = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    assert.throws(() => openDatabase(file), /newer than this server knows/);
  } finally {
    remove();
  }
});
