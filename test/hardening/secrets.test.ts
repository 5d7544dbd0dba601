/**
 * Secrets stay secret: passwords, codes, cookie values and tokens given to the server appear
 * in nothing it writes (its output at the most verbose log level, its database and WAL, its
 * data directory) nor in any answer that did not have to carry them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startTestServer, tempDir } from '../support/server.ts';
import type { Bridge, BridgeDescriptor, LoginProcess, StepOutcome } from '../../src/bridges/types.ts';
import { client, startChildServer, type ChildServer } from '../support/child-server.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startServer } from '../../src/start-server.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/store/db.ts';

const BIN = new URL('../../bin/bridge-login.js', import.meta.url).pathname;
const run = promisify(execFile);

/** The ways a secret's bytes could be written: as text, UTF-16, hex, base64, a pino Buffer dump. */
function encodings(secret: string): Buffer[] {
  const b = Buffer.from(secret, 'utf8');
  const out = [b, Buffer.from(secret, 'utf16le'), Buffer.from(b.toString('hex')), Buffer.from(b.toString('hex').toUpperCase()), Buffer.from([...b].join(','))];
  // base64 of the secret inside a longer text: one pattern per alignment on 3-byte groups.
  for (let a = 0; a < 3; a++) out.push(Buffer.from(b.subarray(a, a + 3 * Math.floor((b.length - a) / 3)).toString('base64')));
  return out;
}

/** Every file under `dir`, recursively, with its bytes. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  const out: { file: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...filesUnder(file));
    else out.push({ file, bytes: readFileSync(file) });
  }
  return out;
}

/** Names of the places (of `places`) where any encoding of `secret` occurs. */
function whereFound(secret: string, places: { name: string; bytes: Buffer }[]): string[] {
  const patterns = encodings(secret);
  return places.filter((p) => patterns.some((pat) => p.bytes.includes(pat))).map((p) => p.name);
}

// Redaction holds in both formats: JSON lines (not a terminal, the default) and readable lines.
for (const format of ['json', 'pretty'] as const) {
  const isLogLine = (l: string): boolean => (format === 'json' ? l.startsWith('{') : /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+: /.test(l));
  test(`passwords, codes, cookie values and tokens appear in no log line (${format} lines), no database page, no file and no error answer`, async () => {
    const { dir, remove } = tempDir();
    const secrets: string[] = [];
    const secret = (kind: string): string => {
      const s = `Zq${kind}${randomBytes(9).toString('hex')}Zq`;
      secrets.push(s);
      return s;
    };
    let server: ChildServer | undefined;
    try {
      server = await startChildServer(dir, ['--log-level', 'trace', '--log-format', format]);
      const firstToken = server.token;
      // A token made by `token create` while the server runs: its output is the only place for it.
      const created = await run(process.execPath, [BIN, 'token', 'create', '--name', 'secrets', '--data-dir', dir]);
      const token = created.stdout.trim().split('\n').at(-1)!;
      const call = client(server.url, token);
      /** Every answer body, for the check that none echoes a submitted secret. */
      const answers: { what: string; text: string }[] = [];
      const api = async (what: string, method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) => {
        const r = await call(method, urlPath, body, headers);
        answers.push({ what, text: r.text });
        return r;
      };
      const create = async (flowID: string) => (await api(`create ${flowID}`, 'POST', '/v1/bridges/demo/login-sessions', { flowID })).body.loginSessionID as string;
      const stepURL = (id: string, step: string) => `/v1/bridges/demo/login-sessions/${id}/steps/${step}`;

      // Passwords: completed, refused, and with extra fields and a lastURL beside them.
      for (let i = 0; i < 3; i++) {
        const id = await create('password');
        const r = await api('password login', 'POST', stepURL(id, 'demo.password'), { type: 'user_input', fields: { username: `secret-user-${i}`, password: secret('pw'), note: secret('extra') }, lastURL: `https://x.example/?t=${secret('url')}` });
        assert.equal(r.body.status, 'complete');
      }
      // Two-factor codes: two wrong ones then the right one; and a login failed by three wrong ones.
      const twoFA = await create('password-2fa');
      await api('2fa password', 'POST', stepURL(twoFA, 'demo.password'), { type: 'user_input', fields: { username: 'secret-2fa', password: secret('pw') } });
      for (let i = 0; i < 2; i++) await api('wrong code', 'POST', stepURL(twoFA, 'demo.2fa'), { type: 'user_input', fields: { code: secret('code') } });
      assert.equal((await api('right code', 'POST', stepURL(twoFA, 'demo.2fa'), { type: 'user_input', fields: { code: '123456' } })).body.status, 'complete');
      const locked = await create('password-2fa');
      await api('2fa password', 'POST', stepURL(locked, 'demo.password'), { type: 'user_input', fields: { username: 'secret-locked', password: secret('pw') } });
      for (let i = 0; i < 3; i++) await api('wrong code', 'POST', stepURL(locked, 'demo.2fa'), { type: 'user_input', fields: { code: secret('code') } });
      // Cookies: the sign-in page (its password a secret) issues one; submitting it completes the login.
      const signIn = await fetch(`${server.url}/demo/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=secret-cookie&password=${secret('pagepw')}` });
      assert.equal(signIn.status, 303);
      const issued = /demo_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
      secrets.push(issued);
      const cookieLogin = await create('cookies');
      const viaCookie = await api('cookie login', 'POST', stepURL(cookieLogin, 'demo.cookies'), { type: 'cookies', fields: { session: issued }, source: 'webview' });
      assert.equal(viaCookie.body.status, 'complete');
      const forged = await create('cookies');
      const refused = await api('forged cookie', 'POST', stepURL(forged, 'demo.cookies'), { type: 'cookies', fields: { session: secret('cookie') } });
      assert.equal(refused.body.error.code, 'invalid_credentials');

      // A QR code's one-time scan URL: shown to the client and kept with the session's current step
      // (worthless once the process is gone), but never logged, however the URL is spelled.
      const qr = (await api('create qr', 'POST', '/v1/bridges/demo/login-sessions', { flowID: 'qr' })).body;
      const scanToken = (qr.currentStep.display.data as string).split('/demo/scan/')[1]!;
      assert.equal((await fetch(`${server.url}/dem%6F/scan/${scanToken}`)).status, 200);
      assert.equal((await fetch(`${server.url}/demo/scan/${scanToken}?x=1`)).status, 200);
      assert.equal((await fetch(`${server.url}/demo/%73can/${scanToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=secret-qr' })).status, 200);

      // Requests that fail, each carrying a secret where a careless error message would echo it.
      const open = await create('password-2fa');
      const bad: [string, string, string, unknown, Record<string, string>?][] = [
        ['bad JSON', 'POST', stepURL(open, 'demo.password'), `{"type":"user_input","fields":{"password":"${secret('json')}"`],
        ['bad JSON 2', 'POST', stepURL(open, 'demo.password'), `{"type":"user_input","fields":{"password":"${secret('json')}", }}`],
        ['non-string field', 'POST', stepURL(open, 'demo.password'), { type: 'user_input', fields: { username: 1, password: secret('type') } }],
        ['wrong step', 'POST', stepURL(open, 'demo.2fa'), { type: 'user_input', fields: { code: secret('code') } }],
        ['wrong type', 'POST', stepURL(open, 'demo.password'), { type: 'cookies', fields: { password: secret('pw') } }],
        ['bad type value', 'POST', stepURL(open, 'demo.password'), { type: secret('typeval'), fields: { password: secret('pw') } }],
        ['missing field', 'POST', stepURL(open, 'demo.password'), { type: 'user_input', fields: { password: secret('pw') } }],
        ['finished session', 'POST', stepURL(locked, 'demo.password'), { type: 'user_input', fields: { password: secret('pw') } }],
        ['unknown session', 'POST', stepURL('nope', 'demo.password'), { type: 'user_input', fields: { password: secret('pw') } }],
        ['too large', 'POST', stepURL(open, 'demo.password'), { type: 'user_input', fields: { password: secret('big') + 'x'.repeat(70_000) } }],
        ['wrong content type', 'POST', stepURL(open, 'demo.password'), `password=${secret('form')}`, { 'content-type': 'application/x-www-form-urlencoded' }],
        ['bad wait', 'POST', `${stepURL(open, 'demo.password')}?wait=soon`, { type: 'user_input', fields: { password: secret('pw') } }],
      ];
      for (const [what, method, url, body, headers] of bad) {
        const r = await api(what, method, url, body, headers);
        assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status}`);
      }
      // A token put in the query string (a client's mistake) is not logged with the URL.
      const inQuery = secret('query');
      answers.push({ what: 'token in the query', text: (await call('GET', `/v1/accounts?access_token=${inQuery}&token=${inQuery}`)).text });
      // A guessed token is a secret of its guesser.
      const guess = `bl_${secret('guess')}`;
      answers.push({ what: 'guessed token', text: (await call('GET', '/v1/accounts', undefined, { authorization: `Bearer ${guess}` })).text });
      // Malformed HTTP carrying a token and a password: the parser's error holds the raw bytes.
      const port = Number(new URL(server.url).port);
      const raw = await rawRequest(port, [
        `POST ${stepURL(open, 'demo.password')} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `30\r\n{"type":"user_input","fields":{"password":"${secret('raw')}"\r\nzz\r\n`,
      ]);
      answers.push({ what: 'malformed HTTP', text: raw.responses.map((r) => r.body).join('\n') });
      const headerJunk = await rawRequest(port, [`GET /v1/accounts HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nX-Note: ${secret('hdr')}\r\nBad Header\r\n\r\n`]);
      answers.push({ what: 'malformed header', text: headerJunk.responses.map((r) => r.body).join('\n') });

      // No answer echoes a submitted secret.
      for (const s of secrets.filter((x) => x !== issued)) {
        const echoed = answers.filter((a) => a.text.includes(s)).map((a) => a.what);
        assert.deepEqual(echoed, [], `${s} echoed by`);
      }

      // Nothing the server wrote holds a secret or a token: its output, and every file of its
      // data directory (database, WAL and shared memory while it runs; the database after it stops).
      const check = (moment: string): void => {
        const places = [{ name: 'server output', bytes: Buffer.from(server!.output()) }, ...filesUnder(dir).map((f) => ({ name: path.basename(f.file), bytes: f.bytes }))];
        assert.ok(places.some((p) => p.name.endsWith('-wal')) || moment === 'after stop', 'the WAL is searched while the server runs');
        for (const s of secrets) assert.deepEqual(whereFound(s, places), [], `${moment}: ${s}`);
        assert.deepEqual(whereFound(scanToken, places.slice(0, 1)), [], `${moment}: a QR scan token in the log`);
        assert.deepEqual(whereFound(token, places), [], `${moment}: a token made by token create`);
        assert.deepEqual(whereFound(guess, places), [], `${moment}: a guessed token`);
        // The first token is in its owner-only file, and in the lines the first start printed.
        const firstAt = whereFound(firstToken, places).sort();
        assert.deepEqual(firstAt, ['access-token', 'server output'], `${moment}: the first token`);
        const logLines = server!.output().split('\n').filter(isLogLine);
        assert.ok(logLines.length > 50, 'trace logging was on');
        assert.ok(!logLines.some((l) => l.includes(firstToken)), `${moment}: the first token in a log line`);
      };
      check('while running');
      // The trace log did see the requests (so the search above looked at something real).
      assert.match(server.output(), /"url":"\/v1\/bridges\/demo\/login-sessions\//);
      await server.stop('SIGTERM');
      check('after stop');

      // The database holds tokens only as SHA-256 hashes.
      const db = new Database(path.join(dir, 'bridge-login.sqlite'), { readonly: true });
      try {
        const rows = db.prepare('SELECT * FROM tokens').all() as { hash: string }[];
        const sha = (t: string) => createHash('sha256').update(t).digest('hex');
        assert.deepEqual(rows.map((r) => r.hash).sort(), [sha(firstToken), sha(token)].sort());
        // The demo cookie is kept the same way (and was used up).
        assert.equal((db.prepare('SELECT count(*) AS n FROM demo_cookies').get() as { n: number }).n, 0);
      } finally {
        db.close();
      }

      // A later start prints no token: only the start that created it did.
      server = await startChildServer(dir, ['--log-level', 'trace', '--log-format', format]);
      await fetch(`${server.url}/v1/accounts`, { headers: { authorization: `Bearer ${firstToken}` } });
      assert.ok(!server.output().includes(firstToken), 'a restart printed the first token again');
      assert.ok(!server.output().includes(token));
    } finally {
      await server?.stop('SIGTERM');
      remove();
    }
  });
}

test('other users on the machine: the data directory and every file in it are the owner\'s alone', async () => {
  const umask = process.umask(0o022); // the usual default, under which new files are world-readable
  const { dir, remove } = tempDir();
  const out = { write: () => true } as unknown as NodeJS.WritableStream;
  const start = (dataDir: string) => startServer(loadConfig({ port: 0, dataDir, logLevel: 'silent' }, {}), out);
  try {
    // A fresh data directory.
    const fresh = path.join(dir, 'fresh');
    let app = await start(fresh);
    const token = readFileSync(path.join(fresh, 'access-token'), 'utf8').trim();
    const r = await app.fastify.inject({ method: 'POST', url: '/v1/bridges/demo/login-sessions', headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.statusCode, 200);
    const modes = () => Object.fromEntries(readdirSync(fresh).map((f) => [f, statSync(path.join(fresh, f)).mode & 0o777]));
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    assert.ok(Object.keys(modes()).some((f) => f.endsWith('-wal')));
    for (const [f, mode] of Object.entries(modes())) assert.equal(mode & 0o077, 0, `${f} is ${mode.toString(8)}`);
    await app.close();

    // A directory made by hand, with files left world-readable by an older version, and a symlink
    // planted where the token file goes.
    const old = path.join(dir, 'old');
    mkdirSync(old, { mode: 0o700 });
    const db = openDatabase(path.join(old, 'bridge-login.sqlite'));
    db.close();
    chmodSync(path.join(old, 'bridge-login.sqlite'), 0o644);
    const elsewhere = path.join(dir, 'elsewhere');
    writeFileSync(elsewhere, '', { mode: 0o644 });
    symlinkSync(elsewhere, path.join(old, 'access-token'));
    app = await start(old);
    await app.close();
    assert.equal(statSync(path.join(old, 'bridge-login.sqlite')).mode & 0o077, 0, 'the old database is tightened');
    assert.ok(lstatSync(path.join(old, 'access-token')).isFile(), 'the token file is a new regular file');
    assert.equal(statSync(path.join(old, 'access-token')).mode & 0o777, 0o600);
    assert.equal(readFileSync(elsewhere, 'utf8'), '', 'the token was not written through the planted symlink');

    // A data directory others can write to is refused: they could swap the database and its tokens.
    for (const mode of [0o777, 0o775, 0o1777]) {
      const shared = path.join(dir, `shared-${mode.toString(8)}`);
      mkdirSync(shared);
      chmodSync(shared, mode);
      await assert.rejects(start(shared), /writable by other users/);
    }
  } finally {
    process.umask(umask);
    remove();
  }
});

/** A bridge that echoes what it is given wherever it can: instructions, field values, errors. */
class EchoBridge implements Bridge {
  readonly descriptor: BridgeDescriptor = { id: 'echo', type: 'echo', displayName: 'Echo', provider: 'local', supportsMultipleAccounts: true, enabled: true, removeScopes: ['all-devices'] };
  received: string[] = [];
  async health() {
    return { reachable: true };
  }
  async flows() {
    return [{ id: 'echo' }];
  }
  async capabilities() {
    return { group_creation: {}, resolve_identifier: { any_phone: false, contact_list: false, create_dm: false, lookup_email: false, lookup_phone: false, lookup_username: false, search: false } };
  }
  async liveLogins() {
    return undefined;
  }
  async startLogin(): Promise<{ process: LoginProcess; first: StepOutcome }> {
    let round = 0;
    // What it last answered, as it answered it: its resume state, as a bridgev2 process keeps the
    // bridge's last step. The server stores resume states with unfinished sessions.
    let lastAnswer: unknown;
    const answer = (outcome: StepOutcome): StepOutcome => ((lastAnswer = structuredClone(outcome)), outcome);
    const process: LoginProcess = {
      submit: async (input) => {
        const v = Object.values(input);
        this.received.push(...v);
        round++;
        if (round === 1) {
          return answer({ kind: 'step', step: { type: 'user_input', stepID: 'echo.2', instructions: `You typed ${v.join(' and ')}`, fields: [{ id: 'code', type: 'code', initialValue: v.join(','), placeholder: v[1]! }] } });
        }
        if (round === 2) return answer({ kind: 'step', step: { type: 'cookies', stepID: 'echo.3', url: `https://x.example/?p=${v[0]}`, fields: [{ id: 'c', name: 'c' }], instructions: `code ${v[0]}` } });
        if (round === 3) return answer({ kind: 'failed', error: { code: 'bridge_says_no', message: `cookie ${v[0]} refused`, details: { input: v, nested: [{ again: v[0] }] } } });
        throw new Error(`unreachable ${v.join()}`);
      },
      wait: () => Promise.reject(new Error('nothing to wait for')),
      cancel: async () => {},
      resumeState: () => ({ round, lastAnswer }),
    };
    return { process, first: { kind: 'step', step: { type: 'user_input', stepID: 'echo.1', fields: [{ id: 'user', type: 'text' }, { id: 'pass', type: 'password' }] } } };
  }
  async logout() {}
}

/** A bridge whose submit throws an error naming what it was given. */
class ThrowingBridge extends EchoBridge {
  override readonly descriptor: BridgeDescriptor = { ...new EchoBridge().descriptor, id: 'thrower' };
  override async startLogin(): Promise<{ process: LoginProcess; first: StepOutcome }> {
    const { first } = await super.startLogin();
    const process: LoginProcess = {
      submit: async (input) => {
        throw new Error(`cannot log in with password ${input.pass}`);
      },
      wait: () => Promise.reject(new Error('nothing to wait for')),
      cancel: async () => {},
    };
    return { process, first };
  }
}

test('a bridge that echoes the secrets it was given: they are neither stored nor shown again', async () => {
  const { dir, remove } = tempDir();
  const echo = new EchoBridge();
  const s = await startTestServer({ dataDir: dir, bridges: [echo, new ThrowingBridge()] });
  try {
    const pass = `Zqpass${randomBytes(6).toString('hex')}Zq`;
    const code = `Zqcode${randomBytes(6).toString('hex')}Zq`;
    const cookie = `Zqcookie${randomBytes(6).toString('hex')}Zq`;
    const answers: string[] = [];
    const c = await s.api('POST', '/v1/bridges/echo/login-sessions', {});
    const base = `/v1/bridges/echo/login-sessions/${c.body.loginSessionID}`;
    answers.push((await s.api('POST', `${base}/steps/echo.1`, { type: 'user_input', fields: { user: 'echo-user', pass } })).text);
    answers.push((await s.api('POST', `${base}/steps/echo.2`, { type: 'user_input', fields: { code } })).text);
    const last = await s.api('POST', `${base}/steps/echo.3`, { type: 'cookies', fields: { c: cookie } });
    answers.push(last.text);
    assert.equal(last.body.error.code, 'bridge_says_no');
    assert.deepEqual(echo.received, ['echo-user', pass, code, cookie], 'the bridge did get them');
    assert.match(answers[0]!, /You typed echo-user and \[redacted\]/, 'what is not secret stays');
    answers.push((await s.api('GET', base)).text);
    const t = await s.api('POST', '/v1/bridges/thrower/login-sessions', {});
    answers.push((await s.api('POST', `/v1/bridges/thrower/login-sessions/${t.body.loginSessionID}/steps/echo.1`, { type: 'user_input', fields: { user: 'u', pass } })).text);
    assert.match(answers.at(-1)!, /bridge_error/);
    s.app.db.pragma('wal_checkpoint(PASSIVE)');
    const places = [...answers.map((text, i) => ({ name: `answer ${i}`, bytes: Buffer.from(text) })), ...filesUnder(dir).map((f) => ({ name: path.basename(f.file), bytes: f.bytes }))];
    for (const secretValue of [pass, code, cookie]) assert.deepEqual(whereFound(secretValue, places), [], secretValue);
  } finally {
    await s.close();
    remove();
  }
});
