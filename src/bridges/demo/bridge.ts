/**
 * @module bridges/demo
 * The embedded demo bridge (`api.md` §7): a complete, network-free bridge whose logins live in
 * this server's database, so that a login works with nothing else installed.
 */
import type { Clock } from '../../clock.ts';
import type { DemoCookieStorage, DemoPairingStorage, LoginStorage } from '../../store/storage.ts';
import type { Bridge, BridgeDescriptor, InteractiveStep, LoginFlow, LoginProcess, ProvisioningCapabilities, StartLoginOptions, StepOutcome } from '../types.ts';
import { UnknownLoginError } from '../types.ts';
import { PasswordProcess, isPasswordState, passwordStep } from './password.ts';
import { CodeProcess, QrProcess, isDisplayState, type DisplayResumeState, type QrOptions } from './display.ts';
import { CookieProcess, DemoCookies, cookiesStep } from './cookies.ts';
import { Pairings, type RandomBytes } from './pairings.ts';

export const DEMO_BRIDGE_ID = 'demo';

export interface DemoBridgeOptions {
  clock: Clock;
  logins: LoginStorage;
  /** Where issued sign-in cookies are kept. */
  cookieStore: DemoCookieStorage;
  /** The server's own base URL (known once it listens), for the QR and sign-in URLs. */
  baseURL: () => string;
  /** How often a QR code is replaced, and how many are shown before the login times out. */
  qrRefreshMs: number;
  maxQRCodes: number;
  /** Random bytes for scan tokens and pairing codes; `crypto.randomBytes` by default. */
  random?: RandomBytes;
  /** Most issued sign-in cookies kept at once (the oldest go first); 1,000 by default. */
  maxCookies?: number;
  /**
   * Whether password and cookie logins resume on another instance (several instances on
   * PostgreSQL). Off for one process, where a restart interrupts them as it always did.
   */
  resumable?: boolean;
  /** Where QR tokens and pairing codes are shared by several instances; memory when absent. */
  pairingStore?: DemoPairingStorage;
  /** Where a failed shared-token query is reported. */
  onError?: (err: unknown) => void;
}

export const DEMO_FLOWS: readonly LoginFlow[] = [
  { id: 'password', name: 'Password', description: 'Sign in with a username and password.' },
  { id: 'password-2fa', name: 'Password and code', description: 'Sign in with a password, then a two-factor code.' },
  { id: 'qr', name: 'QR code', description: 'Scan a QR code with the Demo Chat phone app.' },
  { id: 'code', name: 'Pairing code', description: 'Type a pairing code on the link page.' },
  { id: 'cookies', name: 'Sign-in page', description: 'Sign in on a web page and hand over its session cookie.' },
];

const CAPABILITIES: ProvisioningCapabilities = {
  group_creation: {},
  resolve_identifier: {
    any_phone: false,
    contact_list: true,
    create_dm: true,
    lookup_email: false,
    lookup_phone: false,
    lookup_username: true,
    search: true,
  },
};

export class DemoBridge implements Bridge {
  readonly descriptor: BridgeDescriptor = {
    id: DEMO_BRIDGE_ID,
    type: 'demo',
    displayName: 'Demo Chat',
    provider: 'local',
    network: 'Demo',
    supportsMultipleAccounts: true,
    enabled: true,
    removeScopes: ['current-device', 'all-devices'],
  };

  /** Scan tokens and pairing codes the `/demo/*` pages can complete. */
  readonly pairings: Pairings;
  /** Session cookies issued by `/demo/sign-in`. */
  readonly cookies: DemoCookies;

  constructor(private readonly opts: DemoBridgeOptions) {
    this.cookies = new DemoCookies(opts.cookieStore, opts.clock, opts.maxCookies);
    this.pairings = new Pairings(opts.random, opts.pairingStore && { store: opts.pairingStore, clock: opts.clock, onError: opts.onError });
  }

  private qrOptions(): QrOptions {
    const { clock, baseURL, qrRefreshMs: refreshMs, maxQRCodes: maxCodes, resumable } = this.opts;
    return { clock, pairings: this.pairings, baseURL, refreshMs, maxCodes, resumable, live: this.liveQr };
  }

  /** Running QR logins, whose refresh timers stop when the bridge closes. */
  private readonly liveQr = new Set<{ halt(): void }>();

  /** Stop the cookies' scheduled purge, the QR refresh timers and the polls for shared codes. */
  async close(): Promise<void> {
    this.cookies.close();
    for (const p of [...this.liveQr]) p.halt();
    this.pairings.stop();
  }

  async health() {
    return { reachable: true };
  }

  async flows(): Promise<LoginFlow[]> {
    return DEMO_FLOWS.map((f) => ({ ...f }));
  }

  async capabilities(): Promise<ProvisioningCapabilities> {
    return structuredClone(CAPABILITIES);
  }

  /** The demo bridge's logins are the server's stored ones. */
  async liveLogins(): Promise<undefined> {
    return undefined;
  }

  async startLogin(options: StartLoginOptions): Promise<{ process: LoginProcess; first: StepOutcome }> {
    let username: string | undefined;
    if (options.loginID !== undefined) {
      // Each person's demo logins are their own (api.md §10): '' keys the owner's.
      const login = await this.opts.logins.get(DEMO_BRIDGE_ID, options.loginID, options.actingUserID ?? '');
      if (!login) throw new UnknownLoginError(`login "${options.loginID}" does not exist on the demo bridge`);
      username = login.user.username;
    }
    switch (options.flowID) {
      case 'password':
      case 'password-2fa':
        return { process: new PasswordProcess(options.flowID === 'password-2fa', this.opts.resumable), first: { kind: 'step', step: passwordStep(username) } };
      case 'qr':
        return QrProcess.start(this.qrOptions());
      case 'code':
        return CodeProcess.start(this.pairings, this.opts.baseURL, this.opts.resumable);
      case 'cookies':
        return { process: new CookieProcess(this.cookies, this.opts.resumable), first: { kind: 'step', step: cookiesStep(this.opts.baseURL()) } };
      default:
        return { process: new PasswordProcess(false), first: { kind: 'failed', error: { code: 'bridge_error', message: `unknown flow "${options.flowID}"` } } };
    }
  }

  /**
   * Resume a login another instance (or the last process) left: the password and cookie flows
   * from their stored state; a QR or pairing-code login keeps waiting (on the database) for the
   * code the dead driver showed.
   */
  async resumeLogin(state: unknown, current?: InteractiveStep): Promise<LoginProcess | undefined> {
    if (!this.opts.resumable) return undefined;
    if (isDisplayState(state)) return this.resumeDisplay(state, current);
    if (isPasswordState(state)) return PasswordProcess.resume(state);
    if ((state as { kind?: unknown } | null)?.kind === 'cookies') return new CookieProcess(this.cookies, true);
    return undefined;
  }

  private async resumeDisplay(state: DisplayResumeState, current?: InteractiveStep): Promise<LoginProcess | undefined> {
    if (state.kind === 'code') return CodeProcess.resume(this.pairings, state);
    const shownUntil = current?.type === 'display_and_wait' ? Date.parse(('expiresAt' in current.display ? (current.display.expiresAt ?? '') : '')) : NaN;
    const expiresAt = Number.isFinite(shownUntil) ? shownUntil : this.opts.clock.now();
    return QrProcess.resume(this.qrOptions(), state, expiresAt);
  }

  /** Logging out of the demo network has nothing remote to do. */
  async logout(): Promise<void> {}
}
