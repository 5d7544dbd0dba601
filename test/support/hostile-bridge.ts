/**
 * A hostile bridge for tests: a `Bridge` whose first step asks for a field with a
 * catastrophically backtracking `pattern` and pre-fills a value that triggers it (what a
 * bridgev2 bridge sends as `default_value`, which the web page pre-fills).
 */
import type { Bridge, BridgeDescriptor, LoginProcess, StepOutcome } from '../../src/bridges/types.ts';

/** Exponential for a backtracking engine: the time doubles with each `a` before the `!`. */
export const HOSTILE_PATTERN = '(a+)+b';

/** A value of `n` a's and a `!`: matches nothing, and takes a backtracking engine 2^n steps to see. */
export function hostileValue(n: number): string {
  return `${'a'.repeat(n)}!`;
}

export class HostileBridge implements Bridge {
  readonly descriptor: BridgeDescriptor = {
    id: 'hostile',
    type: 'hostile',
    displayName: 'Hostile',
    provider: 'self-hosted',
    supportsMultipleAccounts: true,
    enabled: true,
    removeScopes: ['all-devices'],
  };
  submits = 0;

  constructor(private readonly defaultLength = 40) {}

  async health() {
    return { reachable: true };
  }
  async flows() {
    return [{ id: 'pattern', name: 'A field with a hostile pattern' }];
  }
  async capabilities() {
    return { group_creation: {}, resolve_identifier: { any_phone: false, contact_list: false, create_dm: false, lookup_email: false, lookup_phone: false, lookup_username: false, search: false } };
  }
  async liveLogins() {
    return undefined;
  }
  async startLogin(): Promise<{ process: LoginProcess; first: StepOutcome }> {
    const process: LoginProcess = {
      submit: async (input) => {
        this.submits++;
        return { kind: 'complete', login: { loginID: `h-${input.name ?? ''}`, user: { id: 'h', username: input.name ?? '' }, status: 'connected' } };
      },
      wait: () => Promise.reject(new Error('nothing to wait for')),
      cancel: async () => {},
    };
    const step: StepOutcome = {
      kind: 'step',
      step: {
        type: 'user_input',
        stepID: 'hostile.name',
        fields: [{ id: 'name', type: 'text', pattern: HOSTILE_PATTERN, initialValue: hostileValue(this.defaultLength) }],
      },
    };
    return { process, first: step };
  }
  async logout() {}
}
