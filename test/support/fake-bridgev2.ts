/**
 * @module test/support/fake-bridgev2
 * A fake mautrix bridgev2 provisioning API on an ephemeral 127.0.0.1 port, following the
 * protocol notes (`bridgev2-provisioning.md`) §11 "Fake server": shared-secret auth with
 * `user_id` and the login permission, the error shapes of §3, the §6 step manager, the
 * dummybridge flows of §10 plus a refreshing `qr` flow, whoami/logins/logout/capabilities, and
 * `generation` modes for older mautrix-go versions (docs/bridgev2.md §5). Tests drive waiting
 * steps through hooks
 * (`scanQR`, `refreshDisplay`, `failProcess`) and break things on purpose (`dropPolls`, `down`,
 * `hang`).
 *
 * @example
 * const fake = await startFakeBridgev2({ clock });
 * // … point the connector at fake.url with fake.sharedSecret and fake.userID …
 * await fake.waitForPoll(processID);
 * fake.scanQR(processID, { username: 'alice' });
 * await fake.close();
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/clock.ts';
import { DUMMY_FLOWS, EXTRA_FLOWS, type Credentials, type FakeFlow } from './fake-bridgev2/flows.ts';
import { errors, type RespError } from './fake-bridgev2/resp-error.ts';
import { FakeLogins, type FakeBridgeState, type FakeUserLogin } from './fake-bridgev2/state.ts';
import { StepManager, xid, type Result } from './fake-bridgev2/step-manager.ts';
import { defaultCapabilities, isJSON, matchRoute, parseStringMap, readBody, requestSignal } from './fake-bridgev2/http-util.ts';

export { RespError } from './fake-bridgev2/resp-error.ts';
export type { FakeUserLogin, FakeBridgeState } from './fake-bridgev2/state.ts';

export type FakeGeneration = 'v0.30' | 'v0.29' | 'v0.26.3' | 'v0.26.0';

export type PermissionLevel = 'block' | 'relay' | 'commands' | 'user' | 'admin';

export interface FakeBridgev2Options {
  /** Drives the 30-minute process deadline. Default: the system clock. */
  clock?: Clock;
  /** Default: 32 random characters. Shorter than 16 characters disables the API (403). */
  sharedSecret?: string;
  /** Emulate a bridge older than v0.28.1 (notes §9); the same as `generation: 'v0.26.3'`. */
  legacy?: boolean;
  /**
   * The mautrix-go generation to emulate, as the real-bridge tests observed it (docs/bridgev2.md):
   * - `v0.30` (default): `txn_id`, replay and join, 403/410 statuses;
   * - `v0.29` (v0.28.1–v0.29.x): cancel and the deadline, no `txn_id`, a repeated POST joins the
   *   running step, `FI.MAU.BRIDGE.*` are 500;
   * - `v0.26.3` (v0.26.3–v0.28.0): a step runs inside its request, no cancel endpoint;
   * - `v0.26.0` (before v0.26.3): as `v0.26.3`, and finished or failed processes are kept, so a
   *   lost completion reads `M_BAD_STATE` and a dropped wait can be sent again.
   */
  generation?: FakeGeneration;
  /** `max_logins` of the permission; 0 = unlimited (default). */
  maxLogins?: number;
  /** Bridge `permissions`: MXID, domain or `*` → level. Default `{'*': 'relay', 'example.com': 'user'}`. */
  permissions?: Record<string, PermissionLevel>;
  /**
   * Answer a re-attach to a running step with the current step at once when the previous step
   * had the same id (the literal reading of notes §6.2 step 3), instead of joining the wait (§12).
   */
  literalReplay?: boolean;
  /** `provisioning.fail_on_webauthn`. */
  failOnWebauthn?: boolean;
  /** Also list the flows that yield unsupported steps (`webauthn`, `request-body-cookie`). */
  extraFlows?: boolean;
  /** Logins are CONNECTED at once (the dummybridge sends it asynchronously: default `""`). */
  autoConnect?: boolean;
  /** `/v3/capabilities` answer. */
  capabilities?: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  /** Below `/_matrix/provision`, e.g. `/v3/login/start/password`. */
  path: string;
  query: Record<string, string>;
}

const PREFIX = '/_matrix/provision';
const LOGIN_LEVELS = new Set<PermissionLevel>(['user', 'admin']);
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};

/** Starts a fake bridge on `127.0.0.1:0`. */
export async function startFakeBridgev2(options: FakeBridgev2Options = {}): Promise<FakeBridgev2> {
  const fake = new FakeBridgev2(options);
  await fake.up();
  return fake;
}

export class FakeBridgev2 {
  readonly sharedSecret: string;
  /** A user with `user` level under the default permissions. */
  readonly userID = '@alice:example.com';
  /** A step runs inside its request and there is no cancel endpoint (before v0.28.1). */
  readonly legacy: boolean;
  readonly generation: FakeGeneration;
  readonly logins: FakeLogins;
  readonly manager: StepManager;
  /** Every request that passed auth, in order (no headers: they hold the secret). */
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #options: FakeBridgev2Options;
  readonly #flows: FakeFlow[];
  readonly #hung = new Set<ServerResponse>();
  #hang = false;
  #loseAnswers = 0;
  #port = 0;

  constructor(options: FakeBridgev2Options = {}) {
    this.#options = options;
    const clock = options.clock ?? systemClock;
    this.sharedSecret = options.sharedSecret ?? randomBytes(24).toString('base64url');
    this.generation = options.generation ?? (options.legacy ? 'v0.26.3' : 'v0.30');
    this.legacy = this.generation === 'v0.26.3' || this.generation === 'v0.26.0';
    this.logins = new FakeLogins({ autoConnect: options.autoConnect ?? false, now: () => clock.now() });
    this.manager = new StepManager({
      legacy: this.legacy,
      txn: this.generation === 'v0.30',
      oldStatus: this.generation !== 'v0.30',
      keepsFinished: this.generation === 'v0.26.0',
      literalReplay: options.literalReplay ?? false,
      failOnWebauthn: options.failOnWebauthn ?? false,
      maxLogins: options.maxLogins ?? 0,
      clock,
      logins: this.logins,
    });
    this.#flows = [...DUMMY_FLOWS, ...(options.extraFlows ? EXTRA_FLOWS : [])];
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.#send(res, 500, { errcode: 'M_UNKNOWN', error: `fake bridge bug: ${String(error)}` });
      });
    });
  }

  /** Base URL to configure: `http://127.0.0.1:<port>/_matrix/provision`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}${PREFIX}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Starts listening (again, on the same port after {@link down}). */
  up(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** The bridge dies: the listener closes, open connections drop, login processes are lost. */
  down(): Promise<void> {
    this.manager.stopAll();
    this.#hung.clear();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  close(): Promise<void> {
    return this.#server.listening ? this.down() : Promise.resolve();
  }

  /** While on, requests are read and never answered (a hung bridge or proxy). */
  hang(on = true): void {
    this.#hang = on;
  }

  // ---- hooks for waiting steps -----------------------------------------------------------------

  /** The phone scans the QR (or the pairing code is entered): the waiting step completes. */
  scanQR(processID: string, creds: Credentials): void {
    this.manager.act(processID, { kind: 'scan', creds });
  }

  /** The QR code (or pairing code) is replaced: the wait answers with a new display step. */
  refreshDisplay(processID: string): void {
    this.manager.act(processID, { kind: 'refresh' });
  }

  /**
   * The connector fails the process: a waiting step now, an input step at its next submit.
   * A {@link RespError} passes through typed; anything else becomes 500 `M_UNKNOWN`.
   */
  failProcess(processID: string, error: unknown): void {
    this.manager.act(processID, { kind: 'fail', error });
  }

  /** The next `/login/start` fails with `error`. */
  failNextStart(error: unknown): void {
    this.manager.failNextStart(error);
  }

  /** Drops (destroys the sockets of) the requests waiting on a process; returns how many. */
  dropPolls(processID: string): number {
    return this.manager.dropAttached(processID);
  }

  /**
   * The answers to the next `count` step requests are lost: the step runs, then the connection
   * drops instead of the answer (what a client sees when a proxy or the network fails late).
   */
  loseNextAnswers(count = 1): void {
    this.#loseAnswers = count;
  }

  /** Resolves once a request is waiting on the process (a long-poll is attached). */
  waitForPoll(processID: string, timeoutMs = 2_000): Promise<void> {
    const proc = this.manager.processes.get(processID);
    if (proc && proc.attached.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAttached = (id: string): void => {
        if (id !== processID) return;
        clearTimeout(timer);
        this.manager.events.off('attached', onAttached);
        resolve();
      };
      const timer = setTimeout(() => {
        this.manager.events.off('attached', onAttached);
        reject(new Error(`fake bridge: no request waited on process ${processID} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.manager.events.on('attached', onAttached);
    });
  }

  /** How many times the connector ran a step of this process (a join does not run it again). */
  executions(processID: string): number {
    return this.manager.history.get(processID)?.executions ?? 0;
  }

  processIDs(): string[] {
    return [...this.manager.processes.keys()];
  }

  // ---- login state -----------------------------------------------------------------------------

  loginIDs(userID = this.userID): string[] {
    return this.logins.of(userID).map((l) => l.id);
  }

  addLogin(login: Partial<FakeUserLogin> & { id: string }): FakeUserLogin {
    const full: FakeUserLogin = {
      userID: this.userID,
      name: login.id,
      profile: {},
      state: { state_event: '', timestamp: 0, ttl: 0 },
      ...login,
    };
    this.logins.add(full);
    return full;
  }

  setLoginState(loginID: string, state: Partial<FakeBridgeState>): void {
    const login = this.logins.get(loginID);
    if (!login) throw new Error(`fake bridge: no login ${loginID}`);
    login.state = { state_event: '', timestamp: 0, ttl: 21600, ...state };
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (method === 'OPTIONS') return this.#send(res, 200, {});
    if (!url.pathname.startsWith(`${PREFIX}/`)) return this.#error(res, errors.unrecognizedEndpoint());
    const path = url.pathname.slice(PREFIX.length);
    const query = Object.fromEntries(url.searchParams);

    const authError = this.#authenticate(req, query.user_id);
    if (authError) return this.#error(res, authError);
    const userID = query.user_id as string;
    this.requests.push({ method, path, query });
    if (this.#hang) {
      this.#hung.add(res);
      return;
    }

    const parts = path.split('/').slice(1).map(decodeURIComponent);
    const route = matchRoute(parts);
    if (!route) return this.#error(res, errors.unrecognizedEndpoint());
    if (route.method !== method) return this.#error(res, errors.invalidMethod());
    const request = requestSignal(res);

    switch (route.name) {
      case 'whoami':
        return this.#send(res, 200, this.#whoami(userID));
      case 'flows':
        return this.#send(res, 200, { flows: this.#flows });
      case 'logins':
        return this.#send(res, 200, { login_ids: this.loginIDs(userID) });
      case 'capabilities':
        return this.#send(res, 200, this.#options.capabilities ?? defaultCapabilities());
      case 'start':
        return this.#reply(res, await this.manager.start(userID, route.args[0] ?? '', query.login_id, request));
      case 'step': {
        const result = await this.#step(route.args, query.txn_id, body, request, res);
        if (this.#loseAnswers > 0) {
          this.#loseAnswers--;
          res.socket?.destroy();
          return;
        }
        return this.#reply(res, result);
      }
      case 'cancel':
        if (this.legacy) return this.#error(res, errors.unrecognizedEndpoint());
        return this.#reply(res, this.manager.cancel(route.args[0] ?? ''));
      case 'logout':
        return this.#reply(res, this.#logout(userID, route.args[0] ?? ''));
    }
  }

  /** §2: shared secret (bare or Bearer), then `user_id`, then the `login` permission. */
  #authenticate(req: IncomingMessage, userID: string | undefined): RespError | undefined {
    if (this.sharedSecret.length < 16 || this.sharedSecret === 'disable') return errors.disabled();
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!token) return errors.missingToken();
    const given = Buffer.from(token);
    const secret = Buffer.from(this.sharedSecret);
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) return errors.unknownToken();
    const match = /^@[^:]+:(.+)$/.exec(userID ?? '');
    if (!userID || !match) return errors.failedToGetUser();
    const permissions = this.#options.permissions ?? { '*': 'relay', 'example.com': 'user' };
    const level = permissions[userID] ?? permissions[match[1] ?? ''] ?? permissions['*'] ?? 'block';
    return LOGIN_LEVELS.has(level) ? undefined : errors.noLoginPermission();
  }

  async #step(args: string[], txnID: string | undefined, body: string, signal: AbortSignal, res: ServerResponse): Promise<Result> {
    const [processID = '', stepID = '', stepType = ''] = args;
    const proc = this.manager.processes.get(processID);
    if (!proc) return { err: errors.loginNotFound() };
    let params: Record<string, string> = {};
    switch (stepType) {
      case 'user_input':
      case 'cookies': {
        const parsed = parseStringMap(body);
        if (!parsed) return { err: errors.notJSON() };
        params = parsed;
        break;
      }
      case 'webauthn':
        if (this.legacy) return { err: errors.invalidStepType(stepType) };
        if (!isJSON(body)) return { err: errors.notJSON('Request body is not valid JSON') };
        break;
      case 'display_and_wait':
        break;
      case 'complete':
        return { err: errors.alreadyFinished(this.generation !== 'v0.30') };
      default:
        return { err: errors.invalidStepType(stepType) };
    }
    return this.manager.step(proc, { stepID, stepType, txnID: this.generation === 'v0.30' ? txnID : undefined, body: params, signal }, res);
  }

  #logout(userID: string, loginID: string): Result {
    const own = this.logins.of(userID);
    if (loginID === 'all') {
      for (const login of own) this.logins.delete(login.id);
      return { ok: {} };
    }
    if (!own.some((l) => l.id === loginID)) return { err: errors.loginNotFound() };
    this.logins.delete(loginID);
    return { ok: {} };
  }

  #whoami(userID: string): Record<string, unknown> {
    return {
      network: {
        displayname: 'Dummy',
        network_url: 'https://example.com',
        network_icon: 'mxc://example.com/dummy',
        network_id: 'dummy',
        beeper_bridge_type: 'beeper.com/dummy',
      },
      login_flows: this.#flows,
      homeserver: 'example.com',
      bridge_bot: '@dummybot:example.com',
      command_prefix: '!dummy',
      logins: this.logins.of(userID).map((l) => FakeLogins.toWhoami(l)),
    };
  }

  #reply(res: ServerResponse, result: Result): void {
    if ('err' in result) this.#error(res, result.err);
    else this.#send(res, 200, result.ok);
  }

  #error(res: ServerResponse, error: RespError): void {
    this.#send(res, error.status, error.body());
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': xid(), ...CORS_HEADERS });
    res.end(JSON.stringify(body));
  }
}
