/**
 * @module bridges/demo
 * The embedded demo bridge (`api.md` §7): a complete, network-free bridge whose logins live in
 * this server's database, so that a login works with nothing else installed.
 */
import type { Clock } from '../../clock.ts';
import type { LoginStore } from '../../store/logins.ts';
import type { Bridge, BridgeDescriptor, LoginFlow, LoginProcess, ProvisioningCapabilities, StartLoginOptions, StepOutcome } from '../types.ts';
import { UnknownLoginError } from '../types.ts';
import { PasswordProcess, passwordStep } from './password.ts';

export const DEMO_BRIDGE_ID = 'demo';

export interface DemoBridgeOptions {
  clock: Clock;
  logins: LoginStore;
  /** The server's own base URL (known once it listens), for the QR and sign-in URLs. */
  baseURL: () => string;
}

export const DEMO_FLOWS: readonly LoginFlow[] = [
  { id: 'password', name: 'Password', description: 'Sign in with a username and password.' },
  { id: 'password-2fa', name: 'Password and code', description: 'Sign in with a password, then a two-factor code.' },
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

  constructor(private readonly opts: DemoBridgeOptions) {}

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
      const login = this.opts.logins.get(DEMO_BRIDGE_ID, options.loginID);
      if (!login) throw new UnknownLoginError(`login "${options.loginID}" does not exist on the demo bridge`);
      username = login.user.username;
    }
    switch (options.flowID) {
      case 'password':
      case 'password-2fa':
        return { process: new PasswordProcess(options.flowID === 'password-2fa'), first: { kind: 'step', step: passwordStep(username) } };
      default:
        return { process: new PasswordProcess(false), first: { kind: 'failed', error: { code: 'bridge_error', message: `unknown flow "${options.flowID}"` } } };
    }
  }

  /** Logging out of the demo network has nothing remote to do. */
  async logout(): Promise<void> {}
}
