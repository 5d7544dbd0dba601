/**
 * Test support: a real Synapse homeserver on 127.0.0.1, for the tests that need one
 * (`npm run test:people`; `scripts/install-synapse.sh` installs it). Each start gets a fresh
 * folder with a generated config (SQLite, no federation but the OpenID userinfo endpoint, rate
 * limits out of the way), and people are registered through the shared-secret admin API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface Synapse {
  /** Client-server and OpenID base URL, `http://127.0.0.1:PORT`. */
  baseURL: string;
  serverName: string;
  /** Milliseconds from spawning the process to its first answer. */
  startMs: number;
  /** Register a person with a password; returns their MXID. */
  register(localpart: string, password: string): Promise<string>;
  /** Log in with a password; returns a Matrix access token. */
  login(localpart: string, password: string): Promise<string>;
  /** Ask for an OpenID token as the person whose access token this is. */
  requestOpenID(accessToken: string, userID: string): Promise<{ access_token: string; matrix_server_name: string; expires_in: number }>;
  /**
   * Let an OpenID token's lifetime run out now: Synapse issues them for a fixed hour (no config
   * shortens it), so its expiry in Synapse's own database is moved to the past, which Synapse's
   * userinfo check (`now <= ts_valid_until_ms`) then sees exactly as an hour gone by.
   */
  expireOpenID(token: string): void;
  stop(): Promise<void>;
}

/** The virtualenv scripts/install-synapse.sh fills. */
export function synapseVenv(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return process.env.SYNAPSE_VENV ?? path.join(cache, 'bridge-login', 'synapse-venv');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function config(dir: string, serverName: string, port: number, sharedSecret: string): string {
  const high = { per_second: 1000, burst_count: 1000 };
  const doc = {
    server_name: serverName,
    pid_file: path.join(dir, 'homeserver.pid'),
    listeners: [{ port, bind_addresses: ['127.0.0.1'], type: 'http', tls: false, x_forwarded: false, resources: [{ names: ['client', 'openid'], compress: false }] }],
    database: { name: 'sqlite3', args: { database: path.join(dir, 'homeserver.db') } },
    media_store_path: path.join(dir, 'media'),
    signing_key_path: path.join(dir, 'signing.key'),
    registration_shared_secret: sharedSecret,
    macaroon_secret_key: randomBytes(24).toString('hex'),
    form_secret: randomBytes(24).toString('hex'),
    report_stats: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    enable_registration: false,
    federation_domain_whitelist: [],
    rc_login: { address: high, account: high, failed_attempts: high },
    rc_registration: high,
    rc_message: high,
    // JSON is YAML: no YAML writer needed.
  };
  return JSON.stringify(doc, null, 2);
}

/** Start Synapse; rejects (with the end of its log) when it does not answer within a minute. */
export async function startSynapse(opts: { serverName?: string } = {}): Promise<Synapse> {
  const python = path.join(synapseVenv(), 'bin', 'python');
  if (!existsSync(python)) throw new Error(`Synapse is not installed in ${synapseVenv()}; run scripts/install-synapse.sh`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-login-synapse-'));
  const port = await freePort();
  const serverName = opts.serverName ?? 'people.test';
  const sharedSecret = randomBytes(24).toString('hex');
  writeFileSync(path.join(dir, 'homeserver.yaml'), config(dir, serverName, port, sharedSecret));
  // Synapse reads an unpadded base64 ed25519 seed; writing one saves a --generate-keys run.
  writeFileSync(path.join(dir, 'signing.key'), `ed25519 a_test ${randomBytes(32).toString('base64').replace(/=+$/, '')}\n`);
  const logFile = path.join(dir, 'synapse.log');
  const log = createWriteStream(logFile);
  const started = performance.now();
  const child: ChildProcess = spawn(python, ['-m', 'synapse.app.homeserver', '-c', path.join(dir, 'homeserver.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAnswering(baseURL, exited);
  } catch (err) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
  }
  const startMs = performance.now() - started;

  const post = async (urlPath: string, body: unknown, token?: string): Promise<any> => {
    const res = await fetch(baseURL + urlPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`Synapse ${urlPath}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  return {
    baseURL,
    serverName,
    startMs,
    async register(localpart, password) {
      const { nonce } = (await (await fetch(`${baseURL}/_synapse/admin/v1/register`)).json()) as { nonce: string };
      const mac = createHmac('sha1', sharedSecret).update([nonce, localpart, password, 'notadmin'].join('\0')).digest('hex');
      const r = await post('/_synapse/admin/v1/register', { nonce, username: localpart, password, admin: false, mac });
      return r.user_id as string;
    },
    async login(localpart, password) {
      const r = await post('/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password });
      return r.access_token as string;
    },
    requestOpenID: (accessToken, userID) => post(`/_matrix/client/v3/user/${encodeURIComponent(userID)}/openid/request_token`, {}, accessToken),
    expireOpenID(token) {
      // Synapse keeps the database in WAL mode: this short write waits for its own, if any.
      const db = new Database(path.join(dir, 'homeserver.db'), { timeout: 10_000 });
      try {
        const { changes } = db.prepare('UPDATE open_id_tokens SET ts_valid_until_ms = ? WHERE token = ?').run(Date.now() - 1, token);
        if (changes !== 1) throw new Error('Synapse has no such OpenID token');
      } finally {
        db.close();
      }
    },
    stop,
  };
}

/** Poll `/_matrix/client/versions` until it answers, the process exits, or a minute passes. */
async function waitUntilAnswering(baseURL: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('Synapse exited during start');
    try {
      const res = await fetch(`${baseURL}/_matrix/client/versions`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Synapse did not answer within a minute');
}
