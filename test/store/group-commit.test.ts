/**
 * Group commit: the writes of one event-loop turn share one transaction, and nothing is
 * answered (reply or event) before the writes it reports are committed. "Committed" is checked
 * from a second connection to the same file, which sees only what another process would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/db.ts';
import { GroupCommit } from '../../src/store/group-commit.ts';
import { SessionStore } from '../../src/store/sessions.ts';
import type { Session } from '../../src/sessions/model.ts';
import { startTestServer, tempDir, type TestServer, type TestServerOptions } from '../support/server.ts';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function session(id: string): Session {
  return { id, bridgeID: 'demo', flowID: 'password', status: 'waiting_for_input', step: { type: 'user_input', stepID: 'demo.password', fields: [] }, createdAt: 1, updatedAt: 1, expiresAt: 2 };
}

function withFiles(fn: (file: string) => Promise<void>): Promise<void> {
  const { dir, remove } = tempDir();
  return fn(path.join(dir, 'bridge-login.sqlite')).finally(remove);
}

/** The real server on a database file, and a second, read-only connection to that file. */
function withServerAndReader(
  fn: (server: TestServer, other: Database.Database, headers: Record<string, string>) => Promise<void>,
  options: Omit<TestServerOptions, 'dataDir'> = {},
): Promise<void> {
  return withFiles(async (file) => {
    const server = await startTestServer({ ...options, dataDir: path.dirname(file) });
    const other = new Database(file, { readonly: true });
    try {
      await fn(server, other, { authorization: `Bearer ${server.token}` });
    } finally {
      other.close();
      await server.close();
    }
  });
}

test('the writes of one turn are committed together, at the end of the turn', () =>
  withFiles(async (file) => {
    const db = openDatabase(file);
    const other = new Database(file, { readonly: true });
    const count = (): number => (other.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    const errors: unknown[] = [];
    const commits = new GroupCommit(db, (err) => errors.push(err));
    const store = new SessionStore(db, commits);
    store.save(session('a'));
    store.save(session('b'));
    store.inTransaction(() => store.save(session('c')));
    assert.equal(commits.hasPending, true);
    assert.equal(count(), 0, 'nothing is visible to another connection before the commit');
    assert.equal((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 3, 'the server reads its own writes');
    await nextTurn();
    assert.equal(commits.hasPending, false);
    assert.equal(count(), 3, 'all three are committed at the end of the turn');
    store.save(session('d'));
    commits.flush();
    assert.equal(count(), 4, 'flush commits at once');
    assert.deepEqual(errors, []);
    other.close();
    db.close();
  }));

test('whenDurable runs at once when nothing is pending, else after the commit and in order', () =>
  withFiles(async (file) => {
    const db = openDatabase(file);
    const other = new Database(file, { readonly: true });
    const commits = new GroupCommit(db, () => undefined);
    const store = new SessionStore(db, commits);
    const seen: string[] = [];
    commits.whenDurable(() => seen.push('idle'));
    assert.deepEqual(seen, ['idle']);
    store.save(session('a'));
    for (const name of ['first', 'second']) {
      commits.whenDurable(() => seen.push(`${name}:${(other.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n}`));
    }
    assert.deepEqual(seen, ['idle']);
    await nextTurn();
    assert.deepEqual(seen, ['idle', 'first:1', 'second:1']);
    other.close();
    db.close();
  }));

test('a write inside a transaction opened by someone else joins that transaction', () =>
  withFiles(async (file) => {
    const db = openDatabase(file);
    const commits = new GroupCommit(db, () => undefined);
    const store = new SessionStore(db, commits);
    db.transaction(() => store.save(session('a')))();
    assert.equal(commits.hasPending, false, 'nothing is left pending: the outer transaction committed it');
    assert.equal(db.inTransaction, false);
    db.close();
  }));

test('a failed commit is reported and rolled back, and its waiters are told', () =>
  withFiles(async (file) => {
    const db = openDatabase(file);
    // A deferred foreign key is checked at COMMIT: the way to make a commit itself fail.
    db.exec('CREATE TABLE t (session_seq INTEGER REFERENCES sessions(seq) DEFERRABLE INITIALLY DEFERRED)');
    const errors: unknown[] = [];
    const commits = new GroupCommit(db, (err) => errors.push(err));
    const store = new SessionStore(db, commits);
    const lost: string[] = [];
    store.save(session('a'), undefined, () => lost.push('a'));
    db.prepare("INSERT INTO t VALUES (999999)").run();
    let told: boolean | undefined;
    commits.whenDurable((committed) => (told = committed));
    await nextTurn();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /FOREIGN KEY/);
    assert.equal(told, false, 'the waiter hears that its writes were not committed');
    assert.deepEqual(lost, ['a'], 'the writer hears that its write was lost');
    assert.equal(db.inTransaction, false);
    store.save(session('b'), undefined, () => lost.push('b'));
    await nextTurn();
    assert.deepEqual(lost, ['a'], 'a committed write is not reported lost');
    assert.deepEqual(
      db.prepare('SELECT id FROM sessions').pluck().all(),
      ['b'],
      'the failed turn is lost as a whole; the next one commits',
    );
    // "b" may now have the row number "a" was given; saving "a" again must not overwrite "b".
    store.save({ ...session('a'), status: 'cancelled' });
    await nextTurn();
    assert.deepEqual(db.prepare('SELECT id, status FROM sessions ORDER BY id').all(), [
      { id: 'a', status: 'cancelled' },
      { id: 'b', status: 'waiting_for_input' },
    ]);
    db.close();
  }));

test('a client hears of a created session and a completed login only once they are committed', () =>
  withServerAndReader(async (server, other, headers) => {
    const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<any> => {
      const r = await server.app.fastify.inject({ method, url, payload: payload as object, headers });
      return r.json();
    };
    // inject resolves as soon as the reply is finished, in the same turn when nothing holds it back.
    const created = await inject('POST', '/v1/bridges/demo/login-sessions', { flowID: 'password' });
    assert.equal(other.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(created.loginSessionID), 'waiting_for_input');
    const done = await inject('POST', `/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.password`, {
      type: 'user_input',
      fields: { username: 'kim', password: 'pw' },
    });
    assert.equal(done.status, 'complete');
    assert.equal(other.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(created.loginSessionID), 'complete');
    assert.equal(other.prepare('SELECT count(*) FROM logins WHERE login_id = ?').pluck().get(done.loginID), 1);
  }));

test('an event stream reports a change only once it is committed', () =>
  withServerAndReader(async (server, other, headers) => {
    const created = (await server.app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', payload: {}, headers })).json();
    const events = server.app.fastify.inject({ method: 'GET', url: `/v1/bridges/demo/login-sessions/${created.loginSessionID}/events`, headers });
    await nextTurn();
    const submit = server.app.fastify.inject({
      method: 'POST',
      url: `/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.password`,
      payload: { type: 'user_input', fields: { username: 'lee', password: 'pw' } },
      headers,
    });
    // The stream ends with the event that reports the completion; at that moment the
    // completion must already be committed.
    const stream = await events;
    const committed = other.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(created.loginSessionID);
    assert.match(stream.payload, /"status":"complete"/);
    assert.equal(committed, 'complete');
    await submit;
  }));

test('an event stream reports a cancel and an expiry only once they are committed', () =>
  withServerAndReader(async (server, other, headers) => {
    const statusOf = (id: string): unknown => other.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(id);
    const create = async (): Promise<string> => (await server.app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', payload: {}, headers })).json().loginSessionID;
    const watch = (id: string) => server.app.fastify.inject({ method: 'GET', url: `/v1/bridges/demo/login-sessions/${id}/events`, headers });

    // Nothing else writes in the turn of the cancel: the event must still wait for its own write.
    const cancelled = await create();
    const cancelEvents = watch(cancelled);
    await nextTurn();
    const cancel = server.app.fastify.inject({ method: 'DELETE', url: `/v1/bridges/demo/login-sessions/${cancelled}`, headers });
    const cancelStream = await cancelEvents;
    const afterCancel = statusOf(cancelled);
    assert.match(cancelStream.payload, /"status":"cancelled"/);
    assert.equal(afterCancel, 'cancelled');
    await cancel;

    // An expiry comes from a timer, with no request around it.
    const expired = await create();
    const expiryEvents = watch(expired);
    await nextTurn();
    server.clock.advance(server.config.sessions.ttlSeconds * 1000);
    const expiryStream = await expiryEvents;
    const afterExpiry = statusOf(expired);
    assert.match(expiryStream.payload, /"code":"session_expired"/);
    assert.equal(afterExpiry, 'failed');
  }));

test('a client whose change could not be committed gets an error, and the session then reads what was stored', () =>
  withFiles(async (file) => {
    const errors: unknown[] = [];
    const server = await startTestServer({ dataDir: path.dirname(file), logger: { level: 'error', stream: { write: (line: string) => void errors.push(line) } } });
    try {
      const headers = { authorization: `Bearer ${server.token}` };
      const created = (await server.app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', payload: {}, headers })).json();
      // Make the next commit that writes a login fail, as a full disk would: a deferred foreign
      // key, broken by a trigger on this connection, is checked at COMMIT.
      server.app.db.exec(`
        CREATE TABLE broken (seq INTEGER REFERENCES sessions(seq) DEFERRABLE INITIALLY DEFERRED);
        CREATE TEMP TRIGGER break_commit AFTER INSERT ON logins BEGIN INSERT INTO broken VALUES (-1); END;`);
      const r = await server.app.fastify.inject({
        method: 'POST',
        url: `/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.password`,
        payload: { type: 'user_input', fields: { username: 'nora', password: 'pw' } },
        headers,
      });
      assert.equal(r.statusCode, 500);
      assert.equal(r.json().code, 'internal_error');
      assert.doesNotMatch(r.payload, /"status":"complete"/);
      assert.equal(server.app.db.prepare('SELECT count(*) FROM logins').pluck().get(), 0, 'the login was not stored');
      assert.ok(errors.some((e) => /committing/.test(String(e))), `the failure is logged: ${errors.join('')}`);
      // What the server shows agrees with what it stored: the session did not complete, it
      // failed, and that is saved with the next commit; no account appeared.
      const read = (await server.app.fastify.inject({ url: `/v1/bridges/demo/login-sessions/${created.loginSessionID}`, headers })).json();
      assert.equal(read.status, 'failed', JSON.stringify(read));
      assert.equal(read.error.code, 'session_interrupted');
      assert.match(read.error.message, /could not save/);
      assert.equal(read.account, undefined);
      assert.deepEqual((await server.app.fastify.inject({ url: '/v1/accounts', headers })).json(), []);
      assert.equal(server.app.sessions.active, 0);
      const row = server.app.db.prepare('SELECT status, login_id FROM sessions WHERE id = ?').get(created.loginSessionID) as { status: string; login_id: string | null };
      assert.deepEqual(row, { status: 'failed', login_id: null });
      // A retry of the same submit reads the session as it is now.
      const retry = await server.app.fastify.inject({
        method: 'POST',
        url: `/v1/bridges/demo/login-sessions/${created.loginSessionID}/steps/demo.password`,
        payload: { type: 'user_input', fields: { username: 'nora', password: 'pw' } },
        headers,
      });
      assert.equal(retry.json().status, 'failed');
    } finally {
      await server.close();
    }
  }));
